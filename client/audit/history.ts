/**
 * `history`: releases, rollbacks and syncs found through their search attributes, newest first,
 * each with its Web UI link. Reads visibility only; never the workflows' inputs or results.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import {
  SA_CODE_SHA256,
  SA_FUNCTION,
  SA_KIND,
  SA_NAMESPACE,
  SA_REGIONS,
  SA_STARTED_BY,
  SA_STATUS,
  SA_VERSION,
} from '../../workflows/definitions';
import { workflowUiLink } from '../ui-links';

export interface HistoryRow {
  workflowId: string;
  runId: string;
  kind?: string;
  functionName?: string;
  namespace?: string;
  regions: string[];
  /** The release status; a run that closed without setting one (terminated, failed) shows Temporal's status. */
  status: string;
  version?: string;
  codeSha256?: string;
  startedBy?: string;
  startTime: string;
  closeTime?: string;
  summary?: string;
  uiLink: string;
}

interface HistoryQuery {
  /** The visibility query (visibility-query.ts buildVisibilityQuery builds it from the filters). */
  query: string;
  /** At most this many rows (the newest). */
  limit: number;
  namespace: string;
  uiUrl: string;
}

export async function listHistory(client: Client, query: HistoryQuery): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = [];
  // SQL visibility cannot ORDER BY: it lists open runs first, then by close time, so collect and sort.
  for await (const info of client.workflow.list({ query: query.query, pageSize: 200 })) {
    rows.push(toRow(info, query));
    if (rows.length >= Math.max(query.limit * 4, 200)) break;
  }
  rows.sort((a, b) => b.startTime.localeCompare(a.startTime));
  return rows.slice(0, query.limit);
}

function toRow(info: WorkflowExecutionInfo, query: HistoryQuery): HistoryRow {
  const attrs = info.typedSearchAttributes;
  const releaseStatus = attrs.get(SA_STATUS);
  const closedWithoutStatus = info.status.name !== 'RUNNING' && (!releaseStatus || releaseStatus === 'Running');
  const summary = info.memo?.summary;
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    kind: attrs.get(SA_KIND),
    functionName: attrs.get(SA_FUNCTION),
    namespace: attrs.get(SA_NAMESPACE),
    regions: attrs.get(SA_REGIONS) ?? [],
    status: closedWithoutStatus ? titleCase(info.status.name) : (releaseStatus ?? 'Running'),
    version: attrs.get(SA_VERSION),
    codeSha256: attrs.get(SA_CODE_SHA256),
    startedBy: attrs.get(SA_STARTED_BY),
    startTime: info.startTime.toISOString(),
    closeTime: info.closeTime?.toISOString(),
    summary: typeof summary === 'string' ? summary : undefined,
    uiLink: workflowUiLink(query.uiUrl, query.namespace, info.workflowId, info.runId),
  };
}

function titleCase(name: string): string {
  return name
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
