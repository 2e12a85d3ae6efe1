/**
 * What a release shows in the Temporal UI and `scf-release status` without being queried: search
 * attributes and a one-line memo summary. No secrets here: search attributes bypass payload codecs.
 */
import { upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import {
  SA_CODE_SHA256,
  SA_FUNCTION,
  SA_KIND,
  SA_NAMESPACE,
  SA_REGIONS,
  SA_STARTED_BY,
  SA_STATUS,
  SA_VERSION,
  releaseRegions,
  syncSearchAttributes,
  type ReleaseInput,
  type ReleaseKind,
  type ReleaseStatus,
  type SyncFunctionInput,
  type SyncInput,
} from './definitions';

export function showStarted(input: ReleaseInput, kind: ReleaseKind): void {
  upsertSearchAttributes([
    { key: SA_FUNCTION, value: input.functionName },
    { key: SA_NAMESPACE, value: input.namespace },
    { key: SA_REGIONS, value: releaseRegions(input) },
    { key: SA_KIND, value: kind },
    { key: SA_STATUS, value: 'Running' },
    { key: SA_STARTED_BY, value: input.startedBy },
    { key: SA_CODE_SHA256, value: input.pkg.sha256 },
  ]);
  upsertMemo({
    summary:
      `${kind} of ${input.namespace}/${input.functionName} (sha256 ${input.pkg.sha256.slice(0, 12)}) to ${releaseRegions(input).join(', ')} by ${input.startedBy}` +
      (input.rollbackTo ? `, back to ${input.rollbackTo}` : ''),
  });
}

/** A sync (or, given `functionName`, its per-function child) has started: filed as a running sync. */
export function showSyncStarted(input: SyncInput | SyncFunctionInput, functionName?: string): void {
  upsertSearchAttributes(syncSearchAttributes(input, { running: true, functionName }));
}

export function showEnded(status: ReleaseStatus, summary: string, version?: string): void {
  upsertSearchAttributes([
    { key: SA_STATUS, value: status },
    ...(version ? [{ key: SA_VERSION, value: version }] : []),
  ]);
  upsertMemo({ summary });
}
