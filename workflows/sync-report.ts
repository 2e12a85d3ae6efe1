/** Pure bookkeeping for the drift report: totals, statuses and one-line summaries. */
import type { ReleaseStatus, SyncFunctionReport, SyncOutcome, SyncTotals } from './definitions';

export function emptyTotals(): SyncTotals {
  return { 'in-sync': 0, synced: 0, 'would-sync': 0, 'skipped-locked': 0, failed: 0 };
}

/** Counted per function and target region; a function that failed before comparing counts once. */
export function addToTotals(totals: SyncTotals, fn: SyncFunctionReport): SyncTotals {
  const outcomes: SyncOutcome[] = fn.regions.length > 0 ? fn.regions.map((r) => r.outcome) : ['failed'];
  for (const outcome of outcomes) totals[outcome] += 1;
  return totals;
}

/**
 * The ReleaseStatus search attribute of a sync or one of its functions: RollbackFailed when an undo
 * failed, RolledBack when something failed and was undone, Aborted when the function was locked
 * (as a release refused by the lock is), NoOp when nothing needed (or, dry, would need) changing.
 */
export function syncStatus(fns: readonly SyncFunctionReport[], dryRun: boolean): Exclude<ReleaseStatus, 'Running'> {
  const totals = fns.reduce(addToTotals, emptyTotals());
  if (fns.some((fn) => fn.compensations.some((c) => c.outcome === 'failed'))) return 'RollbackFailed';
  if (totals.failed > 0) return 'RolledBack';
  if (fns.length > 0 && totals['skipped-locked'] === fns.reduce((n, fn) => n + fn.regions.length, 0)) return 'Aborted';
  if (dryRun || totals.synced === 0) return 'NoOp';
  return 'Succeeded';
}

export function totalsLine(totals: SyncTotals): string {
  const parts = (Object.entries(totals) as Array<[SyncOutcome, number]>).filter(([, n]) => n > 0).map(([o, n]) => `${n} ${o}`);
  return parts.join(', ') || 'nothing to compare';
}
