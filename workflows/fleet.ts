/**
 * fleetWorkflow: one release per function of the fleet, each an ordinary releaseWorkflow child
 * (lock, verification, compensation unchanged), id `release/<namespace>/<function>/<fleetId>`, at
 * most `maxConcurrency` at once, in waves, stopping after `stopAfterFailures` failures, optionally
 * rolling back every release that had succeeded when one fails (rollback releases, kind rollback).
 *
 * A thousand children would grow one history past what is comfortable, so after `childrenPerRun`
 * children (or when Temporal suggests it) the run lets its running children finish and continues
 * as new, carrying the function list, one status letter per finished function, the failures (capped)
 * and the cursor. The result holds totals and the first failures; `fleetReport` pages over every
 * function, and the children carry FleetId for visibility.
 */
import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { forEachBounded } from './bounded';
import {
  abortFleetUpdate,
  abortSignal,
  FLEET_REPORT_PAGE_MAX,
  FLEET_RESULT_FAILURES,
  MAX_FLEET_FUNCTIONS,
  fleetProgressQuery,
  fleetReportQuery,
  fleetRollbackWorkflowId,
  releaseRegions,
  SA_CODE_SHA256,
  SA_FLEET_ID,
  SA_FUNCTION,
  SA_KIND,
  SA_NAMESPACE,
  SA_REGIONS,
  SA_STARTED_BY,
  SA_STATUS,
  type FleetAbortAnswer,
  type FleetFailure,
  type FleetInput,
  type FleetMember,
  type FleetMemberStatus,
  type FleetResult,
  type FleetRollback,
  type FleetStatus,
  type FleetTotals,
  type ReleaseInput,
  type ReleaseResult,
} from './definitions';
import { releaseResultOfFailure, toReleaseError } from './failures';
import { assignWaves, expandMembers, memberKey, memberReleaseInput, memberWorkflowId, waveCount } from './fleet-members';
import { releaseWorkflow } from './release';

/** Aborting a fleet with rollbackAllOnFailure rolls back the releases that had succeeded (before: only a failure did). */
export const FLEET_ABORT_ROLLS_BACK_PATCH = 'fleet-abort-rolls-back-all';

/**
 * Children per run before continuing as new: ~12 events each keeps a run near 3,000 events (well under
 * the server's 10,240-event warning). A run lets its running children end before it continues, so
 * every boundary drains the fleet's concurrency once: fewer, longer runs lose less (N = 500: one
 * boundary, not four). Histories recorded before patch `fleet-longer-runs` continued every 100.
 */
export const FLEET_CHILDREN_PER_RUN = 250;
const FLEET_CHILDREN_PER_RUN_BEFORE = 100;
export const FLEET_LONGER_RUNS_PATCH = 'fleet-longer-runs';

/** What a run hands to the next when it continues as new. */
export interface FleetCarry {
  startedAt: string;
  /** Every function, in the order releases start. */
  members: FleetMember[];
  waveOf: number[];
  /** One letter per finished function (STATUS_LETTER), members[0..outcomes.length). */
  outcomes: string;
  /** The first FLEET_RESULT_FAILURES failures in full. */
  failures: FleetFailure[];
  stopped?: string;
}

const STATUS_LETTER: Record<FleetMemberStatus, string> = {
  Succeeded: 'S',
  NoOp: 'N',
  RolledBack: 'R',
  RollbackFailed: 'F',
  Aborted: 'A',
  Failed: 'X',
  Skipped: 'K',
};
const LETTER_STATUS = Object.fromEntries(Object.entries(STATUS_LETTER).map(([status, letter]) => [letter, status])) as Record<string, FleetMemberStatus>;

const isFailure = (status: FleetMemberStatus | undefined) => status !== undefined && status !== 'Succeeded' && status !== 'NoOp' && status !== 'Skipped';

