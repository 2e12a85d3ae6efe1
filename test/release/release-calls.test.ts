/**
 * The SCF calls of a release, counted in the simulator's request log: no fact is read twice. The
 * preflight's read of $LATEST (under the function lock) is also the snapshot its update's undo
 * restores, so per region updated in place GetFunctionAddress answers twice: $LATEST in the
 * preflight, the new version after PublishVersion (BENCHMARKS.md, "every SCF call of a release").
 */
import { rateLimitedTaskQueue } from '../../workflows/definitions';
import { useScfWorld } from '../harness/use-scf-world';
import { EXISTING, MISSING, PRIMARY, newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
import { startRelease } from './world-helpers';

describe('the SCF calls of a release', () => {
  const t = useScfWorld();

  it('when a release updates three regions in place, then each region answers GetFunctionAddress once for $LATEST and once for the new version, and GetFunction never for the snapshot', async () => {
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
      expect({ region, addresses }).toEqual({ region, addresses: ['$LATEST', version] });
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
    expect(only('snapshotCode')).toEqual([rateLimitedTaskQueue(world.taskQueue, 'GetFunctionAddress')]);
    expect(only('getFunctionAddress')).toEqual([rateLimitedTaskQueue(world.taskQueue, 'GetFunctionAddress')]);
    expect(only('publishVersion')).toEqual([rateLimitedTaskQueue(world.taskQueue, 'PublishVersion')]);
    for (const name of ['getFunction', 'updateFunctionCode', 'waitForActive', 'verifyCase']) expect(only(name)).toEqual([world.taskQueue]);
  });
});
