import { registerSyncCommand } from '../../client/commands/sync';
import { SA_KIND, SA_STARTED_BY, SA_STATUS, functionLockId, type SyncReport } from '../../workflows/definitions';
import { runCli } from '../harness/run-cli';
import { useScfWorld } from '../harness/use-scf-world';
import { releaseInput } from '../release/fixtures';
import { startRelease } from '../release/world-helpers';
import { EXISTING, MISSING, SOURCE, code, outcomeOf, runSyncOn, seed, sha, syncInput, uniquePrefix } from './sync-fixtures';

const READ_ONLY = /^(Get|List)/;

describe('the region sync', () => {
  const t = useScfWorld();
  afterEach(() => t.world.sim.admin.clearFaults());

  /** `same` is in sync in ap-shanghai, `drift` holds older code there; neither exists in ap-singapore. */
  function seedDrift(prefix: string) {
    const { world } = t;
    const same = `${prefix}same`;
    const drift = `${prefix}drift`;
    seed(world, SOURCE, same, 'a');
    seed(world, EXISTING, same, 'a');
    seed(world, SOURCE, drift, 'new');
    seed(world, EXISTING, drift, 'old');
    return { same, drift };
  }

  it('when run dry over a prefix, then it reports in sync, drifted and missing per region with both shas, and makes no mutating call', async () => {
    const { env, world } = t;
    const prefix = uniquePrefix('dry');
    const { same, drift } = seedDrift(prefix);
    const before = { same: sha(world, EXISTING, same), drift: sha(world, EXISTING, drift) };

    const { report } = await runSyncOn(env, world, syncInput({ functions: { match: prefix }, dryRun: true }));

    expect(report.functions.map((f) => f.functionName)).toEqual([drift, same]);
    expect(outcomeOf(report, same, EXISTING)).toMatchObject({ outcome: 'in-sync', action: 'no-op', sourceSha256: sha(world, SOURCE, same), targetSha256: before.same });
    expect(outcomeOf(report, same, MISSING)).toEqual({ region: MISSING, outcome: 'would-sync', action: 'create-by-copy', sourceSha256: sha(world, SOURCE, same) });
    expect(outcomeOf(report, drift, EXISTING)).toMatchObject({ outcome: 'would-sync', action: 'update-in-place', sourceSha256: sha(world, SOURCE, drift), targetSha256: before.drift });
    expect(report.totals).toEqual({ 'in-sync': 1, synced: 0, 'would-sync': 3, 'skipped-locked': 0, failed: 0 });
    expect(report.summary).toMatch(/^Dry-run sync t-\w+: 2 function\(s\) from ap-guangzhou to ap-shanghai, ap-singapore: 1 in-sync, 3 would-sync$/);

    const calls = world.sim.admin.requestLog().filter((e) => e.function?.startsWith(prefix) || (e.action === 'ListFunctions' && e.region === SOURCE));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((e) => !READ_ONLY.test(e.action))).toEqual([]);
    expect(sha(world, EXISTING, drift)).toBe(before.drift);
    expect(world.sim.admin.getFunction(MISSING, 'default', same)).toBeUndefined();
  });

  it('when run for real, then only the drifted regions are written (copy where missing, update in place where present) and a second run finds everything in sync', async () => {
    const { env, world } = t;
    const prefix = uniquePrefix('real');
    const { same, drift } = seedDrift(prefix);
    const { report, syncId } = await runSyncOn(env, world, syncInput({ functions: { names: [same, drift] } }));

    expect(report.totals).toEqual({ 'in-sync': 1, synced: 3, 'would-sync': 0, 'skipped-locked': 0, failed: 0 });
    expect(outcomeOf(report, drift, EXISTING)).toMatchObject({ outcome: 'synced', action: 'update-in-place', version: '2' });
    expect(outcomeOf(report, same, MISSING)).toMatchObject({ outcome: 'synced', action: 'create-by-copy', version: '1' });
    for (const [fn, region] of [[drift, EXISTING], [drift, MISSING], [same, MISSING]] as const) {
      const view = world.sim.admin.getFunction(region, 'default', fn)!;
      expect(view.codeSha256).toBe(sha(world, SOURCE, fn));
      expect(view.versions.at(-1)!.codeSha256).toBe(sha(world, SOURCE, fn));
    }
    // Updated in place, never overridden: the existing target keeps its trigger and its old version.
    const updated = world.sim.admin.getFunction(EXISTING, 'default', drift)!;
    expect(updated.triggers).toEqual([expect.objectContaining({ type: 'timer', name: 'nightly' })]);
    expect(updated.versions.map((v) => v.version)).toEqual(['1', '2']);
    const mutations = world.sim.admin.requestLog().filter((e) => e.function === same && e.region === EXISTING && !READ_ONLY.test(e.action));
    expect(mutations).toEqual([]);

    // Each function ran as its own child, id and search attributes saying what it is.
    const child = await env.client.workflow.getHandle(`sync/${syncId}/default/${drift}`).describe();
    expect(child.typedSearchAttributes.get(SA_KIND)).toBe('sync');
    expect(child.typedSearchAttributes.get(SA_STATUS)).toBe('Succeeded');

    const again = await runSyncOn(env, world, syncInput({ functions: { names: [same, drift] } }));
    expect(again.report.totals).toEqual({ 'in-sync': 4, synced: 0, 'would-sync': 0, 'skipped-locked': 0, failed: 0 });
    const parent = await again.handle.describe();
    expect(parent.typedSearchAttributes.get(SA_STATUS)).toBe('NoOp');
  });

  it('when the selected version differs from the source\'s $LATEST, then a missing target is copied and then given the selected code', async () => {
    const { env, world } = t;
    const functionName = `${uniquePrefix('ahead')}fn`;
    seed(world, SOURCE, functionName, 'published');
    const published = sha(world, SOURCE, functionName);
    // $LATEST moves on past version 1; CopyFunction would copy this unpublished code.
    await world.activities.updateFunctionCode({ fn: { region: SOURCE, namespace: 'default', functionName }, pkg: world.makePackage(code('unpublished')) });
    await world.sim.admin.waitForStatus({ region: SOURCE, functionName, statuses: ['Active'] });
    expect(sha(world, SOURCE, functionName)).not.toBe(published);

    const { report } = await runSyncOn(env, world, syncInput({ functions: { names: [functionName] }, targetRegions: [MISSING] }));

    expect(report.functions[0]).toMatchObject({ sourceQualifier: '1', sourceSha256: published });
    expect(outcomeOf(report, functionName, MISSING)).toMatchObject({ outcome: 'synced', action: 'create-by-copy', version: '1' });
    const target = world.sim.admin.getFunction(MISSING, 'default', functionName)!;
    expect(target.codeSha256).toBe(published);
    expect(target.versions.at(-1)!.codeSha256).toBe(published);
  });

  it('when a broken release rolled back in the source and left its version, then a latest-version sync copies the version with the code that stayed live, not that one', async () => {
    const { env, world } = t;
    const functionName = `${uniquePrefix('after-rollback')}fn`;
    seed(world, SOURCE, functionName, 'good');
    const good = sha(world, SOURCE, functionName);
    const brokenCode = { 'index.js': "exports.main_handler = async () => { throw new Error('this release is broken'); };\n" };
    const release = await startRelease(env, world, releaseInput(functionName, world.makePackage(brokenCode), { regions: [], alias: undefined }));
    const released = await world.runWorker(() => release.result());
    expect(released.status).toBe('RolledBack');
    expect(released.versionsLeftInPlace).toEqual([{ region: SOURCE, version: '2' }]);
    expect(sha(world, SOURCE, functionName)).toBe(good);

    const { report } = await runSyncOn(env, world, syncInput({ functions: { names: [functionName] }, targetRegions: [MISSING] }));

    expect(report.functions[0]).toMatchObject({ sourceQualifier: '1', sourceSha256: good });
    expect(outcomeOf(report, functionName, MISSING)).toMatchObject({ outcome: 'synced', action: 'create-by-copy', version: '1' });
    const target = world.sim.admin.getFunction(MISSING, 'default', functionName)!;
    expect(target.codeSha256).toBe(good);
    expect(target.versions.map((v) => v.codeSha256)).toEqual([good]);
  });

  it('when a function is locked by a release, then it is skipped and reported, and the others are synced', async () => {
    const { env, world } = t;
    const prefix = uniquePrefix('locked');
    const { same, drift } = seedDrift(prefix);
    // What a running release holds: the function's lock workflow.
    const lock = await env.client.workflow.start('functionLockWorkflow', {
      workflowId: functionLockId('default', drift),
      taskQueue: world.taskQueue,
      args: [{ namespace: 'default', functionName: drift, holderWorkflowId: 'release/default/x/r-1', kind: 'release' }],
    });
    try {
      const before = sha(world, EXISTING, drift);
      const { report } = await runSyncOn(env, world, syncInput({ functions: { names: [same, drift] } }));
      expect(outcomeOf(report, drift, EXISTING)).toMatchObject({ outcome: 'skipped-locked', error: { type: 'FunctionLocked' } });
      expect(outcomeOf(report, drift, MISSING)).toMatchObject({ outcome: 'skipped-locked' });
      expect(outcomeOf(report, same, MISSING)).toMatchObject({ outcome: 'synced' });
      expect(report.totals).toMatchObject({ 'skipped-locked': 2, synced: 1, failed: 0 });
      expect(sha(world, EXISTING, drift)).toBe(before);
      expect(world.sim.admin.getFunction(MISSING, 'default', drift)).toBeUndefined();
    } finally {
      await lock.terminate('test done');
    }
  });

  it('when publishing fails in one target, then that region is restored and reported with its error code, and the other regions and functions are synced', async () => {
    const { env, world } = t;
    const prefix = uniquePrefix('fails');
    const { same, drift } = seedDrift(prefix);
    const before = sha(world, EXISTING, drift);
    world.sim.admin.failNextPublish({ region: EXISTING, functionName: drift, errorCode: 'InternalError.System', errorMessage: 'publish broke' });

    const { report } = await runSyncOn(env, world, syncInput({ functions: { names: [same, drift] } }));

    const failed = outcomeOf(report, drift, EXISTING)!;
    expect(failed.outcome).toBe('failed');
    // The simulator's failed publish leaves no version 2, so the wait reports it missing.
    expect(failed.error).toMatchObject({ type: expect.stringMatching(/PublishFailed|ResourceNotFound\.Version/), region: EXISTING });
    expect(report.functions.find((f) => f.functionName === drift)!.compensations).toEqual([
      { name: 'restore-code', region: EXISTING, outcome: 'ok' },
    ]);
    expect(sha(world, EXISTING, drift)).toBe(before);
    expect(outcomeOf(report, drift, MISSING)).toMatchObject({ outcome: 'synced' });
    expect(outcomeOf(report, same, MISSING)).toMatchObject({ outcome: 'synced' });
    expect(report.totals).toMatchObject({ failed: 1, synced: 2, 'in-sync': 1 });
  });

  it('when there are more functions than one run takes, then it continues as new and still reports every function in order', async () => {
    const { env, world } = t;
    const prefix = uniquePrefix('many');
    const names = Array.from({ length: 5 }, (_, i) => `${prefix}${i}`);
    for (const name of names) seed(world, SOURCE, name, name);
    const { report, syncId } = await runSyncOn(
      env,
      world,
      syncInput({ functions: { match: `${prefix}*` }, targetRegions: [MISSING], dryRun: true, functionsPerRun: 2, functionConcurrency: 2 }),
    );
    expect(report.functions.map((f) => f.functionName)).toEqual(names);
    expect(report.totals['would-sync']).toBe(5);
    const runs = await env.client.workflow.count(`WorkflowId = "sync/${syncId}"`);
    expect(runs.count).toBe(3);
  });

  it('when `sync run --dry-run --json` runs, then it prints the drift report and exits 0', async () => {
    const { world } = t;
    const prefix = uniquePrefix('cli');
    const { drift } = seedDrift(prefix);
    const run = await runCli(registerSyncCommand, [
      'sync', 'run', '--source', SOURCE, '--targets', EXISTING, '--match', prefix, '--dry-run', '--json', '--by', 'nightly-bot', '--task-queue', world.taskQueue,
    ]);
    if (run.error) console.error(run.error, (run.error as Error).cause, run.stderr);
    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout) as SyncReport;
    expect(report).toMatchObject({ dryRun: true, totals: { 'in-sync': 1, 'would-sync': 1 } });
    expect(outcomeOf(report, drift, EXISTING)).toMatchObject({ outcome: 'would-sync' });
    expect(run.stderr).toMatch(/Sync \S+: http/);
    const started = await t.env.client.workflow.getHandle(`sync/${report.syncId}`).describe();
    expect(started.typedSearchAttributes.get(SA_STARTED_BY)).toBe('nightly-bot');
  });

  it('when `sync run --verify-event` names an event the synced code fails in a target, then that region is undone and reported, and the run exits 2', async () => {
    const { world } = t;
    const fn = `${uniquePrefix('verify')}fn`;
    // The source's code only answers in the source region: every other region fails the event.
    world.sim.admin.seedFunction({
      region: SOURCE,
      functionName: fn,
      files: { 'index.js': `exports.main_handler = async () => { if (process.env.TENCENTCLOUD_REGION !== '${SOURCE}') throw new Error('region not configured'); return { ok: true }; };\n` },
      handler: 'index.main_handler',
      runtime: 'Nodejs18.15',
      publishVersions: 1,
    });
    seed(world, EXISTING, fn, 'old');
    const before = sha(world, EXISTING, fn);

    const run = await runCli(registerSyncCommand, [
      'sync', 'run', '--source', SOURCE, '--targets', EXISTING, '--functions', fn, '--verify-event', '{"ping":1}', '--json', '--task-queue', world.taskQueue,
    ]);

    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(2);
    const report = JSON.parse(run.stdout) as SyncReport;
    expect(outcomeOf(report, fn, EXISTING)).toMatchObject({ outcome: 'failed', error: { type: 'VerificationFailed', region: EXISTING } });
    expect(report.functions[0]!.compensations).toEqual([{ name: 'restore-code', region: EXISTING, outcome: 'ok' }]);
    expect(sha(world, EXISTING, fn)).toBe(before);
    const invokes = world.sim.admin.requestLog().filter((e) => e.action === 'InvokeFunction' && e.function === fn);
    expect(invokes.map((e) => e.region)).toEqual([EXISTING]);
  });

  it('when a verification event references an SCF_EVENT_ variable no worker has, then the function is reported failed naming it, before any region is written', async () => {
    const { env, world } = t;
    const { drift } = seedDrift(uniquePrefix('env-ref'));
    const before = sha(world, EXISTING, drift);
    const seeded = world.sim.admin.requestLog().length;
    const verification = [{ name: 'event-1', event: '{"token":"${env:SCF_EVENT_SYNC_ABSENT}"}', expect: { invokeResult: 0 } }];

    const { report } = await runSyncOn(env, world, syncInput({ functions: { names: [drift] }, verification }));

    const fn = report.functions.find((f) => f.functionName === drift)!;
    expect(fn.error).toMatchObject({ type: 'EventReferenceRefused' });
    expect(fn.error?.message).toContain('set SCF_EVENT_SYNC_ABSENT');
    expect(fn.compensations).toEqual([]);
    const calls = world.sim.admin.requestLog().slice(seeded).filter((e) => e.function === drift && !READ_ONLY.test(e.action));
    expect(calls.map((e) => `${e.action} ${e.region}`)).toEqual([]);
    expect(sha(world, EXISTING, drift)).toBe(before);
    expect(sha(world, MISSING, drift)).toBeUndefined();
  });

  it('when --verify-event is not JSON, then sync run refuses it naming the flag, before anything starts', async () => {
    const run = await runCli(registerSyncCommand, ['sync', 'run', '--source', SOURCE, '--targets', EXISTING, '--functions', 'fn-x', '--verify-event', '{oops']);
    expect(run.exitCode).toBe(64);
    expect(run.stderr).toMatch(/--verify-event #1 is not JSON .*pass the event as JSON text/);
  });
});