export async function fleetWorkflow(input: FleetInput, carry?: FleetCarry): Promise<FleetResult> {
  const { fleetId, policy } = input;
  const startedAt = carry?.startedAt ?? new Date().toISOString();
  let members: FleetMember[] = carry?.members ?? [];
  let waveOf: number[] = carry?.waveOf ?? [];
  const statuses: Array<FleetMemberStatus | undefined> = [...(carry?.outcomes ?? '')].map((letter) => LETTER_STATUS[letter]);
  const failures: FleetFailure[] = carry ? [...carry.failures] : [];
  const running = new Map<number, string>();
  const rollbacks: FleetRollback[] = [];
  let rolledBack = 0;
  let stopped = carry?.stopped;
  let aborted: { reason: string; by: string } | undefined;
  let ending = false;
  let next = statuses.length;

  const totals = (): FleetTotals => {
    const count = (s: FleetMemberStatus) => statuses.filter((x) => x === s).length;
    const done = statuses.filter((s) => s !== undefined).length;
    return {
      total: members.length,
      done,
      running: running.size,
      succeeded: count('Succeeded'),
      noOp: count('NoOp'),
      failed: statuses.filter(isFailure).length,
      skipped: count('Skipped'),
      rolledBack,
    };
  };
  setHandler(fleetProgressQuery, () => ({
    fleetId,
    totals: totals(),
    running: [...running.keys()].map((i) => memberKey(members[i])),
    // The wave of the newest started release (`next` is already past it); a query, so no history changes.
    wave: waveOf[Math.min(Math.max(next - 1, 0), waveOf.length - 1)] ?? 0,
    waves: waveCount(waveOf),
    startedAt,
    ...(aborted && { aborted }),
    ...(stopped && { stopped }),
  }));
  setHandler(fleetReportQuery, ({ offset, limit }) => {
    const from = Math.max(0, Math.floor(offset));
    const to = Math.min(members.length, from + Math.max(0, Math.min(FLEET_REPORT_PAGE_MAX, Math.floor(limit))));
    return {
      offset: from,
      total: members.length,
      entries: members.slice(from, to).map((m, k) => ({
        namespace: m.namespace,
        functionName: m.functionName,
        workflowId: memberWorkflowId(fleetId, m),
        wave: waveOf[from + k],
        status: statuses[from + k] ?? (running.has(from + k) ? 'Running' : 'Pending'),
      })),
    };
  });
  const requestAbort = (request: { reason: string; by: string }): FleetAbortAnswer => {
    const unstarted = members.length - next;
    if (ending) return { accepted: false, running: running.size, skipped: 0 };
    if (!aborted) {
      aborted = request;
      // Running releases abort as a person's abort would: they compensate and end Aborted.
      for (const workflowId of running.values()) void getExternalWorkflowHandle(workflowId).signal(abortSignal, request).catch(() => undefined);
    }
    // Only an update's answer: not compared on replay, so it needs no patch.
    const rollingBack = policy.rollbackAllOnFailure ? { rollingBack: statuses.filter((x) => x === 'Succeeded').length } : {};
    return { accepted: true, running: running.size, skipped: unstarted, ...rollingBack };
  };
  setHandler(abortFleetUpdate, requestAbort);
  setHandler(abortSignal, (request) => void requestAbort(request));

  if (!carry) {
    upsertSearchAttributes([
      { key: SA_KIND, value: 'fleet' },
      { key: SA_STATUS, value: 'Running' },
      { key: SA_FLEET_ID, value: fleetId },
      { key: SA_STARTED_BY, value: input.startedBy },
    ]);
    try {
      ({ ordered: members, waveOf } = assignWaves(await expandMembers(input.groups), policy.waves));
    } catch (err) {
      const error = toReleaseError(err);
      return finish(input, startedAt, 'Failed', `could not list the fleet's functions: ${error.message}`, totals(), [], 0, []);
    }
    if (members.length > MAX_FLEET_FUNCTIONS) {
      // A selection found more than a fleet may release: refuse before anything starts.
      const found = members.length;
      members = [];
      return finish(input, startedAt, 'Failed', `the selection found ${found} functions; a fleet releases at most ${MAX_FLEET_FUNCTIONS}: narrow the prefix or split the fleet`, totals(), [], 0, []);
    }
    upsertMemo({ summary: `fleet ${fleetId}: ${members.length} function(s) by ${input.startedBy}` });
  }

  const record = (index: number, status: FleetMemberStatus, error?: FleetFailure['error']) => {
    statuses[index] = status;
    running.delete(index);
    if (isFailure(status) && failures.length < FLEET_RESULT_FAILURES) {
      const m = members[index];
      failures.push({ namespace: m.namespace, functionName: m.functionName, workflowId: memberWorkflowId(fleetId, m), status, ...(error && { error }) });
    }
  };
  const failedCount = () => statuses.filter(isFailure).length;
  const perRun = input.childrenPerRun ?? (patched(FLEET_LONGER_RUNS_PATCH) ? FLEET_CHILDREN_PER_RUN : FLEET_CHILDREN_PER_RUN_BEFORE);
  let startedThisRun = 0;

  while (next < members.length && !aborted && !stopped) {
    if (startedThisRun >= perRun || workflowInfo().continueAsNewSuggested) break;
    if (next > 0 && waveOf[next] !== waveOf[next - 1]) {
      // A wave starts once every release before it ended, and none failed.
      await condition(() => running.size === 0 || !!aborted);
      if (aborted) break;
      if (failedCount() > 0) {
        stopped = `wave ${waveOf[next - 1] + 1} had ${failedCount()} failed release(s); wave ${waveOf[next] + 1} was not started`;
        break;
      }
    }
    await condition(() => running.size < policy.maxConcurrency || !!aborted);
    if (aborted) break;
    if (policy.stopAfterFailures !== undefined && failedCount() >= policy.stopAfterFailures) {
      stopped = `${failedCount()} release(s) failed (stopAfterFailures: ${policy.stopAfterFailures}); no new release was started`;
      break;
    }
    const index = next++;
    startedThisRun += 1;
    const release = memberReleaseInput(input, members[index]);
    running.set(index, memberWorkflowId(fleetId, members[index]));
    // A release started after the abort arrived is told too (its start raced the signal).
    const onStarted = (workflowId: string) => void (aborted && getExternalWorkflowHandle(workflowId).signal(abortSignal, aborted).catch(() => undefined));
    void runChild(fleetId, release, undefined, onStarted).then(({ status, error }) => record(index, status, error));
  }
  await condition(() => running.size === 0);

  if (!aborted && !stopped && next < members.length) {
    const outcomes = statuses.map((s) => STATUS_LETTER[s!]).join('');
    return continueAsNew<typeof fleetWorkflow>(input, { startedAt, members, waveOf, outcomes, failures });
  }
  ending = true;
  for (let i = next; i < members.length; i++) statuses[i] = 'Skipped';

  // All-or-nothing holds for an abort too: the person asked for none of it once it cannot all land.
  const rollBackAll = policy.rollbackAllOnFailure && (aborted ? patched(FLEET_ABORT_ROLLS_BACK_PATCH) : failedCount() > 0);
  if (rollBackAll) {
    const succeeded = members.map((m, i) => ({ m, i })).filter(({ i }) => statuses[i] === 'Succeeded');
    await forEachBounded(succeeded, policy.maxConcurrency, async ({ m }) => {
      const outcome = await rollBack(input, m);
      if (outcome.status === 'Succeeded' || outcome.status === 'NoOp') rolledBack += 1;
      if (rollbacks.length < FLEET_RESULT_FAILURES || outcome.status !== 'Succeeded') rollbacks.push(outcome);
    });
  }

  const t = totals();
  const fleetRollbackFailed = rollbacks.some((r) => r.status !== 'Succeeded' && r.status !== 'NoOp');
  const rollbackFailed = statuses.includes('RollbackFailed') || fleetRollbackFailed;
  // An aborted fleet whose own rollback left a function on the new code needs a person: RollbackFailed (rollbacks only run on abort under the patch).
  const status: FleetStatus = aborted
    ? fleetRollbackFailed ? 'RollbackFailed' : 'Aborted'
    : rollbackFailed
      ? 'RollbackFailed'
      : t.failed > 0
        ? policy.rollbackAllOnFailure ? 'RolledBack' : 'Failed'
        : t.succeeded === 0 ? 'NoOp' : 'Succeeded';
  const why = aborted ? `aborted by ${aborted.by}: ${aborted.reason}` : stopped;
  const summary =
    `fleet ${fleetId}: ${t.succeeded} succeeded, ${t.noOp} no-op, ${t.failed} failed, ${t.skipped} skipped of ${t.total}` +
    (rollBackAll || (policy.rollbackAllOnFailure && t.failed > 0) ? `; ${rolledBack} rolled back` : '') +
    (why ? `; ${why}` : '');
  return finish(input, startedAt, status, summary, t, failures, t.failed - failures.length, rollbacks);
}

