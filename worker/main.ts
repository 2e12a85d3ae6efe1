/**
 * The standalone worker process (`npm run worker`). Configured from the environment (worker/config.ts);
 * SIGINT/SIGTERM shut it down gracefully: polling stops, in-flight activities get the grace time
 * (SCF_RELEASE_SHUTDOWN_GRACE_TIME, default 10 s) to finish, the process exits 0, and whatever is left
 * resumes on another worker (every activity is safe to run again). A second signal while draining
 * (more than a second after the first: worker/shutdown-signals.ts) exits at once (status 130 / 143).
 * A worker killed outright (SIGKILL, OOM) loses nothing either: its workflow task times out and goes
 * to another worker, and its activities are retried once their heartbeat or start-to-close timeout
 * expires.
 *
 * Run under `tsx` (`npm run worker`) the worker is a *child* of the tsx process: tsx forwards SIGINT/
 * SIGTERM, but a SIGKILL of the tsx process leaves the worker running. Supervisors should signal the
 * process group (or run `node --import tsx worker/main.ts`, one process).
 */
import { existsSync } from 'node:fs';
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities, createDefaultActivityDeps } from '../activities';
import { startTracing } from '../activities/tracing';
import { describeWorkerConfig, loadWorkerConfig } from './config';
import { createReleaseWorker } from './create-worker';
import { startPeerShare } from './peer-share';
import { tracedBundlePath } from './workflow-bundle';
import { startHealthServer, type HealthServer } from './health';
import { shutdownSignalPolicy } from './shutdown-signals';
import { createWorkerLogger, installSdkLogging } from './logger';

/** The prebuilt bundle to run: its traced twin when this worker traces (worker/workflow-bundle.ts). */
function prebuiltBundle(bundlePath: string, tracing: boolean, logger: Logger): string {
  if (!tracing) return bundlePath;
  const traced = tracedBundlePath(bundlePath);
  if (existsSync(traced)) return traced;
  logger.warn({ bundle: bundlePath, missing: traced }, 'tracing is on but the prebuilt bundle has no traced twin: workflows record no spans (build both with npm run build)');
  return bundlePath;
}

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = createWorkerLogger(config.logLevel);
  installSdkLogging(logger, config.logLevel, config.metricsAddress ? { metricsAddress: config.metricsAddress } : {});
  logger.info(describeWorkerConfig(config), 'starting the scf-release worker');
  const tracing = startTracing('scf-release-worker');

  const deps = createDefaultActivityDeps(config.scf, logger.child({ component: 'activities' }));
  const activities = createActivities({ ...deps, notify: config.notify });
  const connection = await NativeConnection.connect(config.connection);
  const worker = await createReleaseWorker({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    activities,
    shutdownGraceTime: config.shutdownGraceTime,
    ...(tracing ? { tracing } : {}),
    rateLimits: config.scf.rateLimits,
    ...(config.workflowBundlePath ? { workflowBundle: { codePath: prebuiltBundle(config.workflowBundlePath, !!tracing, logger) } } : {}),
  });

  // The SDK's Runtime also listens for these signals (and shuts its workers down on the next tick);
  // whichever comes first wins, and shutdown() is only called on a RUNNING worker (it throws otherwise,
  // which inside a signal handler would crash the process with status 1 instead of draining).
  const onSignal = shutdownSignalPolicy();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      const action = onSignal();
      if (action === 'ignore') return;
      if (action === 'exit') {
        logger.warn({ signal }, 'second signal while draining: exiting now, in-flight activities will be retried elsewhere');
        process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
      }
      logger.info({ signal, graceTime: config.shutdownGraceTime }, 'shutting down: finishing in-flight tasks');
      if (worker.getState() === 'RUNNING') worker.shutdown();
    });
  }
  // Up before the worker runs, so a probe sees "live, not ready" rather than no answer while it starts.
  let health: HealthServer | undefined;
  if (config.healthAddress) {
    health = await startHealthServer({ address: config.healthAddress, worker, connection });
    logger.info({ url: health.url }, 'health endpoints /healthz and /readyz listening');
  }
  // Unless SCF_RATE_LIMIT_SHARE fixes it, 1 / the worker processes polling this task queue.
  const peers = config.scf.rateLimitShare === 'auto'
    ? startPeerShare({ connection, namespace: config.namespace, taskQueue: config.taskQueue, limiter: deps.limiter, logger })
    : undefined;
  try {
    await worker.run();
  } finally {
    peers?.stop();
    await health?.close();
    await tracing?.shutdown();
    await connection.close();
    logger.info('worker stopped');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
