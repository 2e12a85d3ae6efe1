/**
 * Telling people about a sync: `started` when the first run begins, and how it ended (`succeeded`,
 * `failed`, `rollback-failed`, `aborted`), to the channels its input names (`notify`, from `--notify`).
 * Sent by the parent sync only (not per function), through the same notify activity as a release; a
 * failed notification is kept in the report (`notifications`) and never changes the sync's outcome.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { NotificationRecord, SyncNotifyEvent } from '../activities/notify';
import type { ReleaseStatus, SyncInput } from './definitions';
import { notifyRules } from './notifications';

/**
 * Patch id guarding sync notifications: histories recorded before it scheduled no notify activity
 * (and none of them has a `notify` in its input, which only newer clients send).
 */
export const SYNC_NOTIFICATIONS_PATCH = 'sync-notifications';

export const SYNC_EVENT_OF_STATUS: Record<Exclude<ReleaseStatus, 'Running'>, SyncNotifyEvent> = {
  Succeeded: 'succeeded',
  NoOp: 'succeeded',
  RolledBack: 'failed',
  RollbackFailed: 'rollback-failed',
  Aborted: 'aborted',
};

/** What the functions are, for the message: the names, or the pattern they were listed by. */
function functionsOf(input: SyncInput): string {
  return 'names' in input.functions ? input.functions.names.join(',') : input.functions.match;
}

export function notifySyncEvent(input: SyncInput, event: SyncNotifyEvent, summary: string, status?: string): Promise<NotificationRecord[]> {
  return notifyRules(input.notify, SYNC_NOTIFICATIONS_PATCH, {
    event,
    kind: 'sync',
    workflowId: workflowInfo().workflowId,
    namespace: input.namespace,
    functionName: functionsOf(input),
    regions: [input.sourceRegion, ...input.targetRegions],
    startedBy: input.startedBy,
    summary,
    ...(status ? { status } : {}),
  });
}
