/**
 * A notification's outcome as a metric, through the running activity's meter (activities/scf-telemetry.ts),
 * so a webhook that keeps failing shows on the worker's Prometheus endpoint, not only in logs and results:
 * `scf_release_notifications` {channel, event, outcome: sent | failed} (README "Operating the worker").
 */
import type { NotificationRecord } from './notify';
import { meter } from './scf-telemetry';

export const NOTIFICATIONS_METRIC = 'scf_release_notifications';

export function recordNotification(record: NotificationRecord): void {
  meter()
    .createCounter(NOTIFICATIONS_METRIC, 'notifications', 'notifications by channel, event and outcome (sent|failed)')
    .add(1, { channel: record.channel, event: record.event, outcome: record.ok ? 'sent' : 'failed' });
}