/** Starts one release and waits for it; a child that could not start or failed as a workflow is `Failed`. */
async function runChild(
  fleetId: string,
  release: ReleaseInput,
  workflowId?: string,
  onStarted?: (workflowId: string) => void,
): Promise<{ status: FleetMemberStatus; error?: FleetFailure['error'] }> {
  try {
    const child = await startChild(releaseWorkflow, {
      workflowId: workflowId ?? memberWorkflowId(fleetId, { group: 0, namespace: release.namespace, functionName: release.functionName }),
      args: [release],
      // Closing the fleet (terminate, cancel) asks its releases to cancel, so they compensate.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      typedSearchAttributes: [
        { key: SA_FUNCTION, value: release.functionName },
        { key: SA_NAMESPACE, value: release.namespace },
        { key: SA_REGIONS, value: releaseRegions(release) },
        { key: SA_KIND, value: release.kind ?? 'release' },
        { key: SA_STATUS, value: 'Running' },
        { key: SA_STARTED_BY, value: release.startedBy },
        { key: SA_CODE_SHA256, value: release.pkg.sha256 },
        { key: SA_FLEET_ID, value: fleetId },
      ],
      memo: { fleetId, releaseId: release.releaseId, startedBy: release.startedBy },
    });
    onStarted?.(child.workflowId);
    const result: ReleaseResult = await child.result();
    return { status: result.status, ...(result.error && { error: result.error }) };
  } catch (err) {
    // A RollbackFailed release fails its workflow carrying its result: a person must act, not just "Failed".
    const needsAPerson = releaseResultOfFailure(err);
    if (needsAPerson) return { status: needsAPerson.status, ...(needsAPerson.error && { error: needsAPerson.error }) };
    return { status: 'Failed', error: toReleaseError(err) };
  }
}

