/**
 * The embedded stack: the official Temporal dev server (with its Web UI and our search attributes),
 * the SCF simulator on loopback, and optionally an in-process worker whose activities call the
 * simulator through the official SDK, exactly as they would call Tencent Cloud.
 */
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import pino, { type Logger } from 'pino';
import { createActivities, createDefaultActivityDeps } from '../../activities';
import { loadScfConfig } from '../../activities/config';
import { DEFAULT_CREDENTIALS, startSimulator, type RunningSimulator } from '../../simulator';
import { createReleaseWorker } from '../../worker/create-worker';
import { createWorkerLogger } from '../../worker/logger';
import { TASK_QUEUE } from '../../workflows/definitions';
import { startDevServer } from './temporal-server';
import { projectRoot } from '../../scripts/project-root';

export interface DevStackOptions {
  /** Keeps Temporal history and simulator state across restarts; omitted keeps both in memory. */
  dataDir?: string;
  temporalPort?: number;
  uiPort?: number;
  simulatorPort?: number;
  /** Simulator transition delays (ms); the default mimics the real service's few hundred ms. */
  simulatorDelayMs?: number;
  withWorker?: boolean;
  /**
   * Where the in-process worker's activities log. The caller owns the SDK's runtime logging
   * (`installSdkLogging`, once per process); omitted, activity warnings and errors go to stderr.
   */
  workerLogger?: Logger;
  taskQueue?: string;
  /**
   * The only directory the in-process worker reads local zips from (its SCF_PACKAGE_DIR). Default:
   * SCF_PACKAGE_DIR from the environment, else the working directory.
   */
  packageDir?: string;
  log?: (line: string) => void;
}

export interface DevStack {
  temporalAddress: string;
  uiUrl: string;
  namespace: string;
  simulator: RunningSimulator;
  taskQueue: string;
  /** Where the in-process worker may read local zips from. */
  packageDir: string;
  stop(): Promise<void>;
}

export const DEFAULT_DATA_DIR = path.join(projectRoot, '.data');

export async function startDevStack(options: DevStackOptions = {}): Promise<DevStack> {
  const log = options.log ?? (() => {});
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  const packageDir = path.resolve(options.packageDir ?? (process.env.SCF_PACKAGE_DIR || process.cwd()));
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const undo of stops.reverse()) await undo().catch(() => undefined);
  };
  try {
    const server = await startDevServer({
      dataDir: options.dataDir ? path.join(options.dataDir, 'temporal') : undefined,
      port: options.temporalPort,
      uiPort: options.uiPort,
      log,
    });
    stops.push(() => server.stop());

    const delay = options.simulatorDelayMs;
    const simulator = await startSimulator({
      port: options.simulatorPort ?? 0,
      dataDir: options.dataDir ? path.join(options.dataDir, 'simulator') : undefined,
      delays: delay === undefined ? undefined : { createMs: delay, updateMs: delay, publishMs: delay, deleteMs: delay },
    });
    stops.push(() => simulator.stop());

    if (options.withWorker) {
      const logger = options.workerLogger ?? createWorkerLogger('WARN', pino.destination(2));
      const stopWorker = await startInProcessWorker(server.address, simulator, taskQueue, options.dataDir, packageDir, logger);
      stops.push(stopWorker);
    }
    return { temporalAddress: server.address, uiUrl: server.uiUrl, namespace: 'default', simulator, taskQueue, packageDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The worker signs with the simulator's built-in keys, never with whatever real Tencent Cloud keys
 * the user's shell holds: the embedded stack must not be able to reach a real account. It trusts the
 * simulator's host (SCF_ENDPOINT), reads local zips from `packageDir` only (SCF_PACKAGE_DIR), and keeps
 * undo snapshots in the simulator's default COS bucket (created here).
 */
async function startInProcessWorker(
  address: string,
  simulator: RunningSimulator,
  taskQueue: string,
  dataDir: string | undefined,
  packageDir: string,
  logger: Logger,
): Promise<() => Promise<void>> {
  const config = loadScfConfig({
    SCF_ENDPOINT: simulator.url,
    SCF_CREDENTIALS: 'env',
    SCF_ARTIFACT_DIR: path.join(dataDir ?? DEFAULT_DATA_DIR, 'artifacts'),
    SCF_PACKAGE_DIR: packageDir,
    // Undo snapshots in the simulator's COS (its default bucket), as a production worker keeps them in SCF_COS_BUCKET.
    SCF_COS_BUCKET: simulator.admin.defaultCosBucket('ap-guangzhou'),
    SCF_COS_REGION: 'ap-guangzhou',
  });
  const activities = createActivities(
    createDefaultActivityDeps(config, logger.child({ component: 'activities' }), {
      credential: { secretId: DEFAULT_CREDENTIALS.secretId, secretKey: DEFAULT_CREDENTIALS.secretKey },
    }),
  );
  const connection = await NativeConnection.connect({ address });
  const worker = await createReleaseWorker({ connection, taskQueue, activities });
  const running = worker.run();
  return async () => {
    worker.shutdown();
    await running;
    await connection.close();
  };
}
