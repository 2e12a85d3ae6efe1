/**
 * The release worker: every workflow of workflows/index.ts and the given SCF activities on one task
 * queue. Used by `worker/main.ts`, the dev stack, the demo and the tests.
 */
import type { Duration } from '@temporalio/common';
import { Worker, type ActivityInterceptorsFactory, type NativeConnection } from '@temporalio/worker';
import { keepHeartbeating } from '../activities/context';
import type { ScfActivities } from '../activities/contract';
import { TASK_QUEUE } from '../workflows/definitions';

export interface ReleaseWorkerOptions {
  connection: NativeConnection;
  /** Default `default`. */
  namespace?: string;
  /** Default `scf-release`. */
  taskQueue?: string;
  activities: ScfActivities;
  /** A prebuilt bundle (tests bundle once per run); without it the workflows are bundled at start. */
  workflowBundle?: { codePath: string };
  /** How long in-flight activities get to finish on shutdown before they are cancelled. Default 10 s. */
  shutdownGraceTime?: Duration;
  identity?: string;
}

/** Every activity heartbeats while it runs (activities/context.ts keepHeartbeating): fast take-over after a kill. */
const heartbeating: ActivityInterceptorsFactory = (ctx) => ({
  inbound: { execute: (input, next) => keepHeartbeating(ctx, () => next(input)) },
});

export async function createReleaseWorker(options: ReleaseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    activities: options.activities,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
    shutdownGraceTime: options.shutdownGraceTime ?? '10s',
    interceptors: { activity: [heartbeating] },
    // Send a heartbeat at least every 5 s (the SDK's default is 80 % of the heartbeat timeout), so a
    // busy worker has several chances per 20 s heartbeat timeout and is never taken for dead.
    maxHeartbeatThrottleInterval: '5s',
    ...(options.identity ? { identity: options.identity } : {}),
  });
}
