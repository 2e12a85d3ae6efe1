/**
 * Temporal Schedules that run the region sync on a cron. The policies are fixed here rather than
 * left to callers: overlap SKIP (two syncs of one fleet must never run at once), and a manual
 * trigger passes SKIP explicitly because the SDK's `trigger()` defaults to ALLOW_ALL.
 */
import {
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleHandle,
} from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { TASK_QUEUE, syncSearchAttributes, syncWorkflowId, type SyncInput } from '../../workflows/definitions';
import { describeSyncInput } from '../audit/summaries';

/** The sync workflow's registered name; the schedule names it as a string so the client never loads workflow code. */
export const SYNC_WORKFLOW_TYPE = 'syncWorkflow';

export interface SyncScheduleSpec {
  scheduleId: string;
  /** Standard 5-field cron, e.g. `0 3 * * *`. */
  cron: string;
  /** IANA time zone the cron is read in, e.g. `Asia/Shanghai`. */
  timezone: string;
  /** How far back missed runs are still taken after an outage, e.g. `1h`. */
  catchupWindow: Duration;
  /** Random delay added to each run, to spread load, e.g. `5m`. */
  jitter?: Duration;
  note?: string;
  sync: Omit<SyncInput, 'startedBy'>;
  /** Who created the schedule; each run is started by `schedule:<id>`. */
  createdBy: string;
  taskQueue?: string;
  paused?: boolean;
}

/** What `list` and `describe` print: enough to see whether the schedule runs and how it went. */
export interface SyncScheduleView {
  scheduleId: string;
  cron?: string;
  timezone?: string;
  paused: boolean;
  note?: string;
  /** Only `describe` reads the policies. */
  overlap?: string;
  catchupWindowMs?: number;
  jitterMs?: number;
  recentRuns: Array<{ workflowId: string; scheduledAt: string; takenAt: string }>;
  nextRuns: string[];
  runningWorkflowIds: string[];
  summary?: string;
}

function scheduleStartedBy(scheduleId: string): string {
  return `schedule:${scheduleId}`;
}

export async function createSyncSchedule(client: Client, spec: SyncScheduleSpec): Promise<ScheduleHandle> {
  const input: SyncInput = { ...spec.sync, startedBy: scheduleStartedBy(spec.scheduleId) };
  const summary = describeSyncInput(input);
  return client.schedule.create({
    scheduleId: spec.scheduleId,
    spec: { cronExpressions: [spec.cron], timezone: spec.timezone, jitter: spec.jitter },
    action: {
      type: 'startWorkflow',
      workflowType: SYNC_WORKFLOW_TYPE,
      args: [input],
      taskQueue: spec.taskQueue ?? TASK_QUEUE,
      // Temporal appends the scheduled time, so each run reads `sync/<scheduleId>-<time>`.
      workflowId: syncWorkflowId(spec.scheduleId),
      // No ReleaseStatus here: every run of the schedule sets its own when it starts.
      typedSearchAttributes: syncSearchAttributes(input),
      // The cron text again, where `update` can rewrite it (a schedule's own memo is fixed at creation).
      memo: { summary, cron: spec.cron },
      staticSummary: summary,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: spec.catchupWindow },
    state: { paused: spec.paused ?? false, note: spec.note ?? `created by ${spec.createdBy}` },
    // The server turns cron text into calendar specs; the memo keeps what the person wrote.
    memo: { summary, createdBy: spec.createdBy, cron: spec.cron, timezone: spec.timezone },
  });
}

/**
 * Schedules whose action starts the sync workflow, with their recent and next runs. Each is described
 * (the list's summaries lack the action memo that holds an updated cron, and list is eventually consistent).
 */
export async function listSyncSchedules(client: Client): Promise<SyncScheduleView[]> {
  const views: SyncScheduleView[] = [];
  for await (const summary of client.schedule.list()) {
    if (summary.action?.type !== 'startWorkflow' || summary.action.workflowType !== SYNC_WORKFLOW_TYPE) continue;
    views.push(await describeSyncSchedule(client, summary.scheduleId));
  }
  return views.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
}

export async function describeSyncSchedule(client: Client, scheduleId: string): Promise<SyncScheduleView> {
  return toView(await client.schedule.getHandle(scheduleId).describe());
}

/**
 * Pauses or unpauses. Temporal replaces the schedule's note with the one given here, so without a new
 * `note` the current one is passed back: the user's note survives a pause and an unpause.
 */
export async function setSyncSchedulePaused(client: Client, scheduleId: string, paused: boolean, note?: string): Promise<void> {
  const handle = client.schedule.getHandle(scheduleId);
  const kept = note ?? (await handle.describe()).state.note;
  await (paused ? handle.pause(kept) : handle.unpause(kept));
}

/** What `schedule update` may change; what is absent stays as it is (the note included). */
export interface SyncScheduleChanges {
  cron?: string;
  timezone?: string;
  catchupWindow?: Duration;
  jitter?: Duration;
  note?: string;
}

export async function updateSyncSchedule(client: Client, scheduleId: string, changes: SyncScheduleChanges): Promise<void> {
  await client.schedule.getHandle(scheduleId).update((previous) => {
    const action = previous.action;
    const cron = changes.cron ?? scheduleCron(previous);
    const spec =
      changes.cron !== undefined || changes.timezone !== undefined || changes.jitter !== undefined
        ? {
            ...(cron ? { cronExpressions: [cron] } : { calendars: previous.spec.calendars, intervals: previous.spec.intervals }),
            timezone: changes.timezone ?? previous.spec.timezone,
            jitter: changes.jitter ?? previous.spec.jitter,
          }
        : previous.spec;
    return {
      spec,
      action: { ...action, memo: { ...action.memo, ...(cron && { cron }) } },
      policies: { ...previous.policies, ...(changes.catchupWindow !== undefined && { catchupWindow: changes.catchupWindow }) },
      state: { paused: previous.state.paused, note: changes.note ?? previous.state.note, remainingActions: previous.state.remainingActions },
    };
  });
}

/** The cron text as the person wrote it: the action's memo (rewritten by updates), else the schedule's. */
function scheduleCron(description: ScheduleDescription): string | undefined {
  return memoText(description.action.memo, 'cron') ?? memoText(description.memo, 'cron');
}

/** Runs the schedule's action now; SKIP, so a trigger while a sync still runs does nothing. */
export async function triggerSyncSchedule(client: Client, scheduleId: string): Promise<void> {
  await client.schedule.getHandle(scheduleId).trigger(ScheduleOverlapPolicy.SKIP);
}

export async function deleteSyncSchedule(client: Client, scheduleId: string): Promise<void> {
  await client.schedule.getHandle(scheduleId).delete();
}

function toView(description: ScheduleDescription): SyncScheduleView {
  return {
    scheduleId: description.scheduleId,
    cron: scheduleCron(description),
    timezone: description.spec.timezone,
    paused: description.state.paused,
    note: description.state.note,
    overlap: String(description.policies.overlap),
    catchupWindowMs: description.policies.catchupWindow,
    jitterMs: description.spec.jitter,
    recentRuns: description.info.recentActions.map((recent) => ({
      workflowId: recent.action.workflow.workflowId,
      scheduledAt: recent.scheduledAt.toISOString(),
      takenAt: recent.takenAt.toISOString(),
    })),
    nextRuns: description.info.nextActionTimes.map((time) => time.toISOString()),
    runningWorkflowIds: description.info.runningActions.map((running) => running.workflow.workflowId),
    summary: memoText(description.memo, 'summary'),
  };
}

function memoText(memo: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = memo?.[key];
  return typeof value === 'string' ? value : undefined;
}
