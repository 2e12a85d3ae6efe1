/**
 * Helpers that use the Temporal activity context when there is one (inside a worker or a
 * MockActivityEnvironment) and behave sensibly when there is none (a plain unit test, a script).
 */
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';

export function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** The activity's cancellation signal, if running inside an activity. */
export function currentSignal(): AbortSignal | undefined {
  return currentContext()?.cancellationSignal;
}

/** workflowId, activityType and attempt, for log lines. */
export function activityLogFields(): Record<string, unknown> {
  const ctx = currentContext();
  if (!ctx) return {};
  const info = ctx.info;
  return {
    workflowId: info.workflowExecution?.workflowId,
    runId: info.workflowExecution?.runId,
    activityType: info.activityType,
    activityId: info.activityId,
    attempt: info.attempt,
  };
}

export function currentAttempt(): number {
  return currentContext()?.info.attempt ?? 1;
}

/** What each running activity last reported in a heartbeat, so the keep-alive repeats it unchanged. */
const lastDetails = new WeakMap<Context, unknown>();
/** Activities whose heartbeats the keep-alive sends (the worker's interceptor: every activity there). */
const keptAlive = new WeakSet<Context>();

/**
 * Records what the activity reports. Under the keep-alive (the worker) it goes out with the next
 * keep-alive beat, not at once: an activity that ends within KEEP_ALIVE_INTERVAL_MS, as nearly all do,
 * costs the server no heartbeat at all. Elsewhere (a test's mock environment) it is sent at once.
 */
export function heartbeat(details?: unknown): void {
  const ctx = currentContext();
  if (!ctx) return;
  lastDetails.set(ctx, details);
  if (!keptAlive.has(ctx)) ctx.heartbeat(details);
}

/**
 * How often a running activity tells the server it is alive (see keepHeartbeating). Well inside the
 * profiles' heartbeat timeout (workflows/activity-profiles.ts): the worker's heartbeat throttle sends
 * one at most every few seconds, so a loaded worker still gets several in per timeout.
 */
export const KEEP_ALIVE_INTERVAL_MS = 2_000;

/**
 * Runs `work` (an activity's execution) and heartbeats every KEEP_ALIVE_INTERVAL_MS until
 * it ends, repeating the details the activity last reported itself. Every phase of every activity is
 * covered: waiting for a rate-limiter token, an upload or download of a large zip, a long synchronous
 * invoke, a poll. The server then learns of a dead worker (SIGKILL, lost host) within the heartbeat
 * timeout and retries the activity elsewhere, instead of waiting out a start-to-close timeout sized for
 * the slowest upload. A live worker whose activity hangs is still ended by start-to-close. Heartbeats
 * are also what delivers a cancellation to the activity.
 */
export async function keepHeartbeating<T>(ctx: Context, work: () => Promise<T>): Promise<T> {
  const beat = () => ctx.heartbeat(lastDetails.get(ctx));
  // The first beat after one interval, not at once: the heartbeat timeout runs from the start (20 s,
  // far longer), and a beat at once cost the server one RecordActivityTaskHeartbeat per activity.
  keptAlive.add(ctx);
  const timer = setInterval(beat, KEEP_ALIVE_INTERVAL_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** The error to throw when `signal` has fired: its reason when it is an Error, else a CancelledFailure. */
export function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error) return reason;
  return new CancelledFailure(typeof reason === 'string' ? reason : 'cancelled');
}

/** Sleeps `ms`, rejecting as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves/rejects like `promise`, or rejects at once when `signal` fires (the promise is left to settle). */
export function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => undefined);
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
