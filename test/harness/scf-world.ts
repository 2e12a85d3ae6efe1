/**
 * A whole SCF world for a test: the simulator, the real activities calling it through the real
 * Tencent Cloud SDK (endpoint override, the simulator's built-in keys), and a release worker on a
 * task queue of the test's own, running the workflows bundled once per run.
 *
 *   const env = await connectTestEnv();
 *   const world = await startScfWorld(env, { delays: { updateMs: 30 } });
 *   world.sim.admin.seedFunction({ region: 'ap-guangzhou', functionName: 'hello', files: {...} });
 *   const result = await world.runWorker(() =>
 *     env.client.workflow.execute(releaseWorkflow, { taskQueue: world.taskQueue, workflowId, args: [input] }));
 *   await world.stop();
 *
 * The worker runs from start to `stop()`; `runWorker(fn)` awaits `fn` but fails at once if the worker
 * crashes meanwhile. `restartWorker()` shuts the worker down and starts a fresh one (same activities,
 * same artifact store): what a crashed worker and its replacement look like to a running workflow.
 * With `{ worker: false }` there is no in-process worker (`worker` is undefined, `runWorker(fn)` just
 * awaits `fn`): for tests that run the workers elsewhere, e.g. as real processes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createActivities, createDefaultActivityDeps, type ActivityDeps } from '../../activities';
import { loadScfConfig } from '../../activities/config';
import type { CodePackage, ScfActivities } from '../../activities/contract';
import { createZip, DEFAULT_CREDENTIALS, startSimulator, type Delays, type RunningSimulator } from '../../simulator';
import { createReleaseWorker, type ReleaseWorker as Worker } from '../../worker/create-worker';
import { harnessInfo, uniqueTaskQueue } from './temporal';

export interface ScfWorldOptions {
  /** Simulator transition delays; default 30 ms each (fast, yet every transition is observable). */
  delays?: Partial<Delays>;
  seed?: number;
  taskQueue?: string;
  /** Start the in-process worker; default true. */
  worker?: boolean;
  /** Where the activities' pino log goes, at debug level; default: nowhere (LOG_LEVEL to see it). */
  logStream?: pino.DestinationStream;
  /** Keep undo snapshots in the simulator's COS (its default bucket in ap-guangzhou), as SCF_COS_* does; default false. */
  cosSnapshots?: boolean;
  /** Notification channels for the worker's notify activity (loopback receivers as trusted hosts). */
  notify?: ActivityDeps['notify'];
}

export interface ScfWorld {
  sim: RunningSimulator;
  activities: ScfActivities;
  taskQueue: string;
  /** The worker running now (replaced by restartWorker); undefined with `{ worker: false }`. */
  worker?: Worker;
  runWorker<T>(fn: () => Promise<T>): Promise<T>;
  restartWorker(): Promise<Worker>;
  /** Writes a zip with `files` to the world's temp dir and returns it as a CodePackage (by reference). */
  makePackage(files: Record<string, string>): CodePackage;
  /** Where makePackage writes: the worker's SCF_PACKAGE_DIR (give it to worker processes too). */
  packageDir: string;
  /** The worker's SCF_ARTIFACT_DIR. */
  artifactDir: string;
  stop(): Promise<void>;
}

const FAST_DELAYS: Delays = { createMs: 30, updateMs: 30, publishMs: 30, deleteMs: 30 };

export async function startScfWorld(env: TestWorkflowEnvironment, options: ScfWorldOptions = {}): Promise<ScfWorld> {
  const dir = mkdtempSync(path.join(tmpdir(), 'scf-world-'));
  const sim = await startSimulator({ delays: { ...FAST_DELAYS, ...options.delays }, seed: options.seed ?? 1 });
  // Packages are written to `dir` (makePackage): the one directory the worker may read them from.
  const artifactDir = path.join(dir, 'artifacts');
  const cosEnv = options.cosSnapshots ? { SCF_COS_BUCKET: sim.admin.defaultCosBucket('ap-guangzhou'), SCF_COS_REGION: 'ap-guangzhou' } : {};
  const config = loadScfConfig({ SCF_ENDPOINT: sim.url, SCF_CREDENTIALS: 'env', SCF_ARTIFACT_DIR: artifactDir, SCF_PACKAGE_DIR: dir, ...cosEnv });
  const logger = options.logStream ? pino({ level: 'debug' }, options.logStream) : pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  const activities = createActivities({
    ...createDefaultActivityDeps(config, logger, {
      credential: { secretId: DEFAULT_CREDENTIALS.secretId, secretKey: DEFAULT_CREDENTIALS.secretKey },
    }),
    ...(options.notify ? { notify: options.notify } : {}),
  });
  const taskQueue = options.taskQueue ?? uniqueTaskQueue('scf-world');

  let generation = 0;
  const start = async () => {
    generation += 1;
    const worker = await createReleaseWorker({
      identity: `scf-world-worker-${generation}@${taskQueue}`,
      connection: env.nativeConnection,
      taskQueue,
      activities,
      workflowBundle: { codePath: harnessInfo().workflowBundlePath },
      shutdownGraceTime: '1s',
    });
    return { worker, running: worker.run() };
  };
  let current: { worker?: Worker; running: Promise<void> } =
    options.worker === false ? { running: new Promise<void>(() => {}) } : await start();

  const world: ScfWorld = {
    sim,
    activities,
    taskQueue,
    packageDir: dir,
    artifactDir,
    worker: current.worker,
    async runWorker<T>(fn: () => Promise<T>): Promise<T> {
      // Only a crash ends the race early; a deliberate shutdown (restartWorker, stop) does not.
      const crashed = current.running.then(() => new Promise<never>(() => {}));
      return Promise.race([fn(), crashed]);
    },
    async restartWorker() {
      if (!current.worker) throw new Error('restartWorker: this world has no in-process worker ({ worker: false })');
      current.worker.shutdown();
      await current.running;
      const next = await start();
      current = next;
      world.worker = next.worker;
      return next.worker;
    },
    makePackage(files) {
      const zip = createZip(files);
      const sha256 = createHash('sha256').update(zip).digest('hex');
      const file = path.join(dir, `${sha256}.zip`);
      writeFileSync(file, zip);
      return { location: file, sha256 };
    },
    async stop() {
      if (current.worker?.getState() === 'RUNNING') current.worker.shutdown();
      if (current.worker) await current.running.catch(() => undefined);
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}
