import { registerAbortCommand } from '../../client/commands/abort';
import { registerShowCommand } from '../../client/commands/show';
import { registerStatusCommand } from '../../client/commands/status';
import type { RunView } from '../../client/audit/show';
import { releaseWorkflowId, SA_KIND, type ReleaseInput } from '../../workflows/definitions';
import { eventually } from '../harness/eventually';
import { runCli } from '../harness/run-cli';
import { useScfWorld } from '../harness/use-scf-world';
import { EXISTING, SOURCE, runSyncOn, seed, syncInput, uniquePrefix } from '../sync/sync-fixtures';

describe('scf-release show', () => {
  const t = useScfWorld();

  it('when shown, a finished release prints its steps with timings, per-region results and compensations', async () => {
    const { env, world } = t;
    const functionName = `${uniquePrefix('show')}fn`;
    for (const region of [SOURCE, EXISTING]) seed(world, region, functionName, 'old');
    const input: ReleaseInput = {
      releaseId: 'r-show',
      functionName,
      namespace: 'default',
      primaryRegion: SOURCE,
      regions: [EXISTING],
      pkg: world.makePackage({ 'index.js': 'exports.main_handler = async () => ({ ok: false });\n' }),
      verification: [{ name: 'answers ok', event: '{}', expect: { retMsgJsonSubset: { ok: true } } }],
      startedBy: 'show-test',
    };
    const workflowId = releaseWorkflowId('default', functionName, 'r-show');
    const handle = await env.client.workflow.start('releaseWorkflow', { taskQueue: world.taskQueue, workflowId, args: [input] });
    await world.runWorker(() => handle.result());

    const text = await runCli(registerShowCommand, ['show', workflowId]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('Status:   RolledBack  (Temporal: COMPLETED)');
    expect(text.stdout).toMatch(/Steps:\nSTEP\s+REGION\s+STARTED\s+TOOK\s+OUTCOME/);
    expect(text.stdout).toMatch(/update-code\s+ap-guangzhou\s+\S+ \S+\s+\d+(ms|\.\ds)\s+ok/);
    expect(text.stdout).toMatch(/Compensations:\nNAME.*\n.*\nrestore-code\s+ap-guangzhou\s+ok/);
    expect(text.stdout).toContain('Error: VerificationFailed');
    expect(text.stdout).toContain(`/workflows/${encodeURIComponent(workflowId)}/`);

    const json = JSON.parse((await runCli(registerShowCommand, ['show', workflowId, '--json'])).stdout) as RunView;
    expect(json.detail).toMatchObject({ kind: 'release', state: 'closed', result: { status: 'RolledBack' } });
  });

  it('when a finished release is shown by its short id, then show finds it as the other commands do', async () => {
    const { env, world } = t;
    const functionName = `${uniquePrefix('show-short')}fn`;
    seed(world, SOURCE, functionName, 'old');
    const releaseId = `r-${uniquePrefix('short')}`.replace(/-$/, '');
    const input: ReleaseInput = {
      releaseId, functionName, namespace: 'default', primaryRegion: SOURCE, regions: [],
      pkg: world.makePackage({ 'index.js': 'exports.main_handler = async () => ({ ok: true });\n' }),
      verification: [], startedBy: 'show-test',
    };
    const workflowId = releaseWorkflowId('default', functionName, releaseId);
    const handle = await env.client.workflow.start('releaseWorkflow', {
      taskQueue: world.taskQueue, workflowId, args: [input],
      typedSearchAttributes: [{ key: SA_KIND, value: 'release' }],
    });
    await world.runWorker(() => handle.result());
    const byShortId = await eventually(() => runCli(registerShowCommand, ['show', releaseId]), (run) => run.exitCode === 0);
    expect(byShortId.stdout).toContain(`${workflowId}  (releaseWorkflow`);

    // Aborting a release that has ended is told apart from aborting one that does not exist.
    const ended = await runCli(registerAbortCommand, ['abort', releaseId, '--reason', 'too late']);
    expect(ended.exitCode).toBe(1);
    expect(ended.stderr).toMatch(new RegExp(`${workflowId} has already ended \\(Succeeded\\); nothing to abort`));
    const missing = await runCli(registerAbortCommand, ['abort', 'release/default/nope/r-0', '--reason', 'x']);
    expect(missing.exitCode).toBe(64);
    expect(missing.stderr).toContain('no release workflow release/default/nope/r-0');
  });

  it('when shown, a finished sync prints its drift report', async () => {
    const { env, world } = t;
    const prefix = uniquePrefix('show-sync');
    seed(world, SOURCE, `${prefix}a`, 'new');
    seed(world, EXISTING, `${prefix}a`, 'old');
    const { syncId } = await runSyncOn(env, world, syncInput({ functions: { match: prefix }, targetRegions: [EXISTING], dryRun: true }));
    const run = await runCli(registerShowCommand, ['show', `sync/${syncId}`]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${prefix}a\\s+ap-shanghai\\s+would-sync\\s+update-in-place`));
    expect(run.stdout).toContain('Totals: would-sync 1');
  });

  it('when a release runs but no worker has picked it up yet, then show and status say so at once instead of failing or waiting', async () => {
    const { env } = t;
    // No worker polls this queue: the release stays at its first workflow task and answers no query.
    const workflowId = releaseWorkflowId('default', `${uniquePrefix('show-idle')}fn`, 'r-idle');
    const handle = await env.client.workflow.start('releaseWorkflow', { taskQueue: `${uniquePrefix('no-worker')}q`, workflowId, args: [] });
    try {
      const run = await runCli(registerShowCommand, ['show', workflowId]);
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('(Temporal: RUNNING)');
      expect(run.stdout).toContain('Running: waiting for a worker to pick it up');
      const json = JSON.parse((await runCli(registerShowCommand, ['show', workflowId, '--json'])).stdout) as RunView;
      expect(json.detail).toEqual({ kind: 'release', state: 'running' });
      const status = await runCli(registerStatusCommand, ['status', workflowId]);
      expect(status.exitCode).toBe(0);
      expect(status.stdout).toContain(`${workflowId}: running, waiting for a worker to pick it up`);
      // No worker answers the abort: it gives up at its deadline and says what to do.
      const abort = await runCli(registerAbortCommand, ['abort', workflowId, '--reason', 'stuck', '--wait', '1s']);
      expect(abort.exitCode).toBe(1);
      expect(abort.stderr).toContain(`no worker answered the abort of ${workflowId} within 1s`);
      expect(abort.stderr).toMatch(/npm run worker/);
    } finally {
      await handle.terminate('test cleanup');
    }
    // Asked, a workflow no worker has run answers no query until the query times out (30 s, thrice here).
  }, 20_000);

  it('when the id is unknown, then it says so as an input error', async () => {
    const run = await runCli(registerShowCommand, ['show', 'release/default/nope/r-0']);
    expect(run.exitCode).toBe(64);
    expect(run.stderr).toBe('scf-release: no workflow with id release/default/nope/r-0\n');
  });
});
