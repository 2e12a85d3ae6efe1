/**
 * syncWorkflow: brings target regions to the source region's code for a set of functions (names,
 * or a prefix/glob found with ListFunctions). One child workflow per function
 * (syncFunctionWorkflow, id `sync/<id>/<namespace>/<function>`), at most `functionConcurrency` at
 * once; a failed function is reported and the others carry on. It returns the drift report.
 *
 * Hundreds of functions would grow one history past Temporal's limits (each child adds ~10 events
 * and its result), so after FUNCTIONS_PER_RUN children, or when Temporal suggests it, the workflow
 * continues as new, carrying the reports so far and the functions still to do.
 */
import { continueAsNew, executeChild, setHandler, workflowInfo } from '@temporalio/workflow';
import type { NotificationRecord } from '../activities/notify';
import { read } from './activity-profiles';
import { forEachBounded } from './bounded';
import {
  syncFunctionWorkflowId,
  syncProgressQuery,
  type SyncFunctionReport,
  type SyncInput,
  type SyncReport,
} from './definitions';
import { toReleaseError } from './failures';
import { recordSyncEnded } from './metrics';
import { syncFunctionWorkflow } from './sync-function';
import { notifySyncEvent, SYNC_EVENT_OF_STATUS } from './sync-notifications';
import { addToTotals, emptyTotals, syncStatus, totalsLine } from './sync-report';
import { showEnded, showSyncStarted } from './visibility';

// The per-function child is registered through this module, so workflows/index.ts names the sync once.
export { syncFunctionWorkflow };

export const DEFAULT_FUNCTION_CONCURRENCY = 8;
/** Children per run before continuing as new: keeps one run's history well under 10k events. */
export const FUNCTIONS_PER_RUN = 200;

/** What a run hands to the next one when it continues as new. */
export interface SyncCarry {
  startedAt: string;
  /** Every function found, in order; the report keeps this order. */
  functionNames: string[];
  done: SyncFunctionReport[];
  /** Notifications sent by earlier runs (the `started` one), for the report. */
  notifications?: NotificationRecord[];
}

export async function syncWorkflow(input: SyncInput, carry?: SyncCarry): Promise<SyncReport> {
  const syncId = workflowInfo().workflowId.replace(/^sync\//, '');
  const running = new Set<string>();
  const done: SyncFunctionReport[] = carry ? [...carry.done] : [];
  let functionNames: string[] = carry?.functionNames ?? [];
  setHandler(syncProgressQuery, () => ({
    syncId,
    dryRun: input.dryRun,
    functionsTotal: functionNames.length,
    functionsDone: done.length,
    running: [...running],
    totals: done.reduce(addToTotals, emptyTotals()),
  }));

  const startedAt = carry?.startedAt ?? new Date().toISOString();
  const notifications: NotificationRecord[] = carry?.notifications ? [...carry.notifications] : [];
  if (!carry) {
    showSyncStarted(input);
    notifications.push(...(await notifySyncEvent(input, 'started', `sync ${syncId} from ${input.sourceRegion} to ${input.targetRegions.join(', ')} by ${input.startedBy}`)));
    try {
      functionNames = await findFunctions(input);
    } catch (err) {
      // Nothing can be compared without the list; report it like any other failure, as data.
      const error = toReleaseError(err, input.sourceRegion);
      return finish(input, syncId, startedAt, [
        { functionName: '*', namespace: input.namespace, regions: [], compensations: [], error },
      ], notifications);
    }
  }

  const todo = functionNames.slice(done.length);
  const thisRun = todo.slice(0, input.functionsPerRun ?? FUNCTIONS_PER_RUN);
  let stopEarly = false;
  await forEachBounded(thisRun, input.functionConcurrency ?? DEFAULT_FUNCTION_CONCURRENCY, async (functionName) => {
    if (stopEarly) return;
    running.add(functionName);
    done.push(await syncOneFunction(input, syncId, functionName));
    running.delete(functionName);
    stopEarly = workflowInfo().continueAsNewSuggested;
  });

  if (done.length < functionNames.length) {
    // Children finish in any order; keep the report in the order the functions were found.
    const next: SyncCarry = { startedAt, functionNames, done: orderLike(functionNames, done), ...(notifications.length ? { notifications } : {}) };
    return continueAsNew<typeof syncWorkflow>(input, next);
  }
  return finish(input, syncId, startedAt, orderLike(functionNames, done), notifications);
}

/** The explicit names, or ListFunctions in the source region filtered by prefix or glob. */
async function findFunctions(input: SyncInput): Promise<string[]> {
  if ('names' in input.functions) return [...new Set(input.functions.names)];
  const found = await read.listFunctions({ region: input.sourceRegion, namespace: input.namespace, match: input.functions.match });
  return found.map((f) => f.functionName).sort();
}

async function syncOneFunction(input: SyncInput, syncId: string, functionName: string): Promise<SyncFunctionReport> {
  const { functions: _functions, functionConcurrency: _concurrency, functionsPerRun: _perRun, notify: _notify, ...shared } = input;
  try {
    return await executeChild(syncFunctionWorkflow, {
      workflowId: syncFunctionWorkflowId(syncId, input.namespace, functionName),
      args: [{ ...shared, syncId, functionName }],
    });
  } catch (err) {
    // The child itself failed (a bug or a terminated child): report it, keep going with the others.
    return { functionName, namespace: input.namespace, regions: [], compensations: [], error: toReleaseError(err) };
  }
}

function orderLike(names: readonly string[], reports: readonly SyncFunctionReport[]): SyncFunctionReport[] {
  const byName = new Map(reports.map((r) => [r.functionName, r]));
  return names.filter((n) => byName.has(n)).map((n) => byName.get(n)!);
}

async function finish(input: SyncInput, syncId: string, startedAt: string, functions: SyncFunctionReport[], notifications: NotificationRecord[]): Promise<SyncReport> {
  const totals = functions.reduce(addToTotals, emptyTotals());
  const status = syncStatus(functions, input.dryRun);
  const summary =
    `${input.dryRun ? 'Dry-run sync' : 'Sync'} ${syncId}: ${functions.length} function(s) from ${input.sourceRegion} ` +
    `to ${input.targetRegions.join(', ')}: ${totalsLine(totals)}`;
  showEnded(status, summary);
  recordSyncEnded(status);
  notifications.push(...(await notifySyncEvent(input, SYNC_EVENT_OF_STATUS[status], summary, status)));
  return {
    syncId,
    dryRun: input.dryRun,
    sourceRegion: input.sourceRegion,
    namespace: input.namespace,
    targetRegions: input.targetRegions,
    what: input.what,
    functions,
    totals,
    summary,
    startedAt,
    endedAt: new Date().toISOString(),
    ...(notifications.length ? { notifications } : {}),
  };
}
