/**
 * Where a fleet's releases spent their time, read from their histories: for each activity type the
 * time its tasks waited in their task queue (scheduled -> started: a rate-limited queue's pace, or
 * no free slot) and the time they ran (started -> completed: SCF round trips, transitions, a local
 * token), and the same for the workflow tasks. Summed over one release's tasks, then the median
 * over a sample of the fleet's releases. Says which queue a fleet waits on, which the SCF request
 * log alone cannot (it sees answers, not waits).
 */
import type { Client } from '@temporalio/client';
import { median, round } from './util';

/** Milliseconds, summed over one release's tasks of a kind; medians over the sampled releases. */
export interface ReleaseTimeSplit {
  releases: number;
  wallMs: number;
  workflowTasks: { queuedMs: number; runMs: number };
  activities: Record<string, { queuedMs: number; runMs: number }>;
}

/** The fields of a history event (temporal.api.history.v1.HistoryEvent) that the split reads. */
export interface HistoryEvent {
  eventId?: unknown;
  eventTime?: { seconds?: unknown; nanos?: number | null } | null;
  workflowTaskStartedEventAttributes?: { scheduledEventId?: unknown } | null;
  workflowTaskCompletedEventAttributes?: { startedEventId?: unknown } | null;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
  activityTaskStartedEventAttributes?: { scheduledEventId?: unknown } | null;
  activityTaskCompletedEventAttributes?: { scheduledEventId?: unknown; startedEventId?: unknown } | null;
}

const ms = (e: HistoryEvent | undefined) => (e?.eventTime ? Number(e.eventTime.seconds) * 1000 + Math.floor((e.eventTime.nanos ?? 0) / 1e6) : NaN);

/** One release's sums. */
function splitOf(events: HistoryEvent[]): { wallMs: number; sums: Map<string, { queuedMs: number; runMs: number }> } {
  const byId = new Map(events.map((e) => [Number(e.eventId), e]));
  const sums = new Map<string, { queuedMs: number; runMs: number }>();
  const add = (kind: string, field: 'queuedMs' | 'runMs', value: number) => {
    const entry = sums.get(kind) ?? { queuedMs: 0, runMs: 0 };
    entry[field] += value;
    sums.set(kind, entry);
  };
  const activityName = (scheduledId: unknown) => byId.get(Number(scheduledId))?.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
  for (const e of events) {
    const wftStarted = e.workflowTaskStartedEventAttributes;
    if (wftStarted) add('', 'queuedMs', ms(e) - ms(byId.get(Number(wftStarted.scheduledEventId))));
    const wftDone = e.workflowTaskCompletedEventAttributes;
    if (wftDone) add('', 'runMs', ms(e) - ms(byId.get(Number(wftDone.startedEventId))));
    const started = e.activityTaskStartedEventAttributes;
    if (started) add(activityName(started.scheduledEventId), 'queuedMs', ms(e) - ms(byId.get(Number(started.scheduledEventId))));
    const done = e.activityTaskCompletedEventAttributes;
    if (done) add(activityName(done.scheduledEventId), 'runMs', ms(e) - ms(byId.get(Number(done.startedEventId))));
  }
  return { wallMs: ms(events.at(-1)) - ms(events[0]), sums };
}

/** The medians over `workflowIds` (releases that have ended). */
export async function releaseTimeSplit(client: Client, workflowIds: string[]): Promise<ReleaseTimeSplit> {
  const histories = await Promise.all(workflowIds.map(async (id) => ((await client.workflow.getHandle(id).fetchHistory()).events ?? []) as HistoryEvent[]));
  return timeSplitOfHistories(histories);
}

/** The medians over releases' histories (their events in order). */
export function timeSplitOfHistories(histories: HistoryEvent[][]): ReleaseTimeSplit {
  const splits = histories.map(splitOf);
  const kinds = [...new Set(splits.flatMap((sp) => [...sp.sums.keys()]))];
  const med = (kind: string, field: 'queuedMs' | 'runMs') => round(median(splits.map((sp) => sp.sums.get(kind)?.[field] ?? 0)), 0);
  return {
    releases: splits.length,
    wallMs: round(median(splits.map((sp) => sp.wallMs)), 0),
    workflowTasks: { queuedMs: med('', 'queuedMs'), runMs: med('', 'runMs') },
    activities: Object.fromEntries(kinds.filter((k) => k !== '').sort().map((k) => [k, { queuedMs: med(k, 'queuedMs'), runMs: med(k, 'runMs') }])),
  };
}

/** Evenly spread over `items` (the fleet's order: early, middle and late releases alike). */
export function spreadSample<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  return Array.from({ length: count }, (_, i) => items[Math.floor(((i + 0.5) * items.length) / count)]!);
}
