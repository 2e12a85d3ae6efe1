/**
 * The fleet manifest: bad input is refused with the field's path and a fix; a good one becomes the
 * expected FleetInput (groups sharing a package, selections, policy). Pure: no Temporal, no simulator.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ManifestError } from '../../client/manifest';
import { buildFleet, isFleetManifest } from '../../client/manifest/fleet';
import { createZip } from '../../simulator';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-manifest-test-'));
const zip = (marker: string) => {
  const bytes = createZip({ 'index.js': `exports.main_handler = async () => ({ ok: '${marker}' });\n` });
  writeFileSync(path.join(dir, `${marker}.zip`), bytes);
  return createHash('sha256').update(bytes).digest('hex');
};
const shaA = zip('a');
const shaB = zip('b');

const base = { region: 'ap-guangzhou', regions: ['ap-shanghai'], package: 'a.zip', handler: 'index.main_handler' };

let counter = 0;
function file(manifest: unknown): string {
  const f = path.join(dir, `fleet${++counter}.yaml`);
  writeFileSync(f, YAML.stringify(manifest));
  return f;
}

async function issuesOf(manifest: unknown): Promise<Array<{ path: string; message: string }>> {
  try {
    await buildFleet({ file: file(manifest) });
  } catch (err) {
    if (err instanceof ManifestError) return err.issues;
    throw err;
  }
  throw new Error('the manifest was accepted');
}

describe('fleet manifest', () => {
  it('when functions are named (one with a package of its own) and others selected by prefix, then it becomes one group per package and selection, with the policy', async () => {
    const built = await buildFleet({
      file: file({
        ...base,
        functions: ['orders-api', { name: 'billing-api', package: 'b.zip' }, 'users-api'],
        select: [{ prefix: 'batch-', namespace: 'jobs' }],
        policy: { maxConcurrency: 8, stopAfterFailures: 2, waves: [{ names: ['orders-api'] }, { percent: 50 }, { percent: 100 }] },
      }),
      startedBy: 'jest',
    });
    const { input } = built;
    expect(input.fleetId).toMatch(/^fl-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(input.groups.map((g) => [g.functions, g.release.namespace, g.release.pkg.sha256])).toEqual([
      [{ names: ['orders-api', 'users-api'] }, 'default', shaA],
      [{ names: ['billing-api'] }, 'default', shaB],
      [{ match: 'batch-' }, 'jobs', shaA],
    ]);
    expect(input.groups[0].release).toMatchObject({ primaryRegion: 'ap-guangzhou', regions: ['ap-shanghai'], handler: 'index.main_handler' });
    expect(input.policy).toEqual({ maxConcurrency: 8, stopAfterFailures: 2, rollbackAllOnFailure: false, waves: [{ names: ['orders-api'] }, { percent: 50 }, { percent: 100 }] });
    expect(isFleetManifest({ functions: [] })).toBe(true);
    expect(isFleetManifest({ function: 'x' })).toBe(false);
  });

  const cases: Array<[string, string, unknown, RegExp]> = [
    ['a top-level function', 'function', { ...base, function: 'x-fn', functions: ['a-fn'] }, /names its functions under functions/],
    ['a function listed twice', 'functions[1].name', { ...base, functions: ['a-fn', 'a-fn'] }, /listed twice/],
    ['a bad function name', 'functions[0].name', { ...base, functions: ['9bad'] }, /must be 2-60 characters/],
    ['no functions at all', 'functions', { ...base, functions: [] }, /is empty and there is no select/],
    ['too many functions', 'functions', { ...base, functions: Array.from({ length: 1001 }, (_, i) => `fn-${i}`) }, /at most 1000/],
    ['maxConcurrency 0', 'policy.maxConcurrency', { ...base, functions: ['a-fn'], policy: { maxConcurrency: 0 } }, /at least 1/],
    ['maxConcurrency over the bound', 'policy.maxConcurrency', { ...base, functions: ['a-fn'], policy: { maxConcurrency: 1000 } }, /at most 100/],
    ['a misspelt policy field', 'policy.maxConcurency', { ...base, functions: ['a-fn'], policy: { maxConcurency: 2 } }, /is not a manifest field; remove it or use one of: maxConcurrency, stopAfterFailures/],
    ['percent waves that do not increase', 'policy.waves[1].percent', { ...base, functions: ['a-fn'], policy: { waves: [{ percent: 50 }, { percent: 50 }] } }, /must increase/],
    ['a wave naming no function of the fleet', 'policy.waves[0].names', { ...base, functions: ['a-fn'], policy: { waves: [{ names: ['b-fn'] }] } }, /not one of the fleet's functions/],
    ['a wave of another shape', 'policy.waves[0]', { ...base, functions: ['a-fn'], policy: { waves: [{ share: 3 }] } }, /must be \{ functions/],
    ['a selection with both prefix and match', 'select[0]', { ...base, select: [{ prefix: 'a-', match: 'a-*' }] }, /exactly one of prefix/],
    ['rollbackAllOnFailure with a selection', 'policy.rollbackAllOnFailure', { ...base, select: [{ prefix: 'a-' }], policy: { rollbackAllOnFailure: true } }, /needs every function named/],
    ['a function whose own package is missing', 'functions[0].package.path', { ...base, functions: [{ name: 'a-fn', package: 'nope.zip' }] }, /./],
    ['a release field that is wrong for every function', 'region', { ...base, region: 'mars-1', functions: ['a-fn'] }, /is not an SCF region/],
  ];
  it.each(cases)('when it has %s, then it is refused at %s', async (_what, fieldPath, manifest, message) => {
    const issues = await issuesOf(manifest);
    expect(issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: fieldPath, message: expect.stringMatching(message) })]));
  });
});
