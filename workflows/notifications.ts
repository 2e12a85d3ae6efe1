/**
 * Telling people: the release's events go to the channels its manifest names (`notify`), through the
 * notify activity. A failed notification never fails the release; it is kept in the result
 * (`notifications`). Sent non-cancellable, so an abort's own `aborted` still goes out.
 */
import { CancellationScope, patched, workflowInfo } from '@temporalio/workflow';
import type { NotificationMessage, NotificationRecord, NotifyEvent } from '../activities/notify';
import { notification } from './activity-profiles';
import { releaseRegions, type NotifyRule, type ReleaseInput, type ReleaseStatus } from './definitions';

/**
 * Patch id guarding notifications: histories recorded before it scheduled no notify activity (and
 * none of them has a `notify` in its input, which only newer clients send).
 */
export const NOTIFICATIONS_PATCH = 'release-notifications';

export const EVENT_OF_STATUS: Record<Exclude<ReleaseStatus, 'Running'>, NotifyEvent> = {
  Succeeded: 'succeeded',
  NoOp: 'succeeded',
  RolledBack: 'rolled-back',
  RollbackFailed: 'rollback-failed',
  Aborted: 'aborted',
};

/** Sends `event` to the channels that asked for it; returns their records (none asked: none sent). */
export async function notifyEvent(input: ReleaseInput, event: NotifyEvent, summary: string, status?: string): Promise<NotificationRecord[]> {
  return notifyRules(input.notify, NOTIFICATIONS_PATCH, {
    event,
    kind: input.kind ?? 'release',
    workflowId: workflowInfo().workflowId,
    namespace: input.namespace,
    functionName: input.functionName,
    regions: releaseRegions(input),
    startedBy: input.startedBy,
    summary,
    ...(status ? { status } : {}),
  });
}

/**
 * Sends `message` to the rules' channels that asked for its event, when `patchId` holds (the caller's
 * patch: only histories without it scheduled no notify activity); a lost worker past the profile's
 * retries becomes a failed record per channel, so a notification never fails the workflow.
 */
export async function notifyRules(rules: readonly NotifyRule[] | undefined, patchId: string, message: NotificationMessage): Promise<NotificationRecord[]> {
  const { event } = message;
  const channels = (rules ?? []).filter((rule) => rule.events.includes(event)).map((rule) => rule.channel);
  if (channels.length === 0 || !patched(patchId)) return [];
  // The activity never fails on a webhook's answer; only a lost worker past its retries throws here.
  return CancellationScope.nonCancellable(() => notification.notify({ channels, message })).catch((err: unknown) =>
    channels.map((channel) => ({ event, channel, ok: false, error: (err as Error).message })),
  );
}
