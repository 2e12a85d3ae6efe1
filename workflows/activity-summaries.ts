/**
 * What each activity says in the Temporal UI: a one-line summary per call ("update-code
 * ap-shanghai default/fn"), so the event history reads as the release's steps, not bare
 * `restoreCode` / `waitForActive`. Summaries are user metadata on the scheduled activity: replay does
 * not compare them, so they need no patch. Derived from the activity's name and input only.
 */
import type { ScfActivities } from '../activities/contract';
import type { ActivityInterfaceFor } from '@temporalio/workflow';

/** The step name each activity shows (the same words the CLI's progress uses where it has them). */
const STEP: Partial<Record<keyof ScfActivities, string>> = {
  getFunction: 'get-function',
  waitForActive: 'wait-active',
  updateFunctionCode: 'update-code',
  updateCodeAndWait: 'update-code',
  publishVersion: 'publish-version',
  publishAndWait: 'publish-version',
  listVersions: 'list-versions',
  copyFunction: 'copy-function',
  getFunctionAddress: 'get-code-sha256',
  invokeFunction: 'invoke',
  verifyCase: 'verify',
  checkVerification: 'check-verification',
  createAlias: 'create-alias',
  getAlias: 'get-alias',
  updateAlias: 'move-alias',
  deleteAlias: 'delete-alias',
  deleteFunction: 'delete-function',
  deleteVersion: 'delete-version',
  listFunctions: 'list-functions',
  snapshotCode: 'snapshot-code',
  inspectLatest: 'inspect',
  restoreCode: 'restore-code',
  notify: 'notify',
  listTriggers: 'list-triggers',
  createTrigger: 'create-trigger',
  deleteTrigger: 'delete-trigger',
  readMonitorData: 'read-metrics',
};

interface SummaryInput {
  fn?: { region: string; namespace: string; functionName: string };
  snapshot?: { fn: { region: string; namespace: string; functionName: string } };
  source?: { region: string; namespace: string; functionName: string };
  targetRegion?: string;
  region?: string;
  qualifier?: string;
  name?: string;
  functionVersion?: string;
  additionalVersionWeights?: Array<{ version: string; weight: number }>;
  version?: string;
  case?: { name: string };
}

/** The one-line summary of a call of `activity` with `input` (its first argument). */
export function activitySummary(activity: string, input: unknown): string {
  const i = (typeof input === 'object' && input !== null ? input : {}) as SummaryInput;
  const step = STEP[activity as keyof ScfActivities] ?? activity;
  const fn = i.fn ?? i.snapshot?.fn;
  if (activity === 'copyFunction' && i.source) return `${step} ${i.source.region} → ${i.targetRegion} ${i.source.namespace}/${i.source.functionName}`;
  if (!fn) return i.region ? `${step} ${i.region}` : step;
  const where = `${fn.region} ${fn.namespace}/${fn.functionName}`;
  if (activity === 'verifyCase' && i.case) return `${step} "${i.case.name}" ${where}:${i.qualifier}`;
  if (activity === 'createAlias' || activity === 'updateAlias') {
    const weights = (i.additionalVersionWeights ?? []).map((w) => `, ${Math.round(w.weight * 100)}% on ${w.version}`).join('');
    return `${step} ${i.name} → ${i.functionVersion}${weights} ${where}`;
  }
  const qualifier = i.qualifier ?? i.version;
  return `${step} ${where}${qualifier ? `:${qualifier}` : ''}`;
}

/** `activities` with every call carrying its summary (executeWithOptions merges it into the profile's options). */
export function withSummaries<A extends object>(activities: ActivityInterfaceFor<A>): ActivityInterfaceFor<A> {
  return new Proxy(activities, {
    get(target, name, receiver) {
      const activity = Reflect.get(target, name, receiver) as unknown as { executeWithOptions?: (options: object, args: unknown[]) => Promise<unknown> };
      if (typeof name !== 'string' || typeof activity?.executeWithOptions !== 'function') return activity;
      return (...args: unknown[]) => activity.executeWithOptions!({ summary: activitySummary(name, args[0]) }, args);
    },
  });
}
