/**
 * The release worker: every workflow of workflows/index.ts and the given SCF activities on one task
 * queue, plus one activity-only worker per rate-limited task queue (workflows/definitions.ts
 * RATE_LIMITED_ACTIONS), each asking the server to hand out at most the action's documented limit per
 * second across every worker process. Used by `worker/main.ts`, the dev stack, the demo and the tests.
 */
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Resource } from '@opentelemetry/resources';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { Duration } from '@temporalio/common';
import { Worker, type ActivityInterceptorsFactory, type NativeConnection, type State, type WorkerOptions } from '@temporalio/worker';
import { DEFAULT_RATE_LIMIT, DOCUMENTED_RATE_LIMITS } from '../activities/config';
import { keepHeartbeating } from '../activities/context';
import type { ScfActivities } from '../activities/contract';
import type { Tracing } from '../activities/tracing';
import { RATE_LIMITED_ACTIONS, rateLimitedTaskQueue, TASK_QUEUE } from '../workflows/definitions';
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
  /** The account's per-action limits (requests/s; SCF_RATE_LIMITS after overrides). Default: the documented ones. */
  rateLimits?: Record<string, number>;
}

/** What callers need of the worker: the main one and its rate-limited siblings run and stop together. */
export interface ReleaseWorker {
  run(): Promise<void>;
  shutdown(): void;
  getState(): State;
  /** The main worker's status (its pollers), for the readiness check (worker/health.ts). */
  getStatus(): ReturnType<Worker['getStatus']>;
}

/**
 * The part of an action's limit the server hands out for the task queue: the rest is for timing
 * differences between the server's and SCF's one-second windows and for the calls of that action made
 * by activities on other queues. Those are not few: publishAndWait (on the PublishVersion queue) also
 * calls ListVersionByFunction and GetFunctionAddress, and copyFunction GetFunctionAddress, so with
 * several workers GetFunctionAddress can exceed its limit (BENCHMARKS.md: 1.1 % throttled with 2
 * workers, 2.2 % with 4); only each worker's local bucket and AIMD hold it there.
 */
export const SERVER_RATE_HEADROOM = 0.9;

/** Every activity heartbeats while it runs (activities/context.ts keepHeartbeating): fast take-over after a kill. */
const heartbeating: ActivityInterceptorsFactory = (ctx) => ({
  inbound: { execute: (input, next) => keepHeartbeating(ctx, () => next(input)) },
});

/** An activity span (parent of its SCF call spans), continuing the workflow's trace from the activity's headers. */
const activitySpans: ActivityInterceptorsFactory = (ctx) => ({
  inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
  outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
});

/**
 * Activity slots of the main queue. Its activities are short SCF calls and waits that sleep between
 * polls (waitForActive, verifyCase): all I/O, a few hundred bytes each, so several hundred in flight
 * cost little memory and no CPU while they wait. Waiting for a rate-limited action's turn happens on
 * the server (the rate-limited queues), so no slot here is ever held by a waiter, and 500 lets a fleet
 * of 100+ releases wait for Active concurrently instead of queueing behind each other.
 */
const MAIN_ACTIVITY_SLOTS = 500;
/**
 * Activity slots per rate-limited queue: the server hands out at most ~20/s. Most calls take well
 * under a second; publishAndWait also waits for its version to be Active (~a transition), so 40 in
 * flight is still more than 20/s can fill. A waiter for a local token (the AIMD slowdown after a
 * throttled answer) only ever holds a slot of its own queue.
 */
const RATE_LIMITED_ACTIVITY_SLOTS = 40;
/**
 * Workflow task slots and sticky cache. Workflow tasks are short CPU bursts; more than a few at once
 * on a small machine only queue inside the process. The sticky cache keeps a running workflow's state
 * in memory so each new task replays nothing. A fleet at its largest concurrency (MAX_FLEET_CONCURRENCY,
 * 100) runs 201 workflows at once: 100 releases, their 100 function locks and the fleet. 250 holds them
 * with room to spare. It is not larger because entries are costly and not all of them leave when
 * their workflow ends (a lock is *terminated* by its holder's parent close policy, with no task that
 * would tell the worker, so it stays until the LRU pushes it out; checked: three ended releases left
 * numCachedWorkflows at 3): measured on a 500-function
 * fleet, worker peak RSS 2.7 GB with 1,000 entries against 1.7 GB with 250, and less GC CPU
 * (BENCHMARKS.md). Past 250 running workflows per worker, the least recently used are evicted and
 * replayed from history on their next task: slower, never wrong.
 */
