/**
 * `npm run test:production`: scf-release against a production Temporal, not the CLI's dev server.
 * The cluster (test/production/cluster.ts) is the Temporal server built from go.temporal.io/server,
 * on PostgreSQL, from the config files docker-compose.yml uses, each service its own process. Two
 * worker processes (worker/main.ts), each with its own SCF_ARTIFACT_DIR and its own copy of the
 * workflow bundle, no SCF_PACKAGE_DIR (so no local package can be read), and this test process as
 * the client, which shares no folder with them. Client and workers get the same SCF_COS_* settings
 * (cos-env.ts; the simulator's COS): the client stages each release's `package: { dir }` there
 * (`releasePackage` below), the workers keep their undo snapshots there, so a compensation on the
 * other worker restores from COS. Manifests and package dirs stay in the client's folder.
 *
 * Every wait is for a condition (a held call, a workflow's end), never for a time.
 */
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { CosSettings } from '../../activities/cos-client';
import { bundleReleaseWorkflows } from '../../worker/workflow-bundle';
import { buildRelease, packageStagingFromEnv, startRelease, type PackageStaging } from '../../client';
import { connectTemporalAt, type TemporalTarget } from '../../client/connection';
import type { PackageField } from '../../client/manifest/package';
import { createSyncSchedule, deleteSyncSchedule, triggerSyncSchedule } from '../../client/schedules/sync-schedule';
import { DEFAULT_CREDENTIALS, type FunctionModelView } from '../../simulator';
import type { CallTarget } from '../../simulator/faults';
import type { ReleaseResult, SyncReport } from '../../workflows/definitions';
import { eventually } from '../harness/eventually';
import { scanHistoryForSecrets } from '../harness/history-secrets';
import { OUTPUT_DIR } from '../harness/paths';
import { freePort } from '../harness/ports';
import { activityAttempts } from '../soak/histories';
import { startSoakSimulator, startSoakWorker, type SoakSimulator, type SoakWorker } from '../soak/processes';
import { startProductionCluster, type ProductionCluster } from './cluster';
import { cosEnv } from './cos-env';
import { ensureTemporalServer, type TemporalServerBinaries } from './temporal-build';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const PRIMARY = 'ap-guangzhou';
const TARGET = 'ap-shanghai';
const WAIT_MS = 4 * 60_000;

