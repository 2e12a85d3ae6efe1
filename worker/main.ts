/**
 * The standalone worker process (`npm run worker`). Configured from the environment (worker/config.ts);
 * SIGINT/SIGTERM shut it down gracefully: polling stops, in-flight activities get the grace time to
 * finish, and whatever is left resumes on another worker (every activity is safe to run again).
 */
import { NativeConnection } from '@temporalio/worker';
import { createActivities, createDefaultActivityDeps } from '../activities';
import { describeWorkerConfig, loadWorkerConfig } from './config';
import { createReleaseWorker } from './create-worker';
import { createWorkerLogger, installSdkLogging } from './logger';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = createWorkerLogger(config.logLevel);
  installSdkLogging(logger, config.logLevel);
  logger.info(describeWorkerConfig(config), 'starting the scf-release worker');

  const activities = createActivities(createDefaultActivityDeps(config.scf, logger.child({ component: 'activities' })));
  const connection = await NativeConnection.connect(config.connection);
  const worker = await createReleaseWorker({ connection, namespace: config.namespace, taskQueue: config.taskQueue, activities });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down: finishing in-flight tasks');
      worker.shutdown();
    });
  }
  try {
    await worker.run();
  } finally {
    await connection.close();
    logger.info('worker stopped');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
