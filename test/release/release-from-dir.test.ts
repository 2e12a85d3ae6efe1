import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stagePackage } from '../../client/package/stage';
import { DEFAULT_CREDENTIALS } from '../../simulator';
import { useScfWorld } from '../harness/use-scf-world';
import { ALIAS, PRIMARY, newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
import { latestSha, startRelease } from './world-helpers';

/** A package built from a directory and staged in COS: SCF reads it from there, and a rebuild of the same files is a NoOp. */
describe('a release from package: { dir }', () => {
  const t = useScfWorld({ cosSnapshots: true });
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  function buildTree(files: Record<string, string>, mtime: Date): string {
    const root = mkdtempSync(path.join(tmpdir(), 'fn-dir-'));
    dirs.push(root);
    for (const [name, body] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      writeFileSync(path.join(root, name), body);
      utimesSync(path.join(root, name), mtime, mtime);
    }
    return root;
  }

  it('when unchanged code is rebuilt from its directory and released again, then the second release is a NoOp', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('from-dir');
    await seedWorld(world, functionName, { existing: [] });
    const files = newCode();
    const cos = { bucket: world.sim.admin.defaultCosBucket(PRIMARY), region: PRIMARY, prefix: 'ci/pkgs', endpoint: world.sim.endpoint };
    const first = await stagePackage({ dir: buildTree(files, new Date('2020-05-05T05:05:05Z')) }, { cos, credential: DEFAULT_CREDENTIALS });
    expect(first.pkg.location).toMatch(/^cos:\/\//);
    const fast = { regions: [], alias: { name: ALIAS, steps: [{ percent: 100, bakeSeconds: 0 }] } };
    const released = await world.runWorker(async () => (await startRelease(env, world, releaseInput(functionName, first.pkg, fast))).result());
    expect(released.status).toBe('Succeeded');
    expect(latestSha(world, PRIMARY, functionName)).toBe(first.pkg.sha256);

    const rebuilt = await stagePackage({ dir: buildTree(files, new Date('2025-11-11T11:11:11Z')) }, { cos, credential: DEFAULT_CREDENTIALS });
    expect(rebuilt.pkg).toEqual(first.pkg);
    expect(rebuilt.uploaded).toBe(false);
    const again = await world.runWorker(async () => (await startRelease(env, world, releaseInput(functionName, rebuilt.pkg, fast))).result());
    expect(again.status).toBe('NoOp');
  });
});
