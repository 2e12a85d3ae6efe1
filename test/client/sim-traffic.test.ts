/** `scf-release sim traffic` against a running simulator: invokes through the alias, refuses bad flags (64). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerSimCommand } from '../../client/commands/sim';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { runCli } from '../harness/run-cli';
import { clientFor } from '../simulator/helpers';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sim-traffic-'));
const events = path.join(dir, 'events.jsonl');
writeFileSync(events, '{}\n{"fail":true}\n');
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator();
  sim.admin.seedFunction({
    region: 'ap-guangzhou', functionName: 'cli-traffic', publishVersions: 1,
    files: { 'index.js': 'exports.main_handler = async (e) => { if (e.fail) throw new Error("no"); return 1; };\n' },
  });
});
afterAll(() => sim.stop());

describe('scf-release sim traffic', () => {
  test('when it runs a counted burst through an alias, then it prints what ran and exits 0; without the alias, 64', async () => {
    const args = (alias: string) => ['sim', 'traffic', '--function', 'cli-traffic', '--alias', alias, '--events', events, '--count', '6', '--rate', '50/s', '--sim', sim.url];
    const missing = await runCli(registerSimCommand, args('live'));
    expect(missing.exitCode).toBe(64);
    expect(missing.stderr).toContain('no alias live');
    await clientFor(sim).CreateAlias({ FunctionName: 'cli-traffic', Name: 'live', FunctionVersion: '1' });
    const r = await runCli(registerSimCommand, args('live'));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('through cli-traffic:live with 2 event(s)');
    expect(r.stdout).toContain('done: 6 invocations, 3 function errors');
  });

  test('when the flags are wrong, then it exits 64 naming the flag', async () => {
    const bad = (extra: string[]) => runCli(registerSimCommand, ['sim', 'traffic', '--function', 'f', '--alias', 'a', '--events', events, '--sim', sim.url, ...extra]);
    expect((await bad(['--rate', 'fast'])).stderr).toContain('--rate takes invocations per second');
    expect((await bad(['--count', '0'])).exitCode).toBe(64);
    const remote = await runCli(registerSimCommand, ['sim', 'traffic', '--function', 'f', '--alias', 'a', '--events', events, '--sim', 'http://example.com:9000']);
    expect(remote.exitCode).toBe(64);
    expect(remote.stderr).toContain('only to a simulator on this machine');
  });
});
