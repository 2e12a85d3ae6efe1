/**
 * `scf-release dev` refuses bad ports before it starts anything, naming the flag and the fix, and
 * exits (a failed start must not leave the process hanging).
 */
import net from 'node:net';
import { freePort } from '../harness/ports';
import { spawnCli } from '../harness/run-cli';

describe('scf-release dev', () => {
  it('when a port it needs is taken, then it exits 64 naming the flag, without starting anything', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const run = await spawnCli(['dev', '--in-memory', '--port', String(await freePort()), '--ui-port', String(await freePort()), '--sim-port', String(port)]);
      expect(run.code).toBe(64);
      expect(run.stderr).toContain(`--sim-port ${port} is in use (another dev stack?); stop it, or pass another --sim-port`);
      expect(run.stdout).not.toContain('dev stack is up');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('when a port is not a number, then it exits 64 naming the flag', async () => {
    const run = await spawnCli(['dev', '--in-memory', '--ui-port', 'eighty']);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('--ui-port must be a port number between 1 and 65535, got "eighty"');
  });
});
