/**
 * The programmatic API of fleets (re-exported by client/api.ts): start one, plan it, follow it,
 * page through its per-function report, abort it. Mirrors startRelease / watchRelease.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { quoteLiteral } from './audit/visibility-query';
import { findFunctionHolder, FunctionBusyError, releaseInputOf, ReleaseNotFoundError, type StartOptions } from './api';
import {
  abortFleetUpdate,
  fleetChildWorkflowId,
  fleetProgressQuery,
  fleetReportQuery,
  fleetWorkflowId,
  releaseRegions,
  SA_FLEET_ID,
  SA_FUNCTION,
  SA_KIND,
  SA_NAMESPACE,
  SA_REGIONS,
  SA_STARTED_BY,
  SA_STATUS,
  TASK_QUEUE,
  type FleetAbortAnswer,
  type FleetInput,
  type FleetPlan,
  type FleetProgress,
  type FleetReportPage,
  type FleetResult,
  type FleetRollbackTarget,
} from '../workflows/definitions';

export interface StartedFleet {
  workflowId: string;
  runId: string;
}

/**
 * For rollbackAllOnFailure: each named function's newest successful release (the code live now),
 * with the package it released. A function without one cannot be rolled back: refused before start.
 */
export async function findFleetRollbackTargets(client: Client, input: FleetInput): Promise<Record<string, FleetRollbackTarget>> {
  const targets: Record<string, FleetRollbackTarget> = {};
  for (const group of input.groups) {
    if (!('names' in group.functions)) {
      throw new ReleaseNotFoundError('rollbackAllOnFailure needs every group to name its functions (a selection may find functions with no earlier release); list them under functions');
    }
    for (const functionName of group.functions.names) {
      const query =
        `${SA_FUNCTION.name} = ${quoteLiteral(functionName)} AND ${SA_NAMESPACE.name} = ${quoteLiteral(group.release.namespace)} ` +
        `AND ${SA_KIND.name} IN ('release', 'rollback') AND ${SA_STATUS.name} = 'Succeeded'`;
      let newest: { workflowId: string; startTime: Date } | undefined;
      for await (const info of client.workflow.list({ query })) {
        if (!newest || info.startTime > newest.startTime) newest = { workflowId: info.workflowId, startTime: info.startTime };
      }
      if (!newest) {
        throw new ReleaseNotFoundError(
          `rollbackAllOnFailure: ${group.release.namespace}/${functionName} has no earlier successful release to go back to; release it once on its own, or drop rollbackAllOnFailure`,
        );
      }
      const earlier = await releaseInputOf(client, newest.workflowId);
      targets[`${group.release.namespace}/${functionName}`] = { workflowId: newest.workflowId, pkg: earlier.pkg, ...(earlier.handler !== undefined && { handler: earlier.handler }) };
    }
  }
  return targets;
}

const HOLDER_LOOKUPS_AT_ONCE = 20;

/** Starts a fleet; refuses with FunctionBusyError when a named function is being released already. */
export async function startFleet(client: Client, input: FleetInput, options: StartOptions = {}): Promise<StartedFleet> {
  // A few lookups at a time: a thousand one after another would hold the start for a while.
  const named = input.groups.flatMap((g) => ('names' in g.functions ? g.functions.names.map((functionName) => ({ namespace: g.release.namespace, functionName })) : []));
  for (let at = 0; at < named.length; at += HOLDER_LOOKUPS_AT_ONCE) {
    const batch = named.slice(at, at + HOLDER_LOOKUPS_AT_ONCE);
    const holders = await Promise.all(batch.map((fn) => findFunctionHolder(client, fn.namespace, fn.functionName)));
    const busy = holders.findIndex(Boolean);
    if (busy >= 0) throw new FunctionBusyError(batch[busy].functionName, batch[busy].namespace, holders[busy]!.workflowId, holders[busy]!.startedBy);
  }
  const withTargets: FleetInput =
    input.policy.rollbackAllOnFailure && !input.rollbackTargets ? { ...input, rollbackTargets: await findFleetRollbackTargets(client, input) } : input;
  const workflowId = fleetWorkflowId(input.fleetId);
  const regions = [...new Set(input.groups.flatMap((g) => releaseRegions(g.release)))];
  const handle = await client.workflow.start('fleetWorkflow', {
    workflowId,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    args: [withTargets],
    typedSearchAttributes: [
      { key: SA_KIND, value: 'fleet' },
      { key: SA_STATUS, value: 'Running' },
      { key: SA_FLEET_ID, value: input.fleetId },
      { key: SA_NAMESPACE, value: input.groups[0]?.release.namespace ?? 'default' },
      { key: SA_REGIONS, value: regions },
      { key: SA_STARTED_BY, value: input.startedBy },
    ],
    memo: { fleetId: input.fleetId, startedBy: input.startedBy, summary: `fleet ${input.fleetId} of ${input.groups.length} group(s)` },
    staticSummary: `Fleet ${input.fleetId}: ${input.groups.length} group(s) to ${regions.join(', ')}, by ${input.startedBy}`,
  });
  return { workflowId, runId: handle.firstExecutionRunId };
}

