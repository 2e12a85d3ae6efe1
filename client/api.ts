/**
 * The programmatic API: everything the CLI does to a release, for scripts and other services.
 * Workflows are started by name (their code lives on the worker), so this module carries no
 * workflow code, only the shared definitions.
 */
import {
  isGrpcDeadlineError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
import { defaultPayloadConverter, type SearchAttributePair } from '@temporalio/common';
import { quoteLiteral } from './audit/visibility-query';
import { releaseResultOfFailure } from '../workflows/failures';
import { formatDurationMs } from '../workflows/durations';
import {
  abortSignal,
  abortUpdate,
  approveUpdate,
  functionLockId,
  progressQuery,
  releaseRegions,
  releaseWorkflowId,
  SA_CODE_SHA256,
  SA_FUNCTION,
  SA_KIND,
  SA_NAMESPACE,
  SA_REGIONS,
  SA_STARTED_BY,
  SA_STATUS,
  TASK_QUEUE,
  type ApprovalRecord,
  type ReleaseInput,
  type ReleasePhase,
  type ReleasePlan,
  type ReleaseProgress,
  type ReleaseResult,
} from '../workflows/definitions';

export interface StartOptions {
  taskQueue?: string;
}

export interface StartedRelease {
  workflowId: string;
  runId: string;
}

/** Another release or sync holds the function: nothing was started. */
export class FunctionBusyError extends Error {
  constructor(
    readonly functionName: string,
    readonly namespace: string,
    readonly holderWorkflowId: string,
    readonly holderStartedBy: string | undefined,
  ) {
    super(
      `function ${namespace}/${functionName} is being released by ${holderWorkflowId}` +
        `${holderStartedBy ? ` (started by ${holderStartedBy})` : ''}; wait for it, or abort it with ` +
        `\`scf-release abort ${holderWorkflowId} --reason ...\``,
    );
    this.name = 'FunctionBusyError';
  }
}

/** No release matches the id or function the caller named. */
export class ReleaseNotFoundError extends Error {
  override name = 'ReleaseNotFoundError';
}

/**
 * Who holds the function, if anyone: the lock workflow's parent (authoritative once the holder has
 * taken the lock), else a running release found by visibility (one started a moment ago, before it
 * reached its lock).
 */
export async function findFunctionHolder(
  client: Client,
  namespace: string,
  functionName: string,
): Promise<{ workflowId: string; startedBy?: string } | undefined> {
  try {
    const lock = await client.workflow.getHandle(functionLockId(namespace, functionName)).describe();
    if (lock.status.name === 'RUNNING') {
      const holderId = lock.parentExecution?.workflowId ?? String(lock.memo?.holder ?? lock.workflowId);
      const holder = await client.workflow
        .getHandle(holderId)
        .describe()
        .catch(() => undefined);
      return { workflowId: holderId, startedBy: holder?.typedSearchAttributes.get(SA_STARTED_BY) };
    }
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  const running = await findRunningReleases(client, namespace, functionName);
  return running[0];
}

async function findRunningReleases(
  client: Client,
  namespace: string,
  functionName: string,
): Promise<Array<{ workflowId: string; startedBy?: string }>> {
  const query =
    `${SA_FUNCTION.name} = ${quoteLiteral(functionName)} AND ${SA_NAMESPACE.name} = ${quoteLiteral(namespace)} ` +
    `AND ${SA_KIND.name} IN ('release', 'rollback') AND ExecutionStatus = 'Running'`;
  const found: Array<{ workflowId: string; startedBy?: string }> = [];
  for await (const info of client.workflow.list({ query })) {
    found.push({ workflowId: info.workflowId, startedBy: info.typedSearchAttributes.get(SA_STARTED_BY) });
  }
  return found;
}

/** What a release is about, for the Temporal UI's filters: function, regions, who, which code. */
function identifyingAttributes(input: ReleaseInput): SearchAttributePair[] {
  return [
    { key: SA_FUNCTION, value: input.functionName },
    { key: SA_NAMESPACE, value: input.namespace },
    { key: SA_REGIONS, value: releaseRegions(input) },
    { key: SA_STARTED_BY, value: input.startedBy },
    { key: SA_CODE_SHA256, value: input.pkg.sha256 },
  ];
}

/** Starts a release; refuses with FunctionBusyError when another release or sync holds the function. */
export async function startRelease(client: Client, input: ReleaseInput, options: StartOptions = {}): Promise<StartedRelease> {
  const holder = await findFunctionHolder(client, input.namespace, input.functionName);
  if (holder) throw new FunctionBusyError(input.functionName, input.namespace, holder.workflowId, holder.startedBy);

  const workflowId = releaseWorkflowId(input.namespace, input.functionName, input.releaseId);
  const summary = `${input.namespace}/${input.functionName} → ${releaseRegions(input).join(', ')} (sha256 ${input.pkg.sha256.slice(0, 12)})`;
  const handle = await client.workflow.start('releaseWorkflow', {
    workflowId,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    args: [input],
    typedSearchAttributes: [
      ...identifyingAttributes(input),
      { key: SA_KIND, value: input.kind ?? 'release' },
      { key: SA_STATUS, value: 'Running' },
    ],
    memo: { summary, releaseId: input.releaseId, startedBy: input.startedBy, ...(input.rollbackTo && { rollbackTo: input.rollbackTo }) },
    staticSummary: `${input.kind === 'rollback' ? 'Rollback' : 'Release'} ${input.releaseId}: ${summary}, by ${input.startedBy}` +
      (input.rollbackTo ? `, back to ${input.rollbackTo}` : ''),
  });
  return { workflowId, runId: handle.firstExecutionRunId };
}

/**
 * Runs the read-only plan workflow: what the release would do in each region. Changes nothing. Filed
 * as ReleaseKind = plan and without ScfFunction, so plans stay out of the function's list (and of
 * `history`); its workflow id still names the function.
 */
export async function planRelease(client: Client, input: ReleaseInput, options: StartOptions = {}): Promise<ReleasePlan> {
  return client.workflow.execute('planReleaseWorkflow', {
    workflowId: `plan/${input.namespace}/${input.functionName}/${input.releaseId}${input.aliasRollback ? '/alias' : ''}`,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    args: [input],
    typedSearchAttributes: [...identifyingAttributes(input).filter((pair) => pair.key !== SA_FUNCTION), { key: SA_KIND, value: 'plan' }],
    staticSummary: `Plan for ${input.namespace}/${input.functionName} (${input.releaseId}), read-only`,
  });
}

/** How to name a release: its workflow id, its short release id, or the function it is releasing now. */
export type ReleaseRef = { id: string } | { functionName: string; namespace?: string };

/** Resolves a reference to a workflow id. A function resolves to its *running* release. */
export async function resolveRelease(client: Client, ref: ReleaseRef): Promise<string> {
  if ('functionName' in ref) {
    const namespace = ref.namespace ?? 'default';
    const running = await findRunningReleases(client, namespace, ref.functionName);
    if (running.length === 0) throw new ReleaseNotFoundError(`no release of ${namespace}/${ref.functionName} is running`);
    return running[0].workflowId;
  }
  if (ref.id.includes('/')) return ref.id;
  // A short release id (r-20261125-060102-ab12): its workflow id ends with it.
  const query = `${SA_KIND.name} IN ('release', 'rollback') AND WorkflowId STARTS_WITH 'release/'`;
  for await (const info of client.workflow.list({ query })) {
    if (info.workflowId.endsWith(`/${ref.id}`)) return info.workflowId;
  }
  throw new ReleaseNotFoundError(`no release with id ${ref.id}; give the workflow id (release/<namespace>/<function>/<id>)`);
}

export type ReleaseView =
  | { state: 'running'; workflowId: string; runId: string; progress?: ReleaseProgress }
  | { state: 'completed'; workflowId: string; runId: string; result: ReleaseResult }
  /** The workflow itself failed, was terminated, cancelled or timed out: no ReleaseResult exists. */
  | { state: 'failed'; workflowId: string; runId: string; status: string; error: string };

/** The workflow's description; ReleaseNotFoundError when there is no such workflow. */
async function describeRelease(handle: WorkflowHandle, workflowId: string): Promise<WorkflowExecutionDescription> {
  try {
    return await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new ReleaseNotFoundError(`no release workflow ${workflowId}`);
    throw err;
  }
}

/** Where a release stands: its progress while it runs, its result once it ended. */
export async function getRelease(client: Client, workflowId: string): Promise<ReleaseView> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await describeRelease(handle, workflowId);
  const { runId, status } = description;
  if (status.name === 'RUNNING') {
    const progress = await queryProgress(handle, description);
    return { state: 'running', workflowId, runId, progress };
  }
  if (status.name === 'COMPLETED') {
    const result = (await client.workflow.getHandle(workflowId, runId).result()) as ReleaseResult;
    return { state: 'completed', workflowId, runId, result };
  }
  const ended = await client.workflow
    .getHandle(workflowId, runId)
    .result()
    .then(
      (): { error: string; result?: ReleaseResult } => ({ error: status.name }),
      (err: unknown) => ({ error: causeMessage(err), result: releaseResultOf(err) }),
    );
  if (ended.result) return { state: 'completed', workflowId, runId, result: ended.result };
  const { error } = ended;
  return { state: 'failed', workflowId, runId, status: status.name, error };
}

/**
 * The ReleaseResult a failed release workflow carries: a RollbackFailed release fails its workflow
 * (RELEASE_NEEDS_A_PERSON, so the UI shows it red) with the whole result as the failure's details.
 * Undefined for any other failure. Read it wherever a release's `result()` is awaited.
 */
export const releaseResultOf = releaseResultOfFailure;

/** Started, task scheduled, task started, task completed: a worker has run the workflow once. */
const FIRST_TASK_DONE = 4;

/**
 * The progress query; undefined while no worker has picked the workflow up yet. Given the workflow's
 * description, a workflow no worker has run yet is not asked at all: that query would wait for a
 * worker until it timed out.
 */
export async function queryProgress(
  handle: WorkflowHandle,
  description?: Pick<WorkflowExecutionDescription, 'historyLength'>,
): Promise<ReleaseProgress | undefined> {
  if (description && description.historyLength < FIRST_TASK_DONE) return undefined;
  try {
    return await handle.query(progressQuery);
  } catch {
    return undefined;
  }
}

/** An error's message followed by its causes' (a workflow failure's own message says little). */
export function causeMessage(err: unknown): string {
  let message = err instanceof Error ? err.message : String(err);
  for (let cause = (err as { cause?: unknown })?.cause; cause instanceof Error; cause = (cause as { cause?: unknown }).cause) {
    message = `${message}: ${cause.message}`;
  }
  return message;
}

export type ReleaseEvent =
  | { kind: 'progress'; progress: ReleaseProgress }
  | { kind: 'done'; view: Exclude<ReleaseView, { state: 'running' }> };

const WATCH_POLL_MS = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Progress snapshots as they change (the progress query, polled each second), then one `done` event
 * with the result. The result is long-polled all along, so the end is seen at once and the `done`
 * view is built from it. Ends after `done`.
 */
export async function* watchRelease(client: Client, workflowId: string): AsyncGenerator<ReleaseEvent> {
  const handle = client.workflow.getHandle(workflowId);
  await describeRelease(handle, workflowId); // a release that does not exist is refused at once
  let last = '';
  for (;;) {
    let settled: { ok: true; result: ReleaseResult } | { ok: false; error: unknown } | undefined;
    const settling = handle.result().then(
      (result: ReleaseResult) => (settled = { ok: true, result }),
      (error: unknown) => {
        const result = releaseResultOf(error);
        settled = result ? { ok: true, result } : { ok: false, error };
      },
    );
    while (!settled) {
      // A query of an ended run needs a worker to replay it: once the result is in, stop waiting for it.
      const progress = await Promise.race([queryProgress(handle), settling.then(() => undefined)]);
      if (settled) break;
      const snapshot = progress && JSON.stringify(progress);
      if (progress && snapshot !== last) {
        last = snapshot as string;
        yield { kind: 'progress', progress };
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([settling, new Promise((resolve) => (timer = setTimeout(resolve, WATCH_POLL_MS)))]);
      clearTimeout(timer);
    }
    const outcome = settled as NonNullable<typeof settled>;
    // The run id and Temporal's status of the newest run, as getRelease reports them.
    const { runId, status } = await describeRelease(handle, workflowId);
    if (status.name === 'RUNNING') {
      // The wait broke off, or the run that ended was replaced by a new one (a reset): wait again.
      await sleep(WATCH_POLL_MS);
      continue;
    }
    let view: ReleaseView;
    if (outcome.ok && (status.name === 'COMPLETED' || outcome.result.status === 'RollbackFailed')) {
      view = { state: 'completed', workflowId, runId, result: outcome.result };
    }
    else if (status.name !== 'COMPLETED' && !outcome.ok) {
      view = { state: 'failed', workflowId, runId, status: status.name, error: causeMessage(outcome.error) };
    } else view = await getRelease(client, workflowId); // the wait and the newest run disagree: read the run itself
    if (view.state !== 'running') {
      yield { kind: 'done', view };
      return;
    }
  }
}

/** The release named has ended already: there is nothing left to act on (unlike ReleaseNotFoundError, it exists). */
export class ReleaseEndedError extends Error {
  override name = 'ReleaseEndedError';
  constructor(
    readonly workflowId: string,
    /** ReleaseStatus when the release recorded one, else Temporal's status (TERMINATED, FAILED, ...). */
    readonly status: string,
    action: string,
  ) {
    super(`${workflowId} has already ended (${status}); nothing to ${action}`);
  }
}

/** Nobody answered in time: usually no worker runs the release's task queue. */
export class NoAnswerError extends Error {
  override name = 'NoAnswerError';
}

/** How long `abortRelease` waits for the release to answer by default. */
export const ABORT_WAIT_DEFAULT_MS = 30_000;

/** Throws ReleaseEndedError (or ReleaseNotFoundError) unless the release is running; returns its task queue. */
async function runningTaskQueue(handle: WorkflowHandle, workflowId: string, action: string): Promise<string> {
  const description = await describeRelease(handle, workflowId);
  if (description.status.name !== 'RUNNING') {
    throw new ReleaseEndedError(workflowId, description.typedSearchAttributes.get(SA_STATUS) ?? description.status.name, action);
  }
  return description.taskQueue;
}

/**
 * Asks a running release to abort (it compensates, then ends as Aborted); says whether it accepted.
 * Refuses an ended release (ReleaseEndedError) and gives up after `waitMs` without an answer
 * (NoAnswerError, saying what to do).
 */
export async function abortRelease(
  client: Client,
  workflowId: string,
  request: { reason: string; by: string },
  options: { waitMs?: number } = {},
): Promise<{ accepted: boolean; phase?: ReleasePhase }> {
  const handle = client.workflow.getHandle(workflowId);
  const taskQueue = await runningTaskQueue(handle, workflowId, 'abort');
  const waitMs = options.waitMs ?? ABORT_WAIT_DEFAULT_MS;
  const asking = (async () => {
    try {
      return await handle.executeUpdate(abortUpdate, { args: [request] });
    } catch (err) {
      // A server with updates disabled still takes the signal: the release aborts, unacknowledged.
      if (/update.*(disabled|not enabled|unsupported)/i.test((err as Error).message)) {
        await handle.signal(abortSignal, request);
        return { accepted: true };
      }
      // It ended between the describe and the update.
      if (err instanceof WorkflowNotFoundError) await runningTaskQueue(handle, workflowId, 'abort');
      throw err;
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      asking.catch(() => undefined); // the abandoned request ends with the connection
      reject(
        new NoAnswerError(
          `no worker answered the abort of ${workflowId} within ${formatDurationMs(waitMs)}. Is a worker running for task queue ` +
            `"${taskQueue}"? Start one (\`npm run worker\`, SCF_RELEASE_TASK_QUEUE=${taskQueue}) and abort again; the release ` +
            `compensates once a worker picks it up. To stop it without undoing anything: temporal workflow terminate --workflow-id '${workflowId}'`,
        ),
      );
    }, waitMs);
  });
  try {
    return await Promise.race([asking, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The release refused the approval (its validator's reason): no gate waits, or it was already approved. */
export class ApprovalRefusedError extends Error {
  override name = 'ApprovalRefusedError';
}

/** No answer to the approval within the deadline: no worker ran the update (is one polling?). */
export class ApprovalDeadlineError extends Error {
  override name = 'ApprovalDeadlineError';
}

/** How long `approveRelease` waits for the release to answer by default. */
export const APPROVE_DEADLINE_MS = 30_000;

/**
 * Opens a release's approval gate (the approve update): answers who approved and when, or throws
 * ApprovalRefusedError with the release's reason, or ApprovalDeadlineError when nothing answered
 * within `deadlineMs` (nothing was approved then, as far as the caller knows: check `status`).
 */
export async function approveRelease(
  client: Client,
  workflowId: string,
  by: string,
  options: { deadlineMs?: number } = {},
): Promise<ApprovalRecord> {
  const deadlineMs = options.deadlineMs ?? APPROVE_DEADLINE_MS;
  const handle = client.workflow.getHandle(workflowId);
  try {
    return await client.connection.withDeadline(Date.now() + deadlineMs, () => handle.executeUpdate(approveUpdate, { args: [{ by }] }));
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new ApprovalRefusedError(causeMessage(err.cause ?? err));
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(err)) {
      throw new ApprovalDeadlineError(`${workflowId} did not answer the approval within ${Math.round(deadlineMs / 1000)}s`);
    }
    throw err;
  }
}

/** An earlier successful release, with the input it ran with: what a rollback brings back. */
export interface RollbackTarget {
  workflowId: string;
  input: ReleaseInput;
  /** Its result: per region the version (and alias) it left, which an instant rollback goes back to. */
  result: ReleaseResult;
}

/**
 * The release a rollback goes back to: `to` (a workflow or short release id), or else the newest
 * Succeeded release (or rollback) of the function whose package differs from the newest Succeeded
 * one's, i.e. the code that was live before the current code.
 */
export async function findRollbackTarget(
  client: Client,
  ref: { functionName: string; namespace?: string; to?: string },
): Promise<RollbackTarget> {
  const namespace = ref.namespace ?? 'default';
  let workflowId: string;
  if (ref.to) {
    workflowId = await resolveRelease(client, { id: ref.to });
    // The status the release recorded when it ended (ReleaseStatus), from one describe.
    const { status, typedSearchAttributes } = await describeRelease(client.workflow.getHandle(workflowId), workflowId);
    const releaseStatus = typedSearchAttributes.get(SA_STATUS);
    if (status.name !== 'COMPLETED' || releaseStatus !== 'Succeeded') {
      const state = status.name === 'COMPLETED' ? releaseStatus : status.name === 'RUNNING' ? 'running' : 'failed';
      throw new ReleaseNotFoundError(`${workflowId} did not succeed (${state}); roll back to a release that did`);
    }
  } else {
    const query =
      `${SA_FUNCTION.name} = ${quoteLiteral(ref.functionName)} AND ${SA_NAMESPACE.name} = ${quoteLiteral(namespace)} ` +
      `AND ${SA_KIND.name} IN ('release', 'rollback') AND ${SA_STATUS.name} = 'Succeeded'`;
    const succeeded: Array<{ workflowId: string; startTime: Date; sha256?: string }> = [];
    for await (const info of client.workflow.list({ query })) {
      succeeded.push({ workflowId: info.workflowId, startTime: info.startTime, sha256: info.typedSearchAttributes.get(SA_CODE_SHA256) });
    }
    succeeded.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
    const current = succeeded[0];
    const earlier = current && succeeded.find((r) => r.sha256 !== current.sha256);
    if (!earlier) {
      throw new ReleaseNotFoundError(
        `no earlier successful release of ${namespace}/${ref.functionName} with other code than the current one` +
          `${current ? ` (${current.workflowId})` : ''}; name one with --to <release id>`,
      );
    }
    // Found through ReleaseStatus = 'Succeeded': nothing more to check.
    workflowId = earlier.workflowId;
  }
  const input = await releaseInputOf(client, workflowId);
  if (input.functionName !== ref.functionName || input.namespace !== namespace) {
    throw new ReleaseNotFoundError(`${workflowId} released ${input.namespace}/${input.functionName}, not ${namespace}/${ref.functionName}`);
  }
  const result = (await client.workflow.getHandle(workflowId).result()) as ReleaseResult;
  return { workflowId, input, result };
}

/** The input a release workflow was started with, from its history's first event. */
export async function releaseInputOf(client: Client, workflowId: string): Promise<ReleaseInput> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new ReleaseNotFoundError(`${workflowId} has no recorded input`);
  return defaultPayloadConverter.fromPayload<ReleaseInput>(payload);
}

/** A release that brings back `target`'s package, regions, verification and alias, filed as a rollback. */
export function rollbackInput(
  target: RollbackTarget,
  options: { releaseId: string; startedBy: string; allAtOnce?: boolean; regions?: string[] },
): ReleaseInput {
  const input = { ...target.input, ...regionSubset(target.input, options.regions) };
  return {
    ...input,
    releaseId: options.releaseId,
    startedBy: options.startedBy,
    description: `rollback to ${input.releaseId}${input.description ? ` (${input.description})` : ''}`.slice(0, 1000),
    ...(input.alias && options.allAtOnce && { alias: { ...input.alias, steps: [{ percent: 100, bakeSeconds: 0 }], requireApproval: false } }),
    kind: 'rollback',
    rollbackTo: target.workflowId,
  };
}

export { abortFleet, findFleetRollbackTargets, fleetReport, followFleet, planFleet, startFleet, type FleetEvent, type StartedFleet } from './fleet-api';
/**
 * The release's regions narrowed to `only` (in release order; the first becomes the primary), or
 * unchanged without `only`. Refuses a region the release did not touch.
 */
function regionSubset(input: ReleaseInput, only: string[] | undefined): Pick<ReleaseInput, 'primaryRegion' | 'regions'> {
  if (!only?.length) return { primaryRegion: input.primaryRegion, regions: input.regions };
  const all = releaseRegions(input);
  const unknown = only.filter((r) => !all.includes(r));
  if (unknown.length) throw new ReleaseNotFoundError(`${unknown.join(', ')}: not among the regions of ${input.releaseId} (${all.join(', ')})`);
  const [primaryRegion, ...regions] = all.filter((r) => only.includes(r));
  return { primaryRegion: primaryRegion!, regions };
}

/**
 * The instant form of a rollback built by rollbackInput: the alias goes back, per region, to the
 * version the target release left it on (its result). Undefined when the target moved no alias, or
 * left no version in one of the regions: then only a redeploy brings the code back.
 */
export function instantRollbackInput(target: RollbackTarget, redeploy: ReleaseInput): ReleaseInput | undefined {
  const alias = target.input.alias?.name;
  if (!alias) return undefined;
  const versions = releaseRegions(redeploy).map((region) => {
    const r = target.result.regions.find((x) => x.region === region);
    const version = r?.alias?.name === alias && r.alias.additionalVersionWeights.length === 0 ? r.alias.functionVersion : r?.version;
    return { region, version };
  });
  if (versions.some((v) => !v.version || v.version === '$LATEST')) return undefined;
  return { ...redeploy, aliasRollback: { alias, versions: versions as Array<{ region: string; version: string }> } };
}
