/**
 * Named activity option profiles. Every SCF call a workflow makes goes through one of these, so the
 * timeout and retry policy of a call sit next to the reason for them. The activities classify SCF
 * errors themselves (activities/error-table.ts): a failure they mark non-retryable is never retried
 * here, whatever `maximumAttempts` says; throttled answers carry their own `nextRetryDelay`.
 */
import { patched, proxyActivities, workflowInfo, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import type { ScfActivities } from '../activities/contract';
import { withSummaries } from './activity-summaries';
import { ACTIVITY_RATE_LIMITED_ACTION, rateLimitedTaskQueue } from './definitions';

/**
 * Patch id guarding the rate-limited task queues (definitions.ts RATE_LIMITED_ACTIONS): histories
 * recorded before it scheduled every activity on the workflow's own task queue.
 */
export const RATE_LIMIT_QUEUES_PATCH = 'rate-limit-task-queues';

/**
 * A profile's activities, each scheduled on the rate-limited task queue of the SCF action it calls
 * (ACTIVITY_RATE_LIMITED_ACTION), the rest on the workflow's task queue. Decided per call, since the
 * queue's name derives from the running workflow's task queue. Every call carries its one-line
 * summary for the Temporal UI (activity-summaries.ts).
 */
function profile(options: ActivityOptions): ScfActivities {
  const onOwnQueue = withSummaries(proxyActivities<ScfActivities>(options));
  return new Proxy(onOwnQueue, {
    get(target, name, receiver) {
      const action = typeof name === 'string' && Object.hasOwn(ACTIVITY_RATE_LIMITED_ACTION, name) ? ACTIVITY_RATE_LIMITED_ACTION[name] : undefined;
      if (!action) return Reflect.get(target, name, receiver);
      return (...args: unknown[]) => {
        if (!patched(RATE_LIMIT_QUEUES_PATCH)) return (target[name as keyof ScfActivities] as (...a: unknown[]) => unknown)(...args);
        const queue = rateLimitedTaskQueue(workflowInfo().taskQueue, action);
        const onQueue = withSummaries(proxyActivities<ScfActivities>({ ...options, taskQueue: queue }));
        return (onQueue[name as keyof ScfActivities] as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
}

/** How long waitForActive polls before it gives up non-retryably (`WaitForActiveTimeout`). */
export const WAIT_FOR_ACTIVE_MS = 5 * 60_000;

/**
 * The heartbeat timeout of every profile but `check` (whose 10 s start-to-close is shorter than a
 * heartbeat timeout would be). Every activity heartbeats while it runs, whatever it is doing (the
 * release worker's keep-alive, activities/context.ts `keepHeartbeating`, at least every 5 s), so a
 * worker that dies (SIGKILL, lost host) is noticed within 20 s and its in-flight activity retried by
 * another worker then, instead of after a start-to-close sized for the slowest upload or invoke. 20 s
 * leaves a loaded worker several heartbeats per timeout, so a live one is never taken for dead.
 */
export const HEARTBEAT_TIMEOUT = '20s';

/**
 * Mutations (UpdateFunctionCode, PublishVersion, CopyFunction, CreateAlias, UpdateAlias).
 * - startToClose 2 min: UpdateFunctionCode may upload a zip of tens of MB from the worker; a dead
 *   worker is noticed by the heartbeat timeout (HEARTBEAT_TIMEOUT), not by this.
 * - Retries: SCF answers `FailedOperation.FunctionStatusError` and friends for seconds while a
 *   function is Updating/Publishing; 0.5 s growing by 1.5 up to 10 s over 12 attempts rides out such a
 *   storm (~1 min) without hammering the API, then gives up so a stuck function surfaces.
 * - Every mutation is idempotent for a retry (publish is tagged with the release id, copy checks the
 *   target sha, alias updates set absolute weights), which is what makes retrying them safe.
 * - WAIT_CANCELLATION_COMPLETED: on abort the workflow waits until an in-flight mutation has really
 *   ended before it compensates, so an undo never races the change it undoes (the activity lets a
 *   request already sent finish: activities/scf-client.ts MUTATING_ACTIONS).
 */
export const mutation = profile({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '500ms', backoffCoefficient: 1.5, maximumInterval: '10s', maximumAttempts: 12 },
  cancellationType: 'WAIT_CANCELLATION_COMPLETED',
});

/**
 * A mutation and its wait as one activity (updateCodeAndWait, publishAndWait): the mutation's retry
 * policy and cancellation (an abort waits until a request already sent has ended), the wait's
 * budget on top of the mutation's 2 minutes, the same heartbeat timeout for a dead worker.
 */
export const mutationAndWait = profile({
  startToCloseTimeout: WAIT_FOR_ACTIVE_MS + 2 * 60_000,
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '500ms', backoffCoefficient: 1.5, maximumInterval: '10s', maximumAttempts: 12 },
  cancellationType: 'WAIT_CANCELLATION_COMPLETED',
});

/**
 * Waiting for a function or version to become Active. The activity polls GetFunction itself (with
 * backoff capped at 2.5 s, heartbeating every poll) for up to `maxWaitMs` and fails non-retryably on
 * UpdateFailed/PublishFailed or timeout, so the retry policy here only covers a lost worker or a
 * network error: 10 attempts, because every worker restart (a crash, or each step of a rolling
 * deploy, which hands the wait back) costs one, and a deploy must not fail the releases in flight.
 * startToClose is the poll budget plus a margin; the heartbeat timeout is what notices a dead worker
 * quickly, so another worker resumes the wait within seconds.
 * TRY_CANCEL: waiting changes nothing, so an abort need not wait for it.
 */
export const waiting = profile({
  startToCloseTimeout: WAIT_FOR_ACTIVE_MS + 60_000,
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 10 },
  cancellationType: 'TRY_CANCEL',
});

/**
 * Reads (GetFunction, GetFunctionAddress, GetAlias, ListVersions, SnapshotCode). Reads are free to
 * repeat, so they retry generously (8 attempts, up to 10 s apart) through throttling and internal
 * errors. startToClose 2 min because SnapshotCode downloads the current code zip into the store;
 * the heartbeat timeout notices a dead worker long before that.
 */
export const read = profile({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 8 },
  cancellationType: 'TRY_CANCEL',
});

/**
 * Verification: verifyCase (and, for histories recorded before `verify-in-activity`, invokeFunction).
 * It runs the user's code, which may have side effects, so only 3 attempts (a throttled or busy
 * answer means the function did not run); a refused pattern or `${env:...}` reference fails
 * non-retryably. startToClose 2 min covers a synchronous invocation up to the function's own timeout;
 * judging the answer in the activity adds at most about a second (RE2, linear time, capped input and
 * pattern size: activities/verification-rules.ts), so verifyCase needs no profile of its own. The
 * heartbeat timeout notices a dead worker mid-invoke long before startToClose.
 */
export const invoke = profile({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3 },
  cancellationType: 'TRY_CANCEL',
});

/**
 * Compensations (RestoreCode, UpdateAlias back, DeleteAlias, DeleteFunction, and their waits). They
 * run after something already went wrong, often while the function is still busy, so they retry longer
 * and slower than forward steps (1 s doubling to 30 s, 10 attempts ≈ 4 min), yet bounded: a compensation
 * that cannot succeed must end as RollbackFailed with a manual action, not hang the release.
 * Timeouts as for mutations: 2 min for the upload of a snapshot, the heartbeat timeout for a dead worker.
 */
const COMPENSATION_RETRY: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10 };