/** The rollback release of a member that had succeeded: its earlier package, filed as kind rollback. */
async function rollBack(input: FleetInput, member: FleetMember): Promise<FleetRollback> {
  const workflowId = fleetRollbackWorkflowId(input.fleetId, member.namespace, member.functionName);
  const target = input.rollbackTargets?.[memberKey(member)];
  const base = { namespace: member.namespace, functionName: member.functionName, workflowId };
  if (!target) return { ...base, status: 'Failed' };
  const release: ReleaseInput = {
    ...memberReleaseInput(input, member),
    releaseId: `${input.fleetId}-rollback`,
    pkg: target.pkg,
    ...(target.handler !== undefined && { handler: target.handler }),
    description: `rollback of fleet ${input.fleetId} to ${target.workflowId}`,
    kind: 'rollback',
    rollbackTo: target.workflowId,
  };
  const { status } = await runChild(input.fleetId, release, workflowId);
  return { ...base, status: status === 'Skipped' ? 'Failed' : status };
}

function finish(
  input: FleetInput,
  startedAt: string,
  status: FleetStatus,
  summary: string,
  totals: FleetTotals,
  failures: FleetFailure[],
  failuresOmitted: number,
  rollbacks: FleetRollback[],
): FleetResult {
  upsertSearchAttributes([{ key: SA_STATUS, value: status }]);
  upsertMemo({ summary });
  return { fleetId: input.fleetId, status, summary, totals, failures, failuresOmitted: Math.max(0, failuresOmitted), rollbacks, startedAt, endedAt: new Date().toISOString() };
}