/** Runs the read-only fleet plan: its functions, waves and per-function plans. Changes nothing. */
export async function planFleet(client: Client, input: FleetInput, options: StartOptions = {}): Promise<FleetPlan> {
  return client.workflow.execute('planFleetWorkflow', {
    workflowId: `plan/fleet/${input.fleetId}`,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    args: [input],
    staticSummary: `Plan for fleet ${input.fleetId}, read-only`,
  });
}

/** A page of the per-function report (works while the fleet runs and after it ended). */
export async function fleetReport(client: Client, fleetWorkflowIdOrId: string, page: { offset: number; limit: number }): Promise<FleetReportPage> {
  const workflowId = fleetWorkflowIdOrId.startsWith('fleet/') ? fleetWorkflowIdOrId : fleetWorkflowId(fleetWorkflowIdOrId);
  try {
    return await client.workflow.getHandle(workflowId).query(fleetReportQuery, page);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new ReleaseNotFoundError(`no fleet ${workflowId}`);
    throw err;
  }
}

export type FleetEvent = { kind: 'progress'; progress: FleetProgress; throttled: number } | { kind: 'done'; result: FleetResult };

/** Running releases looked at per poll for throttling (a describe each). */
const THROTTLE_SAMPLE = 50;

/**
 * How many of the running releases wait on SCF's rate limits now: an activity of theirs is being
 * retried after a RequestLimitExceeded answer (or the limiter's own refusal). One describe per release.
 */
export async function throttledReleases(client: Client, fleetId: string, running: readonly string[]): Promise<number> {
  const looks = running.slice(0, THROTTLE_SAMPLE).map(async (key) => {
    const [namespace, functionName] = key.split('/');
    const d = await client.workflow.getHandle(fleetChildWorkflowId(fleetId, namespace, functionName)).describe().catch(() => undefined);
    return (d?.raw.pendingActivities ?? []).some((a) => /LimitExceeded|RateLimit/i.test(`${a.lastFailure?.applicationFailureInfo?.type ?? ''} ${a.lastFailure?.message ?? ''}`));
  });
  return (await Promise.all(looks)).filter(Boolean).length;
}

const FOLLOW_POLL_MS = 1000;
/** The throttled count is re-read every this many polls (up to THROTTLE_SAMPLE describes each time), not every second. */
const THROTTLE_EVERY_POLLS = 5;

/** Progress each second (with the throttled count), then `done` with the result. */
export async function* followFleet(client: Client, workflowId: string): AsyncGenerator<FleetEvent> {
  const handle = client.workflow.getHandle(workflowId);
  let result: FleetResult | undefined;
  let failure: unknown;
  // followRuns: the result of the run the fleet ends in, across continue-as-new.
  const settled = handle.result().then((r: FleetResult) => (result = r), (err: unknown) => (failure = err ?? new Error('fleet failed')));
  let throttled = 0;
  for (let poll = 0; !result && !failure; poll++) {
    const progress = await handle.query(fleetProgressQuery).catch(() => undefined);
    if (result || failure) break;
    // Every poll, not only on change: the ETA moves on its own.
    if (progress) {
      if (poll % THROTTLE_EVERY_POLLS === 0) throttled = await throttledReleases(client, progress.fleetId, progress.running);
      yield { kind: 'progress', progress, throttled };
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise((resolve) => (timer = setTimeout(resolve, FOLLOW_POLL_MS)))]);
    clearTimeout(timer);
  }
  if (failure) throw failure;
  yield { kind: 'done', result: result! };
}

/** Aborts a fleet: unstarted releases are skipped, running ones abort and compensate; with rollbackAllOnFailure the succeeded ones are rolled back. */
export async function abortFleet(
  client: Client,
  workflowId: string,
  request: { reason: string; by: string },
): Promise<FleetAbortAnswer> {
  return client.workflow.getHandle(workflowId).executeUpdate(abortFleetUpdate, { args: [request] });
}
