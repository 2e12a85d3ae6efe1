/**
 * publishAndWait's check that a new version holds the package, against the simulator through the real
 * SDK: with the stamp of the release's own update ($LATEST's ModTime and CodeSize) it costs one
 * GetFunction, and every sign of another write in between falls back to reading the CodeSha256.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FunctionRef, LatestAfterUpdate } from '../../activities/contract';
import { createZip, startSimulator, type RunningSimulator } from '../../simulator';
import { tempDir } from './fake-scf';
import { activitiesOnSimulator } from './simulator-activities';

const REGION = 'ap-guangzhou';
const HANDLER = 'index.main_handler';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let sim: RunningSimulator;
let dir: string;

const makeActivities = () => activitiesOnSimulator(sim, dir);

const fnRef = (functionName: string): FunctionRef => ({ region: REGION, namespace: 'default', functionName });

function pkgOf(name: string, body: string) {
  const bytes = createZip({ 'index.js': body });
  const location = path.join(dir, `${name}.zip`);
  writeFileSync(location, bytes);
  return { location, sha256: sha(bytes), size: bytes.length };
}

const body = (v: number) => `exports.main_handler = async () => ({ ok: true, v: ${v} })`;

/** Seeds a function and gives it the release's package the way a release does; returns the update's stamp. */
async function updated(a: ReturnType<typeof makeActivities>, functionName: string, v = 2) {
  sim.admin.seedFunction({ region: REGION, namespace: 'default', functionName, files: { 'index.js': body(1) }, handler: HANDLER, runtime: 'Nodejs18.15' });
  const pkg = pkgOf(`${functionName}-v${v}`, body(v));
  const info = await a.updateCodeAndWait({ fn: fnRef(functionName), pkg: { location: pkg.location, sha256: pkg.sha256 }, maxWaitMs: 30_000 });
  expect(info).toMatchObject({ status: 'Active', modTime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/), codeSize: pkg.size });
  return { pkg, stamp: { modTime: info.modTime!, codeSize: info.codeSize! } satisfies LatestAfterUpdate };
}

const callsOf = (functionName: string, action: string) =>
  sim.admin.requestLog().filter((e) => e.function === functionName && e.action === action && e.outcome === 'OK');

beforeAll(async () => {
  dir = tempDir('scf-published-check-');
  sim = await startSimulator({ delays: { createMs: 20, updateMs: 50, publishMs: 20, deleteMs: 20 }, seed: 1 });
});

afterAll(async () => {
  await sim?.stop();
});

describe('publishAndWait: does the new version hold the package?', () => {
  test('when nothing wrote $LATEST after the release\'s own update, then one GetFunction of $LATEST shows it and no GetFunctionAddress is spent', async () => {
    const a = makeActivities();
    const { stamp } = await updated(a, 'pc-clean');
    const out = await a.publishAndWait({ fn: fnRef('pc-clean'), releaseId: 'r-clean', maxWaitMs: 30_000, latestAfterUpdate: stamp });
    expect(out).toEqual({ version: '1', reused: false, codeCheck: 'unchanged-since-update' });
    expect(callsOf('pc-clean', 'GetFunctionAddress')).toHaveLength(0);
    const latestReads = callsOf('pc-clean', 'GetFunction').filter((e) => (e.qualifier ?? '$LATEST') === '$LATEST');
    expect(latestReads.length).toBeGreaterThanOrEqual(2); // the update's wait, then the check after the publish
  });

  test('when another writer put other code into $LATEST between the update and the publish, then the version\'s CodeSha256 is read and it is the other code\'s', async () => {
    const a = makeActivities();
    const { stamp } = await updated(a, 'pc-other');
    // Another tool, outside the release's lock, with a bigger package (so even within the same second it shows).
    const other = pkgOf('pc-other-theirs', `${body(3)} // theirs, and longer than ours`);
    await a.updateCodeAndWait({ fn: fnRef('pc-other'), pkg: { location: other.location, sha256: other.sha256 }, maxWaitMs: 30_000 });
    const out = await a.publishAndWait({ fn: fnRef('pc-other'), releaseId: 'r-other', maxWaitMs: 30_000, latestAfterUpdate: stamp });
    expect(out).toMatchObject({ codeCheck: 'read', codeSha256: other.sha256 });
    expect(callsOf('pc-other', 'GetFunctionAddress').map((e) => e.qualifier)).toEqual([out.version]);
  });

  test('when another writer put code of the same size into $LATEST in a later second, then the changed ModTime sends the check to the CodeSha256', async () => {
    const a = makeActivities();
    const { pkg, stamp } = await updated(a, 'pc-same-size', 2);
    const theirs = pkgOf('pc-same-size-theirs', body(7));
    expect(theirs.size).toBe(pkg.size);
    expect(theirs.sha256).not.toBe(pkg.sha256);
    // Their write lands once SCF's ModTime (second resolution) has moved on: rewrite until it shows.
    let modTime = stamp.modTime;
    for (let i = 0; i < 200 && modTime === stamp.modTime; i++) {
      modTime = (await a.updateCodeAndWait({ fn: fnRef('pc-same-size'), pkg: { location: theirs.location, sha256: theirs.sha256 }, maxWaitMs: 30_000 })).modTime!;
    }
    expect(modTime).not.toBe(stamp.modTime);
    const out = await a.publishAndWait({ fn: fnRef('pc-same-size'), releaseId: 'r-same-size', maxWaitMs: 30_000, latestAfterUpdate: stamp });
    expect(out).toMatchObject({ codeCheck: 'read', codeSha256: theirs.sha256 });
  });

  test('when the version is one an earlier attempt published (reused), then its CodeSha256 is read: it may predate the update', async () => {
    const a = makeActivities();
    const { stamp } = await updated(a, 'pc-reused');
    const first = await a.publishVersion({ fn: fnRef('pc-reused'), releaseId: 'r-reused' });
    await a.waitForActive({ fn: fnRef('pc-reused'), qualifier: first.version, maxWaitMs: 30_000 });
    const out = await a.publishAndWait({ fn: fnRef('pc-reused'), releaseId: 'r-reused', maxWaitMs: 30_000, latestAfterUpdate: stamp });
    expect(out).toMatchObject({ version: first.version, reused: true, codeCheck: 'read', codeSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  test('when no stamp is given (a copy, a sync, a history from before the stamp), then the CodeSha256 is read', async () => {
    const a = makeActivities();
    const { pkg } = await updated(a, 'pc-no-stamp');
    const out = await a.publishAndWait({ fn: fnRef('pc-no-stamp'), releaseId: 'r-no-stamp', maxWaitMs: 30_000 });
    expect(out).toEqual({ version: '1', reused: false, codeCheck: 'read', codeSha256: pkg.sha256 });
  });
});