export const compensation = profile({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: COMPENSATION_RETRY,
  cancellationType: 'WAIT_CANCELLATION_COMPLETED',
});

/** A compensation's wait for Active: the compensation retry policy with the waiting profile's timeouts. */
export const compensationWait = profile({
  startToCloseTimeout: WAIT_FOR_ACTIVE_MS + 60_000,
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: COMPENSATION_RETRY,
  cancellationType: 'WAIT_CANCELLATION_COMPLETED',
});

/**
 * checkVerification: the worker's own checks of the cases (patterns, `${env:...}` references), no
 * SCF call, done in milliseconds; 10 s is ample even on a loaded worker and short enough that a
 * worker lost mid-check is replaced as fast as a heartbeat timeout would notice it, so it needs no
 * heartbeat. A refusal is non-retryable; the 3 attempts only cover a lost worker.
 */
export const check = profile({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 3 },
  cancellationType: 'TRY_CANCEL',
});

/**
 * notify: one POST per channel to a webhook outside our control. The activity never fails on a
 * refused or broken webhook (it returns a record with the error), so the retries only cover a lost
 * worker: 2 attempts, 30 s each, no heartbeat (a POST has a 10 s timeout). A notification must never
 * hold up or fail a release for long. TRY_CANCEL: nothing to undo.
 */
export const notification = profile({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', maximumAttempts: 2 },
  cancellationType: 'TRY_CANCEL',
});
