/**
 * The SCF calls of a release, counted in the simulator's request log: no fact is read twice. The
 * preflight's read of $LATEST (under the function lock) is also the snapshot its update's undo
 * restores, and the new version is shown to hold the package by $LATEST unchanged since the update
 * (GetFunction), so per region updated in place GetFunctionAddress answers once, for $LATEST in the
 * preflight; only a sign of another writer reads the version's CodeSha256 (BENCHMARKS.md, "every SCF
 * call of a release").
 */
import { eventually } from '../harness/eventually';
import { rateLimitedTaskQueue } from '../../workflows/definitions';
import { useScfWorld } from '../harness/use-scf-world';
import { CASES, EXISTING, MISSING, PRIMARY, newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
import { startRelease } from './world-helpers';

describe('the SCF calls of a release', () => {
  const t = useScfWorld();

  it('when a release updates three regions in place, then each region answers GetFunctionAddress once, for $LATEST, and GetFunction never for the snapshot', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('calls');
    const regions = [PRIMARY, EXISTING, MISSING];
    await seedWorld(world, functionName, { existing: [EXISTING, MISSING], alias: false });
    const input = releaseInput(functionName, world.makePackage(newCode()), { alias: undefined });
    const handle = await startRelease(env, world, input);
    const result = await world.runWorker(() => handle.result());
    expect(result.status).toBe('Succeeded');

    const log = world.sim.admin.requestLog().filter((e) => e.function === functionName && e.outcome === 'OK');
    for (const region of regions) {
      const version = result.regions.find((r) => r.region === region)!.version;
      const addresses = log.filter((e) => e.region === region && e.action === 'GetFunctionAddress').map((e) => e.qualifier ?? '$LATEST');
      expect({ region, addresses }).toEqual({ region, addresses: ['$LATEST'] });
      expect(result.regions.find((r) => r.region === region)).toMatchObject({ codeCheck: 'unchanged-since-update', codeSha256: input.pkg.sha256, version });
      // GetFunction of $LATEST before the update: the preflight's one read (the waits poll after the update).
      const firstUpdate = log.findIndex((e) => e.region === region && e.action === 'UpdateFunctionCode');
      const reads = log.slice(0, firstUpdate).filter((e) => e.region === region && e.action === 'GetFunction');
      expect({ region, getFunctionBeforeUpdate: reads.length }).toEqual({ region, getFunctionBeforeUpdate: 1 });
    }
  });

  it('when a release runs, then each activity calling a tight-limit action is scheduled on that action\'s rate-limited task queue, and the rest on the release\'s own', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('queues');
    await seedWorld(world, functionName, { existing: [EXISTING, MISSING], alias: false });
    const handle = await startRelease(env, world, releaseInput(functionName, world.makePackage(newCode()), { alias: undefined }));
    expect((await world.runWorker(() => handle.result())).status).toBe('Succeeded');

    const { events } = await handle.fetchHistory();
    const queues: Record<string, Set<string>> = {};
    for (const e of events ?? []) {
      const a = e.activityTaskScheduledEventAttributes;
      if (!a) continue;
      (queues[a.activityType!.name!] ??= new Set()).add(a.taskQueue!.name!);
    }
    const only = (name: string) => [...(queues[name] ?? [])];
    expect(only('inspectLatest')).toEqual([rateLimitedTaskQueue(world.taskQueue, 'GetFunctionAddress')]);
    expect(only('publishAndWait')).toEqual([rateLimitedTaskQueue(world.taskQueue, 'PublishVersion')]);
    for (const name of ['updateCodeAndWait', 'verifyCase']) expect(only(name)).toEqual([world.taskQueue]);
  });

  it('when a release updates three regions in place, then it runs four activities per region: the preflight\'s one (GetFunction and the snapshot), the update with its wait, the publish with its wait and its code check, and the one verification case', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('activities');
    await seedWorld(world, functionName, { existing: [EXISTING, MISSING], alias: false });
    const input = releaseInput(functionName, world.makePackage(newCode()), { alias: undefined, verification: [CASES[0]!] });
    const handle = await startRelease(env, world, input);
    expect((await world.runWorker(() => handle.result())).status).toBe('Succeeded');

    const { events } = await handle.fetchHistory();
    const perType: Record<string, number> = {};
    for (const e of events ?? []) {
      const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
      if (name) perType[name] = (perType[name] ?? 0) + 1;
    }
    // checkVerification: once per release, no SCF call, scheduled with the preflight (before any activity ended).
    expect(perType).toEqual({ inspectLatest: 3, checkVerification: 1, updateCodeAndWait: 3, publishAndWait: 3, verifyCase: 3 });
    const order = (events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? (e.activityTaskCompletedEventAttributes ? 'completed' : undefined)).filter(Boolean);
    expect(order.indexOf('checkVerification')).toBeLessThan(order.indexOf('completed'));
  });

  it('when another tool writes a target\'s $LATEST while the release\'s PublishVersion is on its way, then the version\'s CodeSha256 is read, the mismatch fails the release and it rolls back', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('other-writer');
    await seedWorld(world, functionName, { existing: [EXISTING, MISSING], alias: false });
    world.sim.admin.holdCall({ action: 'PublishVersion', count: 1, region: EXISTING, functionName });
    const input = releaseInput(functionName, world.makePackage(newCode()), { alias: undefined });
    const handle = await startRelease(env, world, input);
    const running = world.runWorker(() => handle.result());
    await eventually(() => world.sim.admin.heldCalls(), (calls) => calls.length === 1);
    // Outside the release's lock: the console, another pipeline.
    const theirs = world.makePackage({ 'index.js': 'exports.main_handler = async () => ({ theirs: true, padding: "a longer package than the release\'s" })' });
    const fn = { region: EXISTING, namespace: input.namespace, functionName };
    await world.activities.updateCodeAndWait({ fn, pkg: theirs, maxWaitMs: 30_000 });
    world.sim.admin.releaseCalls();
    const result = await running;
    expect(result.status).toBe('RolledBack');
    expect(result.error?.type).toBe('CodeSha256Mismatch');
    const published = world.sim.admin.requestLog().filter((e) => e.function === functionName && e.region === EXISTING && e.action === 'GetFunctionAddress' && e.outcome === 'OK');
    expect(published.map((e) => e.qualifier ?? '$LATEST')).toContain(result.versionsLeftInPlace.find((v) => v.region === EXISTING)?.version);
  });

  it('when a target\'s new version ends PublishFailed, then the release rolls back and still names that version as left in place', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('publish-failed');
    await seedWorld(world, functionName, { existing: [EXISTING, MISSING], alias: false });
    world.sim.admin.failNextPublish({ region: EXISTING, functionName, errorCode: 'InternalError.System', errorMessage: 'publish broke' });
    const handle = await startRelease(env, world, releaseInput(functionName, world.makePackage(newCode()), { alias: undefined }));
    const result = await world.runWorker(() => handle.result());
    expect(result.status).toBe('RolledBack');
    // The simulator's failed publish leaves no version behind, so the wait may find it missing.
    expect(result.error?.type).toMatch(/PublishFailed|ResourceNotFound\.Version/);
    expect(result.versionsLeftInPlace.filter((v) => v.region === EXISTING)).toEqual([{ region: EXISTING, version: expect.stringMatching(/^\d+$/) }]);
  });
});