const runDir = path.join(OUTPUT_DIR, 'production', `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
const clientDir = path.join(runDir, 'client');
const log = (line: string) => process.stdout.write(`[production ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

let binaries: TemporalServerBinaries;
let cluster: ProductionCluster;
let sim: SoakSimulator;
let temporalTarget: TemporalTarget;
let client: Client;
/** The one bucket client and workers share (the simulator's COS), and the client's staging in it. */
let cos: CosSettings;
let staging: PackageStaging;
const clientEnvBefore: Record<string, string | undefined> = {};
const workers: Array<{ name: string; worker: SoakWorker; artifactDir: string }> = [];
/** Every release and sync workflow the test ran: the histories the last test reads. */
const workflowIds: string[] = [];
let taskQueue: string;
let bundleFile: string;

function code(marker: string, { broken = false } = {}): Record<string, string> {
  return {
    'index.js': broken
      ? `exports.main_handler = async () => { throw new Error('${marker}: broken on purpose'); };\n`
      : `exports.main_handler = async (event) => ({ ok: true, version: '${marker}', echo: event });\n`,
  };
}

/**
 * THE one place the test says where a release's code comes from: a local directory in the client's
 * folder (`package: { dir: './<name>' }`, relative to the manifest), which buildRelease zips
 * deterministically and stages in COS through the client's staging (as `scf-release release` does
 * with SCF_COS_* in its environment); the release carries cos://...?region=... plus sha256, SCF
 * reads it, and no worker reads the client's disk.
 */
function releasePackage(name: string, files: Record<string, string>): PackageField {
  const dir = path.join(clientDir, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return { dir: `./${name}` };
}

async function seed(functionName: string, regions: string[], files: Record<string, string>): Promise<void> {
  for (const region of regions) {
    await sim.admin('seedFunction', { region, namespace: 'default', functionName, files, handler: 'index.main_handler', runtime: 'Nodejs18.15', publishVersions: 1 });
  }
}

async function startTestRelease(functionName: string, files: Record<string, string>): Promise<string> {
  const manifestFile = path.join(clientDir, `${functionName}.json`);
  writeFileSync(
    manifestFile,
    JSON.stringify({
      function: functionName,
      region: PRIMARY,
      regions: [TARGET],
      package: releasePackage(functionName, files),
      handler: 'index.main_handler',
      description: `test:production ${functionName}`,
      verification: [{ name: 'answers ok', event: { ping: 1 }, expect: { retMsgJsonSubset: { ok: true } } }],
    }),
  );
  const { input } = await buildRelease({ file: manifestFile, startedBy: 'test:production', staging });
  expect(input.pkg.location).toMatch(new RegExp(`^cos://${cos.bucket}/${cos.prefix}/sha256/[0-9a-f]{64}\\.zip\\?region=${cos.region}$`));
  const { workflowId } = await startRelease(client, input, { taskQueue });
  workflowIds.push(workflowId);
  log(`release ${workflowId} started`);
  return workflowId;
}

const resultOf = (workflowId: string) => client.workflow.getHandle(workflowId).result() as Promise<ReleaseResult>;
const heldCalls = async () => (await sim.admin('heldCalls')) as CallTarget[];
const fnView = async (region: string, functionName: string) =>
  (await sim.admin('getFunction', { region, namespace: 'default', functionName })) as FunctionModelView;
const history = async (workflowId: string): Promise<HistoryEvent[]> => (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];

function startWorker(name: string): { name: string; worker: SoakWorker; artifactDir: string } {
  const home = path.join(runDir, name);
  const artifactDir = path.join(home, 'artifacts');
  mkdirSync(artifactDir, { recursive: true });
  // Its own copy of the bundle, as an image carries its own: nothing it reads is another process's.
  copyFileSync(bundleFile, path.join(home, 'workflow-bundle.js'));
  const worker = startSoakWorker(
    {
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_NAMESPACE: cluster.namespace,
      SCF_RELEASE_TASK_QUEUE: taskQueue,
      SCF_RELEASE_WORKFLOW_BUNDLE: path.join(home, 'workflow-bundle.js'),
      SCF_RELEASE_SHUTDOWN_GRACE_TIME: '2s',
      SCF_ENDPOINT: sim.url,
      SCF_CREDENTIALS: 'env',
      TENCENTCLOUD_SECRET_ID: DEFAULT_CREDENTIALS.secretId,
      TENCENTCLOUD_SECRET_KEY: DEFAULT_CREDENTIALS.secretKey,
      SCF_ARTIFACT_DIR: artifactDir,
      // Undo snapshots in COS (the local dir a cache): a compensation on the other worker reads them there.
      ...cosEnv(cos),
      LOG_LEVEL: 'info',
    },
    path.join(runDir, 'logs', `${name}.log`),
  );
  const entry = { name, worker, artifactDir };
  workers.push(entry);
  return entry;
}

/** The sha256 digests in a worker's artifact store (`<dir>/sha256/<xx>/<sha>.zip`). */
function artifactsIn(dir: string): string[] {
  const root = path.join(dir, 'sha256');
  let shards: string[];
  try {
    shards = readdirSync(root);
  } catch {
    return [];
  }
  return shards.flatMap((shard) => readdirSync(path.join(root, shard)).map((f) => f.replace(/\.zip$/, ''))).sort();
}

/**
 * Per worker identity, the sha256 of every artifact its activities may have written: the snapshots
 * snapshotCode returned, and the snapshots restoreCode was given (a restore may keep what it fetched),
 * in the workflows `ids` and their children.
 */
async function artifactsWrittenByIdentity(ids: string[]): Promise<Map<string, string[]>> {
  const converter = client.options.loadedDataConverter.payloadConverter;
  const out = new Map<string, string[]>();
  const queue = [...ids];
  for (let workflowId = queue.shift(); workflowId !== undefined; workflowId = queue.shift()) {
    const events = await history(workflowId);
    // A sync runs each function in a child workflow (and a release its lock): their activities too.
    for (const e of events) {
      const child = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      if (child) queue.push(child);
    }
    const byId = new Map(events.map((e) => [String(e.eventId), e]));
    for (const e of events) {
      const end = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
      if (!end) continue;
      const scheduled = byId.get(String(end.scheduledEventId))?.activityTaskScheduledEventAttributes;
      const identity = byId.get(String(end.startedEventId))?.activityTaskStartedEventAttributes?.identity ?? '';
      let sha: string | undefined;
      if (scheduled?.activityType?.name === 'snapshotCode' && e.activityTaskCompletedEventAttributes?.result?.payloads?.[0]) {
        sha = (converter.fromPayload(e.activityTaskCompletedEventAttributes.result.payloads[0]) as { sha256?: string }).sha256;
      }
      // The preflight's GetFunction and snapshot as one activity (patch inspect-in-one-activity).
      if (scheduled?.activityType?.name === 'inspectLatest' && e.activityTaskCompletedEventAttributes?.result?.payloads?.[0]) {
        sha = (converter.fromPayload(e.activityTaskCompletedEventAttributes.result.payloads[0]) as { snapshot?: { sha256?: string } }).snapshot?.sha256;
      }
      if (scheduled?.activityType?.name === 'restoreCode' && scheduled.input?.payloads?.[0]) {
        sha = (converter.fromPayload(scheduled.input.payloads[0]) as { snapshot?: { sha256?: string } }).snapshot?.sha256;
      }
      if (sha) out.set(identity, [...(out.get(identity) ?? []), sha]);
    }
  }
  return out;
}

beforeAll(async () => {
  mkdirSync(path.join(runDir, 'logs'), { recursive: true });
  mkdirSync(clientDir, { recursive: true });
  binaries = ensureTemporalServer({ logFile: path.join(runDir, 'logs', 'go-build.log'), log });
  log(`Temporal server ${binaries.version}: ${binaries.built ? `built in ${Math.round(binaries.buildMs / 1000)} s` : 'reused from the cache'} (${binaries.server})`);
  const [simPort] = [await freePort()];
  [cluster, sim] = await Promise.all([
    startProductionCluster({ binaries, logDir: path.join(runDir, 'logs'), log }),
    startSoakSimulator({ port: simPort, delayMs: 200, seed: 9, logFile: path.join(runDir, 'logs', 'simulator.log') }),
    bundleReleaseWorkflows().then(({ code: bundle }) => {
      bundleFile = path.join(runDir, 'workflow-bundle.js');
      writeFileSync(bundleFile, bundle);
    }),
  ]);
  // The shared bucket: the simulator's default one for its built-in keys, on the simulator's port.
  const { bucket } = (await sim.admin('defaultCosBucket', { region: PRIMARY })) as { bucket: string };
  cos = { bucket, region: PRIMARY, prefix: 'scf-release-production', endpoint: new URL(sim.url).host };
  // The client's environment on a laptop (README, "Release from a laptop to workers that share nothing").
  // In this process's own environment, as `scf-release release` reads it (the SDK's env credential provider reads process.env).
  const clientEnv = { ...cosEnv(cos), SCF_CREDENTIALS: 'env', TENCENTCLOUD_SECRET_ID: DEFAULT_CREDENTIALS.secretId, TENCENTCLOUD_SECRET_KEY: DEFAULT_CREDENTIALS.secretKey };
  for (const [name, value] of Object.entries(clientEnv)) {
    clientEnvBefore[name] = process.env[name];
    process.env[name] = value;
  }
  const clientStaging = packageStagingFromEnv(process.env);
  if (!clientStaging) throw new Error('the client has SCF_COS_* yet no package staging');
  staging = clientStaging;
  temporalTarget = await connectTemporalAt(cluster.address, cluster.namespace, 'http://127.0.0.1:1');
  client = temporalTarget.client;
  taskQueue = `production-${process.pid}`;
  const first = [startWorker('worker-1'), startWorker('worker-2')];
  await Promise.all(first.map((w) => w.worker.ready));
  log(`workers ${first.map((w) => `${w.name} pid ${w.worker.pid}`).join(', ')} running`);
}, 20 * 60_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.worker.stop()));
  await temporalTarget?.close();
  await sim?.stop();
  await cluster?.stop();
  for (const [name, value] of Object.entries(clientEnvBefore)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}, 3 * 60_000);

describe('a production Temporal (PostgreSQL, one process per service) and workers that share no disk with the client or each other', () => {
  it('when a release runs, then it succeeds and both regions run the new code', async () => {
    await seed('prod-good', [PRIMARY, TARGET], code('seed-prod-good'));
    const workflowId = await startTestRelease('prod-good', code('good'));
    const result = await resultOf(workflowId);
    expect({ status: result.status, summary: result.summary }).toEqual({ status: 'Succeeded', summary: expect.any(String) });
    const [primary, target] = [await fnView(PRIMARY, 'prod-good'), await fnView(TARGET, 'prod-good')];
    expect({ primary: primary.codeSha256, target: target.codeSha256 }).toEqual({ primary: result.sha256, target: result.sha256 });
  });

  it('when a release fails after its code update and the worker that snapshotted the old code is SIGKILLed mid-call, then the other worker rolls it back', async () => {
    const fn = 'prod-rollback';
    // Other old code in the target: only the worker that snapshotted the primary holds `before`.
    await seed(fn, [PRIMARY], code(`seed-${fn}`));
    await seed(fn, [TARGET], code(`seed-${fn}-target`));
    const before = (await fnView(PRIMARY, fn)).codeSha256;
    const held = (calls: CallTarget[]) => calls.some((c) => c.functionName === fn && c.action === 'UpdateFunctionCode');
    // The release's own code update waits; by then the old code's snapshot (its undo) has been taken.
    await sim.admin('holdCall', { action: 'UpdateFunctionCode', count: 1, region: PRIMARY, functionName: fn });
    const workflowId = await startTestRelease(fn, code('broken', { broken: true }));
    expect(held(await eventually(heldCalls, held, WAIT_MS))).toBe(true);

    // The victim: the worker that ran a preflight (inspectLatest: the snapshot) and holds the primary's old code.
    const inspectedBy = activityAttempts(await history(workflowId)).filter((a) => a.type === 'inspectLatest').map((a) => a.identity);
    const victim = workers.find((w) => w.worker.alive() && inspectedBy.some((id) => id.startsWith(w.worker.identityPrefix)) && artifactsIn(w.artifactDir).includes(before));
    const survivor = workers.find((w) => w !== victim && w.worker.alive());
    expect({ victim: victim?.name ?? 'none', survivor: survivor?.name ?? 'none', snapshotOnVictim: !!victim && artifactsIn(victim.artifactDir).includes(before) }).toEqual({
      victim: expect.stringMatching(/^worker-/),
      survivor: expect.stringMatching(/^worker-/),
      snapshotOnVictim: true,
    });
    // The snapshot is durable in COS, and the survivor has never seen it: a restore must come from COS.
    const snapshotKey = `${cos.prefix}/sha256/${before}.zip`;
    const inCos = ((await sim.admin('listCosObjects')) as Array<{ bucket: string; key: string }>).some((o) => o.bucket === cos.bucket && o.key === snapshotKey);
    expect({ inCos, onSurvivor: artifactsIn(survivor!.artifactDir).includes(before) }).toEqual({ inCos: true, onSurvivor: false });
    log(`${workflowId}: snapshot on ${victim!.name} and in COS, its code update held; SIGKILL ${victim!.name}, ${survivor!.name} must finish and undo`);
    await victim!.worker.kill();
    await sim.admin('releaseCalls', {});

    const result = await resultOf(workflowId);
    const restores = activityAttempts(await history(workflowId)).filter((a) => a.type === 'restoreCode');
    // A failed undo would name its error (SnapshotMissing when the snapshot was only on the killed worker's disk).
    const failedUndos = result.compensations.filter((c) => c.outcome === 'failed').map((c) => `${c.name} ${c.region}: ${c.error?.type} ${c.error?.message}`);
    expect({ status: result.status, failedUndos }).toEqual({ status: 'RolledBack', failedUndos: [] });
    expect(restores.length).toBeGreaterThan(0);
    expect(restores.every((a) => a.identity.startsWith(survivor!.worker.identityPrefix))).toBe(true);
    expect((await fnView(PRIMARY, fn)).codeSha256).toBe(before);
    // The survivor read the snapshot from COS (its digest checked) and kept it in its cache.
    expect(artifactsIn(survivor!.artifactDir)).toContain(before);
    // A replacement for the killed worker, with a fresh artifact dir of its own, for what follows.
    const replacement = startWorker('worker-3');
    await replacement.worker.ready;
  });

  it('when a sync schedule is triggered once, then one scheduled sync runs and brings the target to the source', async () => {
    const fn = 'prod-sync';
    await seed(fn, [PRIMARY], code(`source-${fn}`));
    await seed(fn, [TARGET], code(`drifted-${fn}`));
    const scheduleId = `production-sync-${process.pid}`;
    await createSyncSchedule(client, {
      scheduleId,
      cron: '0 3 1 1 *', // once a year: only the trigger below runs it
      timezone: 'UTC',
      catchupWindow: '1m',
      createdBy: 'test:production',
      taskQueue,
      sync: { sourceRegion: PRIMARY, namespace: 'default', functions: { names: [fn] }, targetRegions: [TARGET], what: { kind: 'latest-version' }, dryRun: false, functionConcurrency: 1 },
    });
    try {
      await triggerSyncSchedule(client, scheduleId);
      const actions = await eventually(async () => (await client.schedule.getHandle(scheduleId).describe()).info.recentActions, (a) => a.length > 0, WAIT_MS);
      expect(actions).toHaveLength(1);
      const syncWorkflowId = actions[0]!.action.workflow.workflowId;
      workflowIds.push(syncWorkflowId);
      const report = (await client.workflow.getHandle(syncWorkflowId).result()) as SyncReport;
      expect(report.totals).toEqual(expect.objectContaining({ synced: 1, failed: 0 }));
      const [source, target] = [await fnView(PRIMARY, fn), await fnView(TARGET, fn)];
      expect(target.codeSha256).toBe(source.codeSha256);
    } finally {
      await deleteSyncSchedule(client, scheduleId);
    }
  });

  it('when the history service is SIGKILLed and restarted mid-release, then the release still succeeds', async () => {
    const fn = 'prod-history-restart';
    await seed(fn, [PRIMARY, TARGET], code(`seed-${fn}`));
    const held = (calls: CallTarget[]) => calls.some((c) => c.functionName === fn);
    await sim.admin('holdCall', { action: 'UpdateFunctionCode', count: 1, region: PRIMARY, functionName: fn });
    const workflowId = await startTestRelease(fn, code('after-restart'));
    expect(held(await eventually(heldCalls, held, WAIT_MS))).toBe(true);
    const historyPid = cluster.pids().history;
    const { downMs } = await cluster.restartService('history');
    log(`history service restarted (pid ${historyPid} -> ${cluster.pids().history}, ${downMs} ms)`);
    expect(cluster.pids().history).not.toBe(historyPid);
    await sim.admin('releaseCalls', {});
    const result = await resultOf(workflowId);
    expect(result.status).toBe('Succeeded');
    expect((await fnView(TARGET, fn)).codeSha256).toBe(result.sha256);
  });

  it('when the releases and the sync are done, then no history holds a client path and each worker stored only what it wrote itself', async () => {
    // The client's folder (manifests, package dirs) never reached a workflow: packages went by cos:// reference.
    for (const workflowId of workflowIds) {
      const scan = await scanHistoryForSecrets(client, workflowId);
      expect({ workflowId, findings: scan.findings, clientPath: scan.decodedText.includes(clientDir) }).toEqual({ workflowId, findings: [], clientPath: false });
      expect(scan.payloadsDecoded).toBeGreaterThan(0);
    }
    // Each artifact store holds only snapshots its own worker took or restored (by the identity in history).
    const written = await artifactsWrittenByIdentity(workflowIds);
    expect([...written.values()].flat().length).toBeGreaterThan(0);
    for (const w of workers) {
      const own = [...written].filter(([identity]) => identity.startsWith(w.worker.identityPrefix)).flatMap(([, shas]) => shas);
      const stored = artifactsIn(w.artifactDir);
      expect({ worker: w.name, notItsOwn: stored.filter((sha) => !own.includes(sha)) }).toEqual({ worker: w.name, notItsOwn: [] });
    }
  });
});
