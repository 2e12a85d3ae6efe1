/**
 * Release and sync outcomes as metrics, through the SDK's workflow metric meter: deterministic-safe
 * (the SDK drops what a workflow emits while it replays, so a replayed or continued history counts
 * once) and no command, so no `patched()`. Names (README "Operating the worker"):
 *   scf_release_releases {status}, scf_release_release_duration (ms) {status}, scf_release_syncs {status}.
 * The SDK adds namespace, task_queue and workflow_type.
 */
import { metricMeter, workflowInfo } from '@temporalio/workflow';
import type { ReleaseStatus } from './definitions';

export function recordReleaseEnded(status: ReleaseStatus): void {
  const durationMs = Date.now() - workflowInfo().startTime.getTime();
  metricMeter.createCounter('scf_release_releases', 'releases', 'releases by final status').add(1, { status });
  metricMeter.createHistogram('scf_release_release_duration', 'int', 'ms', 'release duration, start to final status').record(durationMs, { status });
}

export function recordSyncEnded(status: ReleaseStatus): void {
  metricMeter.createCounter('scf_release_syncs', 'syncs', 'syncs by final status').add(1, { status });
}
