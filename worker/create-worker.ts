/**
 * The release worker: every workflow of workflows/index.ts and the given SCF activities on one task
 * queue. Used by `worker/main.ts`, the dev stack, the demo and the tests.
 */
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Resource } from '@opentelemetry/resources';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { Duration } from '@temporalio/common';
import { Worker, type ActivityInterceptorsFactory, type NativeConnection } from '@temporalio/worker';
import { keepHeartbeating } from '../activities/context';
import type { ScfActivities } from '../activities/contract';
import type { Tracing } from '../activities/tracing';
import { TASK_QUEUE } from '../workflows/definitions';
import { WORKFLOW_INTERCEPTOR_MODULES, WORKFLOWS_PATH } from './workflow-bundle';

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
  /** Export workflow and activity spans (activities/tracing.ts); without it they are dropped. */
  tracing?: Tracing;
}

/** Every activity heartbeats while it runs (activities/context.ts keepHeartbeating): fast take-over after a kill. */
const heartbeating: ActivityInterceptorsFactory = (ctx) => ({
  inbound: { execute: (input, next) => keepHeartbeating(ctx, () => next(input)) },
});

/** An activity span (parent of its SCF call spans), continuing the workflow's trace from the activity's headers. */
const activitySpans: ActivityInterceptorsFactory = (ctx) => ({
  inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
  outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
});

export async function createReleaseWorker(options: ReleaseWorkerOptions): Promise<Worker> {
  // Every bundle carries the workflow interceptors (worker/workflow-bundle.ts), which hand their spans to this sink.
  const exporter = options.tracing
    ? makeWorkflowExporter(options.tracing.spanProcessor, options.tracing.resource)
    : makeWorkflowExporter(new NoopSpanProcessor(), new Resource({}));
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    activities: options.activities,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: WORKFLOWS_PATH }),
    shutdownGraceTime: options.shutdownGraceTime ?? '10s',
    interceptors: {
      activity: options.tracing ? [activitySpans, heartbeating] : [heartbeating],
      ...(options.workflowBundle ? {} : { workflowModules: [...WORKFLOW_INTERCEPTOR_MODULES] }),
    },
    sinks: { exporter },
    // Send a heartbeat at least every 5 s (the SDK's default is 80 % of the heartbeat timeout), so a
    // busy worker has several chances per 20 s heartbeat timeout and is never taken for dead.
    maxHeartbeatThrottleInterval: '5s',
    ...(options.identity ? { identity: options.identity } : {}),
  });
}
