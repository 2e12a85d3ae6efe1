/**
 * `show <id>`: one release or sync in detail. A closed run is read from its result (or its failure);
 * a running one from its progress query, so the view is live without touching history events.
 */
import type { Client } from '@temporalio/client';
import {
  SA_KIND,
  SA_STATUS,
  syncProgressQuery,
  type ReleaseProgress,
  type ReleaseResult,
  type SyncProgress,
  type SyncReport,
} from '../../workflows/definitions';
import { causeMessage, queryProgress, releaseResultOf } from '../api';
import { workflowUiLink } from '../ui-links';

export type RunDetail =
  | { kind: 'release' | 'rollback'; state: 'closed'; result: ReleaseResult }
  /** No `progress` while no worker has picked the release up yet. */
  | { kind: 'release' | 'rollback'; state: 'running'; progress?: ReleaseProgress }
  | { kind: 'sync'; state: 'closed'; result: SyncReport }
  | { kind: 'sync'; state: 'running'; progress: SyncProgress }
  | { kind: string; state: 'failed'; error: string };

export interface RunView {
  workflowId: string;
  runId: string;
  workflowType: string;
  executionStatus: string;
  releaseStatus?: string;
  startTime: string;
  closeTime?: string;
  uiLink: string;
  detail: RunDetail;
}

export async function loadRun(
  client: Client,
  workflowId: string,
  options: { namespace: string; uiUrl: string },
): Promise<RunView> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const kind = description.typedSearchAttributes.get(SA_KIND) ?? (description.type.startsWith('sync') ? 'sync' : 'release');
  const running = description.status.name === 'RUNNING';
  return {
    workflowId,
    runId: description.runId,
    workflowType: description.type,
    executionStatus: description.status.name,
    releaseStatus: description.typedSearchAttributes.get(SA_STATUS),
    startTime: description.startTime.toISOString(),
    closeTime: description.closeTime?.toISOString(),
    uiLink: workflowUiLink(options.uiUrl, options.namespace, workflowId, description.runId),
    detail: running ? await runningDetail(kind) : await closedDetail(kind),
  };

  async function runningDetail(runKind: string): Promise<RunDetail> {
    return runKind === 'sync'
      ? { kind: 'sync', state: 'running', progress: await handle.query(syncProgressQuery) }
      : { kind: runKind as 'release' | 'rollback', state: 'running', progress: await queryProgress(handle, description) };
  }

  async function closedDetail(runKind: string): Promise<RunDetail> {
    try {
      const result: unknown = await handle.result();
      return runKind === 'sync'
        ? { kind: 'sync', state: 'closed', result: result as SyncReport }
        : { kind: runKind as 'release' | 'rollback', state: 'closed', result: result as ReleaseResult };
    } catch (err) {
      const result = releaseResultOf(err); // RollbackFailed: the workflow failed carrying its result
      if (result) return { kind: runKind as 'release' | 'rollback', state: 'closed', result };
      // Failed, terminated, timed out or continued-as-new: say what Temporal says, causes included.
      return { kind: runKind, state: 'failed', error: causeMessage(err) };
    }
  }
}
