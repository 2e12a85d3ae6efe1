import { eventually } from '../harness/eventually';
import { useScfWorld } from '../harness/use-scf-world';
import { ALIAS, EXISTING, MISSING, PRIMARY, fnIn, newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
import { countRequests, latestSha, startRelease, waitForRequest } from './world-helpers';

describe('a release whose worker dies', () => {
  const t = useScfWorld();

  it('when the worker is replaced mid-release (and a PublishVersion answer is lost), then another worker finishes it with exactly one published version per region', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('durable');
    await seedWorld(world, functionName);
    const pkg = world.makePackage(newCode());
    world.sim.admin.loseResponse({ action: 'PublishVersion', count: 1, region: PRIMARY, functionName });
    const handle = await startRelease(env, world, releaseInput(functionName, pkg));

    await waitForRequest(world, { action: 'PublishVersion', region: PRIMARY, functionName });
    // Keep a target busy so the release is mid-flight in that region when its worker goes away.
    world.sim.admin.holdInUpdating({ region: EXISTING, functionName });
    const held = world.sim.admin.requestLog().length;
    // Mid-flight there: the release has reached the held region (its calls are refused while it is busy).
    const reached = await eventually(
      async () => world.sim.admin.requestLog().slice(held).some((e) => e.region === EXISTING && e.function === functionName),
      (hit) => hit,
      60_000,
    );
    expect(reached).toBe(true);
    await world.restartWorker();
    world.sim.admin.releaseHold({ region: EXISTING, functionName });
    const result = await world.runWorker(() => handle.result());

    expect(result.error).toBeUndefined();
    expect(result.status).toBe('Succeeded');
    // Both workers worked on it: the second one replayed the first one's history and carried on.
    const { events } = await handle.fetchHistory();
    const identities = new Set(events!.map((e) => e.workflowTaskStartedEventAttributes?.identity).filter(Boolean));
    expect([...identities].map((id) => id!.split('@')[0]).sort()).toEqual(['scf-world-worker-1', 'scf-world-worker-2']);
    for (const region of [PRIMARY, EXISTING, MISSING]) {
      expect(latestSha(world, region, functionName)).toBe(pkg.sha256);
      const alias = world.sim.admin.getFunction(region, 'default', functionName)!.aliases.find((a) => a.name === ALIAS)!;
      expect(alias.weights).toEqual([]);
      expect(alias.functionVersion).toBe(result.regions.find((r) => r.region === region)!.version);
    }
    // The lost answer's publish took effect once: the retry found it by its release tag.
    const published = countRequests(world, 'PublishVersion', functionName);
    expect(published).toEqual({ [PRIMARY]: 1, [EXISTING]: 1, [MISSING]: 1 });
    const versions = async (region: string) =>
      (await world.activities.listVersions({ fn: fnIn(region, functionName) })).map((v) => v.version).filter((v) => v !== '$LATEST').sort();
    expect(await versions(PRIMARY)).toEqual(['1', '2']);
    expect(await versions(EXISTING)).toEqual(['1', '2']);
    expect(await versions(MISSING)).toEqual(['1']);
  });
});
