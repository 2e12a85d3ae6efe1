/**
 * syncFunctionWorkflow: one function of a sync, every target region. It takes the function's lock
 * (a function being released is skipped and reported, not raced), compares the source's CodeSha256
 * with each target's, and writes only the drifted regions. It always returns a report: a failure is
 * compensated in its region and reported, never thrown, so the parent carries on with the others.
 * A dry run takes no lock and calls only read activities.
 */
import { upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import type { CodeSnapshot } from '../activities/contract';
import { read } from './activity-profiles';
import { forEachBounded } from './bounded';
import {
  FUNCTION_LOCKED,
  SA_CODE_SHA256,
  syncWorkflowId,
  type SyncFunctionInput,
  type SyncFunctionReport,
} from './definitions';
import { toReleaseError } from './failures';
import { acquireFunctionLock } from './function-lock';
import { functionRef } from './preflight';
import { inspectTarget, resolveSource, type SourceCode } from './sync-drift';
import { syncRegion } from './sync-region';
import { addToTotals, emptyTotals, syncStatus, totalsLine } from './sync-report';
import { checkVerificationFirst } from './verify';
import { showEnded, showSyncStarted } from './visibility';

/** Regions of one function written at once; the API rate limits are enforced by the activities. */
const REGION_CONCURRENCY = 4;

export async function syncFunctionWorkflow(input: SyncFunctionInput): Promise<SyncFunctionReport> {
  const source = functionRef(input, input.sourceRegion);
  const report: SyncFunctionReport = { functionName: input.functionName, namespace: input.namespace, regions: [], compensations: [] };
  showSyncStarted(input, input.functionName);
  upsertMemo({ summary: `${input.dryRun ? 'dry-run ' : ''}sync of ${input.namespace}/${input.functionName} from ${input.sourceRegion}` });

  if (!input.dryRun) {
    try {
      await acquireFunctionLock({ namespace: input.namespace, functionName: input.functionName, kind: 'sync' });
    } catch (err) {
      const error = toReleaseError(err);
      if (error.type !== FUNCTION_LOCKED) throw err;
      report.regions = input.targetRegions.map((region) => ({ region, outcome: 'skipped-locked', action: 'no-op', error }));
      return finish(input, report);
    }
    try {
      // A case no worker can run would fail only after a region was written, and undo it: refuse now.
      await checkVerificationFirst(input.verification ?? []);
    } catch (err) {
      report.error = toReleaseError(err);
      return finish(input, report);
    }
  }

  let code: SourceCode;
  try {
    code = await resolveSource(source, input.what);
  } catch (err) {
    report.error = toReleaseError(err, input.sourceRegion);
    return finish(input, report);
  }
  report.sourceQualifier = code.qualifier;
  report.sourceSha256 = code.sha256;
  upsertSearchAttributes([{ key: SA_CODE_SHA256, value: code.sha256 }]);

  let snapshot: Promise<CodeSnapshot> | undefined;
  const regionReports = new Map<string, SyncFunctionReport['regions'][number]>();
  await forEachBounded(input.targetRegions, REGION_CONCURRENCY, async (region) => {
    const fn = functionRef(input, region);
    try {
      const drift = await inspectTarget(fn, code, input.what);
      const compared = { region, action: drift.action, sourceSha256: code.sha256, ...(drift.targetSha256 ? { targetSha256: drift.targetSha256 } : {}) };
      if (drift.action === 'no-op') return void regionReports.set(region, { ...compared, outcome: 'in-sync' });
      if (input.dryRun) return void regionReports.set(region, { ...compared, outcome: 'would-sync' });
      const synced = await syncRegion(fn, drift, {
        source: code,
        sourceSnapshot: () => (snapshot ??= read.snapshotCode({ fn: source, qualifier: code.qualifier })),
        publishTag: syncWorkflowId(input.syncId),
        verification: input.verification ?? [],
      });
      regionReports.set(region, synced.report);
      report.compensations.push(...synced.compensations);
    } catch (err) {
      // A read failed (the target could not even be compared): nothing was changed, so nothing to undo.
      regionReports.set(region, { region, outcome: 'failed', action: 'no-op', sourceSha256: code.sha256, error: toReleaseError(err, region) });
    }
  });
  // Report in the order the regions were asked for, whatever order they finished in.
  report.regions = input.targetRegions.map((region) => regionReports.get(region)!);
  return finish(input, report);
}

function finish(input: SyncFunctionInput, report: SyncFunctionReport): SyncFunctionReport {
  const status = syncStatus([report], input.dryRun);
  const versions = [...new Set(report.regions.map((r) => r.version).filter((v): v is string => !!v))];
  const what = report.error ? `${report.error.type}: ${report.error.message}` : totalsLine(addToTotals(emptyTotals(), report));
  showEnded(status, `${input.dryRun ? 'dry-run ' : ''}sync of ${input.namespace}/${input.functionName} from ${input.sourceRegion}: ${what}`, versions.length === 1 ? versions[0] : undefined);
  return report;
}
