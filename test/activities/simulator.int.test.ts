/**
 * The activities against the SCF simulator, through the real tencentcloud SDK (signing, HTTP, errors).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment as BaseMockEnv } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import pino from 'pino';
import { createActivities } from '../../activities/activities';
import { RateLimiter } from '../../activities/rate-limiter';
import { createDefaultActivityDeps, loadScfConfig } from '../../activities';
import { DEFAULT_CREDENTIALS, createZip, startSimulator, type RunningSimulator } from '../../simulator';
import { tempDir } from './fake-scf';
import { failureOf } from '../harness/failure-of';
import { activitiesOnSimulator, type SimulatorActivitiesOptions } from './simulator-activities';

/** The mock environment, without its WARN line for every expected activity failure. */
class MockActivityEnvironment extends BaseMockEnv {
  constructor() {
    super(undefined, { logger: new DefaultLogger('ERROR') });
  }
}

const REGION = 'ap-guangzhou';
const NS = 'default';
const HANDLER = 'index.main_handler';
const RUNTIME = 'Nodejs18.15';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let sim: RunningSimulator;
let dir: string;
const logLines: Array<Record<string, unknown>> = [];

function makeActivities(opts: Omit<SimulatorActivitiesOptions, 'logger'> = {}) {
  const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line)) });
  return activitiesOnSimulator(sim, dir, { ...opts, logger });
}

function fnRef(functionName: string, region = REGION) {
  return { region, namespace: NS, functionName };
}

function seed(functionName: string, body = 'exports.main_handler = async (e) => ({ ok: true, v: 1 })', extra: Record<string, unknown> = {}) {
  sim.admin.seedFunction({ region: REGION, namespace: NS, functionName, files: { 'index.js': body }, handler: HANDLER, runtime: RUNTIME, ...extra });
}

async function zipFile(name: string, body: string): Promise<{ location: string; sha256: string; bytes: Buffer }> {
  const bytes = await Promise.resolve(createZip({ 'index.js': body }));
  const location = path.join(dir, name);
  writeFileSync(location, bytes);
  return { location, sha256: sha(bytes), bytes };
}

const logFor = (functionName: string) => sim.admin.requestLog().filter((e) => e.function === functionName);

beforeAll(async () => {
  dir = tempDir('scf-act-int-');
  sim = await startSimulator({ delays: { createMs: 20, updateMs: 50, publishMs: 20, deleteMs: 20 }, seed: 1 });
});

afterAll(async () => {
  await sim?.stop();
});

