/**
 * What the soak reads from a release's history: the lock window (the lock child started .. the
 * release closed) for the auditor, and the activity events the take-over figures come from.
 */
import type { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';
import { functionLockId } from '../../workflows/definitions';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const CLOSE_EVENTS = [
  'workflowExecutionCompletedEventAttributes',
  'workflowExecutionFailedEventAttributes',
  'workflowExecutionTerminatedEventAttributes',
  'workflowExecutionCanceledEventAttributes',
  'workflowExecutionTimedOutEventAttributes',
  'workflowExecutionContinuedAsNewEventAttributes',
] as const;

const timeOf = (e: HistoryEvent) => tsToMs(e.eventTime);

/** Epoch ms the release held the function's lock, or undefined when it never took it. `now` ends a still-open window. */
export function lockWindow(events: HistoryEvent[], namespace: string, functionName: string, now: number): { from: number; to: number } | undefined {
  const lockId = functionLockId(namespace, functionName);
  const started = events.find((e) => e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId === lockId);
  if (!started) return undefined;
  const closed = events.find((e) => CLOSE_EVENTS.some((k) => e[k]));
  return { from: timeOf(started), to: closed ? timeOf(closed) : now };
}

/** One attempt of an activity that ended (completed or failed), as the history records it. */
export interface ActivityAttempt {
  type: string;
  scheduledAt: number;
  startedAt: number;
  endedAt: number;
  attempt: number;
  identity: string;
  /** The attempt before this one timed out (its worker died or stalled). */
  afterTimeout: boolean;
}

export function activityAttempts(events: HistoryEvent[]): ActivityAttempt[] {
  const byId = new Map(events.map((e) => [Number(e.eventId), e]));
  const out: ActivityAttempt[] = [];
  for (const e of events) {
    const end = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
    if (!end) continue;
    const started = byId.get(Number(end.startedEventId))?.activityTaskStartedEventAttributes;
    const scheduled = byId.get(Number(end.scheduledEventId));
    if (!started || !scheduled) continue;
    out.push({
      type: scheduled.activityTaskScheduledEventAttributes?.activityType?.name ?? '?',
      scheduledAt: timeOf(scheduled),
      startedAt: timeOf(byId.get(Number(end.startedEventId))!),
      endedAt: timeOf(e),
      attempt: started.attempt ?? 1,
      identity: started.identity ?? '',
      afterTimeout: !!started.lastFailure?.timeoutFailureInfo,
    });
  }
  return out;
}

/** Workflow tasks that timed out (a worker died holding one). */
export function workflowTaskTimeouts(events: HistoryEvent[]): number {
  return events.filter((e) => e.workflowTaskTimedOutEventAttributes).length;
}

export interface Takeover {
  pid: number;
  at: number;
  /** Kill → the first activity that completed afterwards on another worker. */
  nextCompletionOnSurvivorMs?: number;
  /** Activities the killed worker was running, retried elsewhere after their attempt timed out: kill → retry start. */
  retried: Array<{ type: string; afterMs: number }>;
}

/** Take-over after each kill, from history event times. */
export function takeovers(kills: Array<{ pid: number; at: number }>, attempts: ActivityAttempt[]): Takeover[] {
  return kills.map((kill) => {
    const survivors = attempts.filter((a) => !a.identity.startsWith(`${kill.pid}@`) && a.endedAt >= kill.at);
    const next = Math.min(...survivors.map((a) => a.endedAt));
    const retried = attempts
      .filter((a) => a.afterTimeout && a.scheduledAt <= kill.at && a.startedAt >= kill.at)
      // attributed to the latest kill before the retry started
      .filter((a) => !kills.some((k) => k.at > kill.at && k.at <= a.startedAt && a.scheduledAt <= k.at))
      .map((a) => ({ type: a.type, afterMs: a.startedAt - kill.at }));
    return { ...kill, ...(Number.isFinite(next) ? { nextCompletionOnSurvivorMs: next - kill.at } : {}), retried };
  });
}
