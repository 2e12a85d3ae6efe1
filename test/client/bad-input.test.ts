/**
 * Bad flags are the caller's input: the CLI exits 64 naming the flag, and decides so before it
 * connects to anything. Temporal is pointed at a closed port, so a command that connected first
 * would end with exit 1 and "cannot reach Temporal" instead.
 */
import { syncInputFromFlags } from '../../client/schedules/sync-options';
import { spawnCli, type SpawnedCliRun } from '../harness/run-cli';

const UNREACHABLE = { TEMPORAL_ADDRESS: '127.0.0.1:1' };

function expectRefused(run: SpawnedCliRun, message: string | RegExp): void {
  expect(run.stderr).not.toContain('cannot reach Temporal');
  if (typeof message === 'string') expect(run.stderr).toContain(message);
  else expect(run.stderr).toMatch(message);
  expect(run.code).toBe(64);
}

describe('bad input', () => {
  it('when sim gets a port or a number that is not one, then it exits 64 naming the flag', async () => {
    const [port, delay] = await Promise.all([spawnCli(['sim', '--port', 'abc']), spawnCli(['sim', '--delay-ms', 'soon'])]);
    expectRefused(port, '--port must be a port number between 0 and 65535, got "abc"');
    expect(port.stdout).not.toContain('SCF simulator listening');
    expectRefused(delay, /option '--delay-ms <ms>' argument 'soon' is invalid\. It must be a number\./);
  });

  it('when demo gets a port that is not a number, then it exits 64 naming the flag before starting anything', async () => {
    const [port, uiPort] = await Promise.all([spawnCli(['demo', '--port', 'abc']), spawnCli(['demo', '--ui-port', '99999'])]);
    expectRefused(port, '--port must be a port number between 1 and 65535, got "abc"');
    expectRefused(uiPort, '--ui-port must be a port number between 1 and 65535, got "99999"');
    expect(port.stdout).not.toContain('Starting the dev stack');
  });

  it('when status, watch, abort or approve name no release, or two ways at once, then they exit 64 without connecting', async () => {
    const runs = await Promise.all([
      spawnCli(['status'], UNREACHABLE),
      spawnCli(['watch', '--json'], UNREACHABLE),
      spawnCli(['abort', '--reason', 'x'], UNREACHABLE),
      spawnCli(['approve'], UNREACHABLE),
    ]);
    for (const run of runs) expectRefused(run, 'scf-release: name the release: an id, or --function <name>');
    expectRefused(await spawnCli(['status', 'r-20250101-000000-abcd', '--function', 'hello'], UNREACHABLE), 'give a release id or --function, not both');
  });

  it('when history gets an unknown kind or status, a bad --since or a control character, then it exits 64 naming the flag without connecting', async () => {
    const [kind, status, since, control] = await Promise.all([
      spawnCli(['history', '--kind', 'foo'], UNREACHABLE),
      spawnCli(['history', '--status', 'Exploded'], UNREACHABLE),
      spawnCli(['history', '--since', 'last tuesday'], UNREACHABLE),
      spawnCli(['history', '--function', 'a\u0001b'], UNREACHABLE),
    ]);
    expectRefused(kind, '--kind: unknown value "foo" (one of: release, sync, rollback, fleet)');
    expectRefused(status, '--status: unknown value "Exploded" (one of: Running, Succeeded, NoOp, RolledBack, RollbackFailed, Aborted, Failed)');
    expectRefused(since, '--since takes a duration like 7d, 12h, 30m or an ISO time');
    expectRefused(control, 'refusing a control character in a filter value');
  });

  it('when sync run gets a namespace, function or alias name SCF would refuse, then it exits 64 naming the flag and the rule', async () => {
    const base = ['sync', 'run', '--source', 'ap-guangzhou', '--targets', 'ap-shanghai'];
    const [namespace, functions, alias] = await Promise.all([
      spawnCli([...base, '--functions', 'fn-a', '--namespace', 'bad name!'], UNREACHABLE),
      spawnCli([...base, '--functions', 'fn-a,9lives'], UNREACHABLE),
      spawnCli([...base, '--functions', 'fn-a', '--what', 'alias:9x'], UNREACHABLE),
    ]);
    expectRefused(namespace, '--namespace: "bad name!" is not an SCF namespace; a namespace must be 1-30 letters, digits, - or _');
    expectRefused(functions, '--functions: "9lives" is not an SCF function name; a name must be 2-60 characters');
    expectRefused(alias, '--what: the alias name "9x" must start with a letter');
  });
});

describe('sync --verify-event', () => {
  const run = ['sync', 'run', '--source', 'ap-guangzhou', '--targets', 'ap-shanghai', '--functions', 'fn-a'];
  const create = ['sync', 'schedule', 'create', 'nightly', '--cron', '0 3 * * *', '--source', 'ap-guangzhou', '--targets', 'ap-shanghai', '--functions', 'fn-a'];

  it('when an event carries a credential, a __proto__ key or a malformed ${env:} reference, then sync run and schedule create exit 64 naming the event without connecting', async () => {
    const secret = JSON.stringify({ SecretId: `AKID${'x'.repeat(32)}` });
    const [runSecret, createSecret, proto, env, ok] = await Promise.all([
      spawnCli([...run, '--verify-event', '{"ping":1}', '--verify-event', secret], UNREACHABLE),
      spawnCli([...create, '--verify-event', secret], UNREACHABLE),
      spawnCli([...run, '--verify-event', '{"__proto__":{"admin":true}}'], UNREACHABLE),
      spawnCli([...run, '--verify-event', '{"token":"${env:HOME}"}'], UNREACHABLE),
      spawnCli([...run, '--verify-event', '{"token":"${env:SCF_EVENT_TOKEN}"}'], UNREACHABLE),
    ]);
    expectRefused(runSecret, /--verify-event #2\.SecretId: looks like a Tencent SecretId \(AKID\.\.\.\).*write \$\{env:SCF_EVENT_<NAME>\}/);
    expect(runSecret.stderr).not.toContain('notSecrets');
    expectRefused(createSecret, /--verify-event #1\.SecretId: looks like a Tencent SecretId/);
    expectRefused(proto, /--verify-event #1\.__proto__: is a key that names JavaScript's object machinery/);
    expectRefused(env, /--verify-event #1\.token: \$\{env:HOME\} is refused: it names "HOME", and an event may reference only worker variables named SCF_EVENT_<NAME>/);
    // A well-formed reference passes the checks, so this run gets as far as connecting.
    expect(ok.stderr).toContain('cannot reach Temporal');
  });

  it('when the events together are too big for a workflow input, then sync run exits 64 naming the biggest', async () => {
    const big = JSON.stringify({ data: 'x'.repeat(100 * 1024) });
    const events = Array.from({ length: 11 }, () => ['--verify-event', big]).flat();
    expectRefused(await spawnCli([...run, ...events], UNREACHABLE), /--verify-event #1: is 101 KiB, and the whole release input is 1\.1 MiB/);
  });

  it('when an event is over SCF\'s 6 MB, then the sync flags are refused naming it', () => {
    const flags = { source: 'ap-guangzhou', targets: 'ap-shanghai', functions: 'fn-a', namespace: 'default', what: 'latest-version', concurrency: '8' };
    const huge = JSON.stringify({ data: 'x'.repeat(6 * 1024 * 1024) });
    expect(() => syncInputFromFlags({ ...flags, verifyEvent: [huge] })).toThrow(/--verify-event #1: is 6\.0 MiB as JSON; SCF's InvokeFunction takes an event of at most 6 MB/);
  });
});
