import { existsSync, rmSync } from 'node:fs';
import { eventually } from '../harness/eventually';
import { useScfWorld } from '../harness/use-scf-world';
import { EXISTING, PRIMARY, newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
import { latestSha, startRelease } from './world-helpers';

/**
 * Undo snapshots live in COS (SCF_COS_BUCKET) when the worker has a bucket: a compensation on a host
 * without the volume of the worker that took them still restores the code. Here the worker's local
 * artifact dir is wiped after every snapshot was taken and before anything is undone.
 */
describe('a rollback after the local artifact dir is gone', () => {
  const t = useScfWorld({ cosSnapshots: true });
  afterEach(() => t.world.sim.admin.clearFaults());

  it('when the snapshots are only in COS, then the compensation restores $LATEST from there', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('cos-undo');
    await seedWorld(world, functionName, { targetEnv: { BROKEN: '1' } });
    const before = { [PRIMARY]: latestSha(world, PRIMARY, functionName), [EXISTING]: latestSha(world, EXISTING, functionName) };
    // The failing verification in EXISTING comes after every region's snapshot: hold it, wipe the dir.
    world.sim.admin.holdCall({ action: 'InvokeFunction', region: EXISTING, functionName, count: 1 });
    const handle = await startRelease(env, world, releaseInput(functionName, world.makePackage(newCode()), { regions: [EXISTING] }));
    const result = await world.runWorker(async () => {
      await eventually(async () => world.sim.admin.heldCalls(), (held) => held.length === 1, 60_000);
      const snapshots = world.sim.admin.listCosObjects().filter((o) => o.key.startsWith('scf-release/sha256/'));
      expect(snapshots.map((o) => o.key)).toContain(`scf-release/sha256/${before[PRIMARY]}.zip`);
      rmSync(world.artifactDir, { recursive: true, force: true });
      world.sim.admin.releaseCalls();
      return handle.result();
    });

    expect(result.status).toBe('RolledBack');
    expect(result.error).toMatchObject({ type: 'VerificationFailed', region: EXISTING });
    expect(result.compensations.map((c) => `${c.name}@${c.region}:${c.outcome}`).sort()).toEqual([`restore-code@${EXISTING}:ok`, `restore-code@${PRIMARY}:ok`].sort());
    expect(latestSha(world, PRIMARY, functionName)).toBe(before[PRIMARY]);
    expect(latestSha(world, EXISTING, functionName)).toBe(before[EXISTING]);
    // What was restored came back through COS into the (new) cache.
    expect(existsSync(world.artifactDir)).toBe(true);
  });
});