const WORKFLOW_TASK_SLOTS = 40;
const STICKY_CACHE = 250;
/**
 * Pollers. A fleet keeps ~100 releases' workflow tasks coming (~50/s at N = 500) and each poll
 * brings one task, so workflow-task polls must cover the round trips of a busy machine: with 4
 * (split by the core between the sticky and the normal queue) a release's workflow tasks waited
 * 6.0-6.6 s in all, with 16 1.6-2.3 s, and the N = 500 fleet ran 5-12 % faster (BENCHMARKS.md,
 * "Pollers"). Activity pollers on the main queue likewise. A rate-limited queue needs more than its
 * pace suggests (our reading: the server splits a task queue into partitions, 4 by default, and a
 * task waits until a poll reaches its partition or it is forwarded). Measured on a 500-function
 * fleet: PublishVersion answered 12.5-13.5/s with 2 pollers per queue, 15.4/s with 8, 15.6/s with
 * 16, of the 18/s the queue allows; wall 1.62-1.74, 1.44 and 1.41 x T_min. A poll is a held
 * request, cheap on both sides.
 */
const WORKFLOW_POLLERS = 16;
const ACTIVITY_POLLERS = 4;
const RATE_LIMITED_POLLERS = 16;

export async function createReleaseWorker(options: ReleaseWorkerOptions): Promise<ReleaseWorker> {
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  const limits = { ...DOCUMENTED_RATE_LIMITS, ...options.rateLimits };
  // Every bundle carries the workflow interceptors (worker/workflow-bundle.ts), which hand their spans to this sink.
  const exporter = options.tracing
    ? makeWorkflowExporter(options.tracing.spanProcessor, options.tracing.resource)
    : makeWorkflowExporter(new NoopSpanProcessor(), new Resource({}));
  const common: Omit<WorkerOptions, 'taskQueue'> = {
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    activities: options.activities,
    shutdownGraceTime: options.shutdownGraceTime ?? '10s',
    interceptors: { activity: options.tracing ? [activitySpans, heartbeating] : [heartbeating] },
    // Send a heartbeat at least every 5 s (the SDK's default is 80 % of the heartbeat timeout), so a
    // busy worker has several chances per 20 s heartbeat timeout and is never taken for dead.
    maxHeartbeatThrottleInterval: '5s',
    ...(options.identity ? { identity: options.identity } : {}),
  };
  const main = await Worker.create({
    ...common,
    taskQueue,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: WORKFLOWS_PATH, interceptors: { ...common.interceptors, workflowModules: options.tracing ? [...WORKFLOW_INTERCEPTOR_MODULES] : [] } }),
    sinks: { exporter },
    maxConcurrentActivityTaskExecutions: MAIN_ACTIVITY_SLOTS,
    maxConcurrentWorkflowTaskExecutions: WORKFLOW_TASK_SLOTS,
    maxCachedWorkflows: STICKY_CACHE,
    workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: WORKFLOW_POLLERS },
    activityTaskPollerBehavior: { type: 'simple-maximum', maximum: ACTIVITY_POLLERS },
  });
  const limited = await Promise.all(
    RATE_LIMITED_ACTIONS.map((action) =>
      Worker.create({
        ...common,
        taskQueue: rateLimitedTaskQueue(taskQueue, action),
        maxConcurrentActivityTaskExecutions: RATE_LIMITED_ACTIVITY_SLOTS,
        // Enforced by the server across every worker polling the queue (the last poller's value wins:
        // all workers of one deployment set the same).
        maxTaskQueueActivitiesPerSecond: (limits[action] ?? DEFAULT_RATE_LIMIT) * SERVER_RATE_HEADROOM,
        activityTaskPollerBehavior: { type: 'simple-maximum', maximum: RATE_LIMITED_POLLERS },
      }),
    ),
  );
  const all = [main, ...limited];
  return {
    run: async () => {
      // If one stops (a fatal error), stop the others too, so the process never half-works.
      const runs = all.map((w) =>
        w.run().finally(() => {
          for (const other of all) if (other.getState() === 'RUNNING') other.shutdown();
        }),
      );
      const outcomes = await Promise.allSettled(runs);
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
    },
    shutdown: () => {
      for (const w of all) if (w.getState() === 'RUNNING') w.shutdown();
    },
    getState: () => main.getState(),
    getStatus: () => main.getStatus(),
  };
}