describe('activities against the simulator', () => {
  test('when a function is updated, published, aliased and invoked, then each activity succeeds', async () => {
    const a = makeActivities();
    seed('basic');
    const fn = fnRef('basic');

    const info = await a.getFunction({ fn });
    expect(info).toMatchObject({ exists: true, status: 'Active', handler: HANDLER, runtime: RUNTIME });
    expect(await a.getFunction({ fn: fnRef('absent') })).toEqual({ exists: false });

    const pkg = await zipFile('basic-v2.zip', 'exports.main_handler = async (e) => ({ ok: true, v: 2 })');
    const upd = await a.updateFunctionCode({ fn, pkg: { location: pkg.location, sha256: pkg.sha256 }, handler: HANDLER });
    expect(upd.requestId).toBeTruthy();
    expect((await a.waitForActive({ fn, maxWaitMs: 30_000 })).status).toBe('Active');
    expect((await a.getFunctionAddress({ fn })).codeSha256).toBe(pkg.sha256);

    // The same package again: harmless, same code.
    await a.updateFunctionCode({ fn, pkg: { location: pkg.location, sha256: pkg.sha256 } });
    await a.waitForActive({ fn, maxWaitMs: 30_000 });
    expect((await a.getFunctionAddress({ fn })).codeSha256).toBe(pkg.sha256);

    const v = await a.publishVersion({ fn, releaseId: 'rel-basic', description: 'v2' });
    expect(v).toMatchObject({ reused: false });
    await a.waitForActive({ fn, qualifier: v.version, maxWaitMs: 30_000 });
    expect(await a.publishVersion({ fn, releaseId: 'rel-basic', description: 'v2' })).toEqual({ version: v.version, reused: true });
    const versions = await a.listVersions({ fn });
    expect(versions.filter((x) => x.description.startsWith('[scf-release:rel-basic]'))).toHaveLength(1);

    expect(await a.getAlias({ fn, name: 'live' })).toBeNull();
    const alias = await a.createAlias({ fn, name: 'live', functionVersion: v.version });
    expect(alias).toMatchObject({ name: 'live', functionVersion: v.version });
    // createAlias twice with the same routing: returns the alias.
    expect(await a.createAlias({ fn, name: 'live', functionVersion: v.version })).toMatchObject({ functionVersion: v.version });
    const v2 = await a.publishVersion({ fn, releaseId: 'rel-basic-2' });
    await a.waitForActive({ fn, qualifier: v2.version, maxWaitMs: 30_000 });
    const shifted = await a.updateAlias({ fn, name: 'live', functionVersion: v.version, additionalVersionWeights: [{ version: v2.version, weight: 0.25 }] });
    expect(shifted.additionalVersionWeights).toEqual([{ version: v2.version, weight: 0.25 }]);
    await expect(a.updateAlias({ fn, name: 'live', functionVersion: v.version, additionalVersionWeights: [{ version: v2.version, weight: 25 }] })).rejects.toMatchObject({
      type: 'InvalidAliasWeight',
    });

    const out = await a.invokeFunction({ fn, qualifier: v.version, event: JSON.stringify({ hello: 'world' }) });
    expect(out.invokeResult).toBe(0);
    expect(JSON.parse(out.retMsg)).toMatchObject({ ok: true, v: 2 });
    expect(out.requestId).toBeTruthy();

    // A version an alias routes to cannot be deleted (UnsupportedOperation.AliasBind, as DeleteFunctionVersion documents, not retryable).
    await expect(a.deleteVersion({ fn, version: v2.version })).rejects.toMatchObject({ type: 'UnsupportedOperation.AliasBind', nonRetryable: true });
    await a.updateAlias({ fn, name: 'live', functionVersion: v.version, additionalVersionWeights: [] });
    await a.deleteVersion({ fn, version: v2.version });
    await a.deleteVersion({ fn, version: v2.version }); // twice: still a success
    expect((await a.listVersions({ fn })).map((x) => x.version)).not.toContain(v2.version);

    // One structured log line per SCF call, with the fields the runbook greps for, and no secret.
    const line = logLines.find((l) => (l.scf as { action?: string })?.action === 'PublishVersion');
    expect(line?.scf).toMatchObject({ region: REGION, namespace: NS, functionName: 'basic', code: 'OK' });
    expect(typeof (line?.scf as { durationMs: number }).durationMs).toBe('number');
    expect(JSON.stringify(logLines)).not.toContain(DEFAULT_CREDENTIALS.secretKey);
  });

  test('when an alias is deleted, then it is gone, and deleting a missing alias (or one of a missing function) succeeds', async () => {
    const limiter = new RateLimiter();
    const a = makeActivities({ limiter });
    seed('alias-del', undefined, { publishVersions: 1 });
    const fn = fnRef('alias-del');
    await a.createAlias({ fn, name: 'live', functionVersion: '1' });
    expect(await a.getAlias({ fn, name: 'live' })).toMatchObject({ functionVersion: '1' });

    await a.deleteAlias({ fn, name: 'live' });
    expect(await a.getAlias({ fn, name: 'live' })).toBeNull();
    expect(sim.admin.getFunction(REGION, NS, 'alias-del')!.aliases).toEqual([]);
    // Twice, or an alias that never existed: a success, after SCF answered ResourceNotFound.Alias.
    await a.deleteAlias({ fn, name: 'live' });
    await a.deleteAlias({ fn, name: 'never-made' });
    // A function that is gone took its aliases with it: also a success.
    await a.deleteAlias({ fn: fnRef('alias-del-absent'), name: 'live' });
    const calls = logFor('alias-del').filter((e) => e.action === 'DeleteAlias');
    expect(calls.map((e) => `${e.qualifier}:${e.outcome}`)).toEqual(['live:OK', 'live:ResourceNotFound.Alias', 'never-made:ResourceNotFound.Alias']);
    expect(logFor('alias-del-absent').map((e) => e.outcome)).toEqual([expect.stringMatching(/^ResourceNotFound\.Function/)]);
    // Through the rate limiter, at DeleteAlias's documented limit; one log line per call.
    expect(limiter.stats('sim', 'DeleteAlias').granted).toBe(4);
    expect(limiter.rateFor('DeleteAlias')).toBeCloseTo(20 * 0.9);
    const line = logLines.find((l) => (l.scf as { action?: string; code?: string })?.action === 'DeleteAlias' && (l.scf as { code?: string }).code === 'OK');
    expect(line?.scf).toMatchObject({ region: REGION, namespace: NS, functionName: 'alias-del', qualifier: 'live' });

    // While SCF is busy with the alias the call fails retryably (the compensation's retry rides it out).
    await a.createAlias({ fn, name: 'live', functionVersion: '1' });
    sim.admin.failNext({ action: 'DeleteAlias', count: 1, code: 'FailedOperation.DeleteAlias', functionName: 'alias-del' });
    const busy = await failureOf(a.deleteAlias({ fn, name: 'live' }));
    expect(busy.type).toBe('FailedOperation.DeleteAlias');
    expect(busy.nonRetryable).toBe(false);
    await a.deleteAlias({ fn, name: 'live' });
    expect(await a.getAlias({ fn, name: 'live' })).toBeNull();
  });

  test('when the worker builds its deps from the environment (SCF_ENDPOINT, env credentials), then calls reach SCF', async () => {
    seed('from-env');
    const saved = { id: process.env.TENCENTCLOUD_SECRET_ID, key: process.env.TENCENTCLOUD_SECRET_KEY };
    process.env.TENCENTCLOUD_SECRET_ID = DEFAULT_CREDENTIALS.secretId;
    process.env.TENCENTCLOUD_SECRET_KEY = DEFAULT_CREDENTIALS.secretKey;
    try {
      const config = loadScfConfig({ SCF_ENDPOINT: `http://${sim.endpoint}`, SCF_CREDENTIALS: 'env', SCF_ARTIFACT_DIR: path.join(dir, 'env-artifacts') });
      const a = createActivities(createDefaultActivityDeps(config, pino({ level: 'silent' })));
      expect(await a.getFunction({ fn: fnRef('from-env') })).toMatchObject({ exists: true, status: 'Active' });
      delete process.env.TENCENTCLOUD_SECRET_KEY;
      const f = await failureOf(a.getFunction({ fn: fnRef('from-env') }));
      expect(f.type).toBe('MissingCredentials');
      expect(f.nonRetryable).toBe(true);
    } finally {
      process.env.TENCENTCLOUD_SECRET_ID = saved.id;
      process.env.TENCENTCLOUD_SECRET_KEY = saved.key;
      if (saved.id === undefined) delete process.env.TENCENTCLOUD_SECRET_ID;
      if (saved.key === undefined) delete process.env.TENCENTCLOUD_SECRET_KEY;
    }
  });

  test('when functions are listed by prefix or glob, then only matching names come back (all pages)', async () => {
    const a = makeActivities();
    for (let i = 0; i < 3; i++) seed(`list-app-${i}`);
    seed('list-other');
    const byPrefix = await a.listFunctions({ region: REGION, namespace: NS, match: 'list-app-' });
    expect(byPrefix.map((f) => f.functionName).sort()).toEqual(['list-app-0', 'list-app-1', 'list-app-2']);
    const byGlob = await a.listFunctions({ region: REGION, namespace: NS, match: 'list-*-?' });
    expect(byGlob.map((f) => f.functionName).sort()).toEqual(['list-app-0', 'list-app-1', 'list-app-2']);
  });

  test('when a function is copied to another region, then it becomes Active there and a second copy is skipped', async () => {
    const a = makeActivities();
    seed('copy-src', undefined, { triggers: [{ type: 'timer', name: 'every-minute' }] });
    const source = fnRef('copy-src');
    const first = await a.copyFunction({ source, targetRegion: 'ap-shanghai', targetNamespace: NS, override: false });
    expect(first.copied).toBe(true);
    expect(first.notCopied).toContain('trigger timer:every-minute');
    const target = fnRef('copy-src', 'ap-shanghai');
    await a.waitForActive({ fn: target, maxWaitMs: 30_000 });
    const srcSha = (await a.getFunctionAddress({ fn: source })).codeSha256;
    expect((await a.getFunctionAddress({ fn: target })).codeSha256).toBe(srcSha);
    const again = await a.copyFunction({ source, targetRegion: 'ap-shanghai', targetNamespace: NS, override: false, expectedSha256: srcSha });
    expect(again.copied).toBe(false);
    expect(sim.admin.requestLog().filter((e) => e.action === 'CopyFunction' && e.function === 'copy-src')).toHaveLength(1);

    await a.deleteFunction({ fn: target });
    await sim.admin.waitForStatus({ region: 'ap-shanghai', namespace: NS, functionName: 'copy-src', statuses: ['Deleted'], timeoutMs: 30_000 });
    await a.deleteFunction({ fn: target }); // absent: a success
  });

  test('when the function is Updating, then an update fails retryably, and succeeds once it is Active', async () => {
    const a = makeActivities();
    seed('busy');
    const fn = fnRef('busy');
    const pkg = await zipFile('busy.zip', 'exports.main_handler = async () => ({ busy: true })');
    await a.updateFunctionCode({ fn, pkg: { location: pkg.location, sha256: pkg.sha256 } });
    sim.admin.holdInUpdating({ region: REGION, namespace: NS, functionName: 'busy' });
    const f = await failureOf(a.updateFunctionCode({ fn, pkg: { location: pkg.location, sha256: pkg.sha256 } }));
    sim.admin.releaseHold({ region: REGION, namespace: NS, functionName: 'busy' });
    expect(['FailedOperation.FunctionStatusError', 'FailedOperation.UpdateFunctionCode']).toContain(f.type);
    expect(f.nonRetryable).toBe(false);
    expect(f.message).toContain(`${REGION}/${NS}/busy`);
    expect(f.details?.[0]).toMatchObject({ requestId: expect.any(String) });
    await a.waitForActive({ fn, maxWaitMs: 30_000 });
    await a.updateFunctionCode({ fn, pkg: { location: pkg.location, sha256: pkg.sha256 } });
    expect((await a.waitForActive({ fn, maxWaitMs: 30_000 })).status).toBe('Active');
  });

  test('when the update fails on SCF, then waitForActive fails non-retryably with the StatusReasons', async () => {
    const a = makeActivities();
    seed('broken');
    const fn = fnRef('broken');
    sim.admin.failNextUpdate({ region: REGION, namespace: NS, functionName: 'broken', errorCode: 'InstallDependencyFailed', errorMessage: 'npm install failed' });
    const pkg = await zipFile('broken.zip', 'exports.main_handler = async () => ({ broken: true })');
    await a.updateFunctionCode({ fn, pkg: { location: pkg.location, sha256: pkg.sha256 } });
    const f = await failureOf(a.waitForActive({ fn, maxWaitMs: 30_000 }));
    expect(f.type).toBe('FunctionUpdateFailed');
    expect(f.nonRetryable).toBe(true);
    expect((f.details?.[0] as { statusReasons: unknown[] }).statusReasons).toEqual([{ errorCode: 'InstallDependencyFailed', errorMessage: 'npm install failed' }]);
  });

  test('when SCF throttles 30% of calls, then the limiter and backoff absorb it', async () => {
    const limiter = new RateLimiter();
    const a = makeActivities({ limiter });
    seed('throttled');
    const fn = fnRef('throttled');
    sim.admin.setFaults({ throttleRate: 0.3, seed: 7, actions: ['GetFunction'] });
    try {
      const results = await Promise.all(Array.from({ length: 20 }, () => a.getFunction({ fn })));
      expect(results.every((r) => r.status === 'Active')).toBe(true);
      expect(limiter.stats('sim', 'GetFunction').throttles).toBeGreaterThan(0);
    } finally {
      sim.admin.setFaults({ throttleRate: 0 });
    }
  });

  test('when a burst exceeds the rate limit, then it finishes near the limit with few throttled answers', async () => {
    sim.admin.setRateLimits({ GetFunctionAddress: 10 });
    const limiter = new RateLimiter({ limits: { GetFunctionAddress: 10 } });
    const a = makeActivities({ limiter });
    seed('burst');
    const fn = fnRef('burst');
    sim.admin.clearRequestLog();
    await Promise.all(Array.from({ length: 25 }, () => a.getFunctionAddress({ fn })));
    const log = logFor('burst').filter((e) => e.action === 'GetFunctionAddress');
    const throttled = log.filter((e) => e.outcome.startsWith('RequestLimitExceeded')).length;
    expect(throttled).toBeLessThanOrEqual(2);
    // Paced, not flooded: the simulator's own log never saw more than its limit answered in one second
    // (25 calls at 9/s: spread over at least three one-second windows). How long it took is the bench's.
    const okPerSecond = new Map<number, number>();
    for (const e of log.filter((entry) => entry.outcome === 'OK')) {
      const second = Math.floor(Date.parse(e.time) / 1000);
      okPerSecond.set(second, (okPerSecond.get(second) ?? 0) + 1);
    }
    expect([...okPerSecond.values()].reduce((sum, n) => sum + n, 0)).toBe(25);
    expect(Math.max(...okPerSecond.values())).toBeLessThanOrEqual(10);
    expect(okPerSecond.size).toBeGreaterThanOrEqual(3);
    sim.admin.setRateLimits({ GetFunctionAddress: 20 });
  });

  test('when the PublishVersion response is lost, then the retry returns the same version and only one is published', async () => {
    const a = makeActivities();
    seed('lost');
    const fn = fnRef('lost');
    sim.admin.loseResponse({ action: 'PublishVersion', count: 1, functionName: 'lost' });
    const f = await failureOf(a.publishVersion({ fn, releaseId: 'rel-lost', description: 'lost answer' }));
    expect(f.type).toBe('NetworkError');
    expect(f.nonRetryable).toBe(false);
    const retry = await a.publishVersion({ fn, releaseId: 'rel-lost', description: 'lost answer' });
    expect(retry.reused).toBe(true);
    const tagged = (await a.listVersions({ fn })).filter((v) => v.description.startsWith('[scf-release:rel-lost]'));
    expect(tagged.map((v) => v.version)).toEqual([retry.version]);
    const publishes = logFor('lost').filter((e) => e.action === 'PublishVersion');
    expect(publishes).toHaveLength(1);
    expect(publishes[0].lost).toBe(true);
  });

  test('when the activity is cancelled during a wait, then it stops at once and polls no more', async () => {
    // The next poll is an hour away: only a cancel that interrupts the wait can end it within the test.
    const a = makeActivities({ waitPolicy: { initialMs: 3_600_000, maxMs: 3_600_000 } });
    seed('held');
    const fn = fnRef('held');
    sim.admin.holdInUpdating({ region: REGION, namespace: NS, functionName: 'held' });
    const env = new MockActivityEnvironment();
    // It heartbeats after each poll, just before it sleeps until the next one.
    const waiting = new Promise((resolve) => env.once('heartbeat', resolve));
    const p = env.run(a.waitForActive, { fn, maxWaitMs: 7_200_000 });
    await waiting;
    env.cancel();
    const err = await p.catch((e) => e);
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(logFor('held').filter((e) => e.action === 'GetFunction').map((e) => e.outcome)).toEqual(['OK']);
    sim.admin.releaseHold({ region: REGION, namespace: NS, functionName: 'held' });
  });

  test('when packages are bad, then they are refused with zero SCF calls in the request log', async () => {
    const a = makeActivities();
    seed('badpkg');
    const fn = fnRef('badpkg');
    const good = await zipFile('badpkg.zip', 'exports.main_handler = async () => 1');
    sim.admin.clearRequestLog();
    const cases = [
      { location: good.location, sha256: 'f'.repeat(64) },
      { location: path.join(dir, 'nope.zip'), sha256: good.sha256 },
      { location: 'gopher://x/y.zip', sha256: good.sha256 },
      { location: 'relative.zip', sha256: good.sha256 },
      { location: good.location, sha256: 'short' },
    ];
    for (const pkg of cases) {
      const f = await failureOf(a.updateFunctionCode({ fn, pkg }));
      expect(f.type).toBe('InvalidPackage');
      expect(f.nonRetryable).toBe(true);
    }
    expect(sim.admin.requestLog()).toHaveLength(0);
  });

  test('when code is snapshotted, updated and restored, then the original CodeSha256 comes back', async () => {
    const a = makeActivities();
    seed('snap');
    const fn = fnRef('snap');
    const original = (await a.getFunctionAddress({ fn })).codeSha256;
    const snap = await a.snapshotCode({ fn });
    expect(snap).toMatchObject({ fn, qualifier: '$LATEST', sha256: original, artifact: `sha256:${original}`, handler: HANDLER });
    // Twice: already stored, no second download needed.
    expect(await a.snapshotCode({ fn })).toEqual(snap);

    const pkg = await zipFile('snap-v2.zip', 'exports.main_handler = async () => ({ v: 2 })');
    await a.updateFunctionCode({ fn, pkg: { location: pkg.location, sha256: pkg.sha256 } });
    await a.waitForActive({ fn, maxWaitMs: 30_000 });
    expect((await a.getFunctionAddress({ fn })).codeSha256).toBe(pkg.sha256);

    await a.restoreCode({ snapshot: snap });
    await a.waitForActive({ fn, maxWaitMs: 30_000 });
    expect((await a.getFunctionAddress({ fn })).codeSha256).toBe(original);
  });
});
