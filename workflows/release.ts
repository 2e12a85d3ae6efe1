/**
 * releaseWorkflow: one code package to one function in a primary region and its target regions,
 * verified, with optional stepped alias traffic, compensated in reverse on any failure or abort.
 * It always *returns* a ReleaseResult (Succeeded, NoOp, RolledBack, RollbackFailed, Aborted); the
 * client maps the status to an exit code.
 *
 * The phases live in small modules: preflight.ts, replicate-region.ts, verify.ts, traffic.ts,
 * compensation.ts, function-lock.ts; this file only orders them and handles abort and approval.
 */
import { ApplicationFailure, CancellationScope, condition, isCancellation, patched, setHandler, upsertMemo } from '@temporalio/workflow';
import { formatDurationMs } from './durations';
import { forEachBounded } from './bounded';
import { Compensations } from './compensation';
import {
  abortSignal,
  abortUpdate,
  APPROVAL_TIMEOUT_DEFAULT_SECONDS,
  approveSignal,
  approveUpdate,
  progressQuery,
  RELEASE_NEEDS_A_PERSON,
  releaseRegions,
  type ApprovalRecord,
  type ReleaseError,
  type ReleaseInput,
  type RegionAction,
  type ReleaseResult,
} from './definitions';
import { FailureType, releaseFailure } from './failures';
import { recordReleaseEnded } from './metrics';
import { acquireFunctionLock } from './function-lock';
import { runInstantRollback } from './instant-rollback';
import { EVENT_OF_STATUS, notifyEvent } from './notifications';
import { functionRef, inspectRegion, isLive, regionAction, type RegionInspection } from './preflight';
import { ReleaseTracker } from './release-tracker';
import { publishAndCheck, putCode, replicateRegion, type DeployContext, type RegionDeployment } from './replicate-region';
import { REPLICATE_TRIGGERS_PATCH, replicateTriggersToCopies } from './replicate-triggers';
import { shiftTraffic } from './traffic';
import type { GateRecord } from './metrics-gate';
import { checkVerificationFirst, verifyQualifier } from './verify';
import { showEnded, showStarted } from './visibility';

export const DEFAULT_REGION_CONCURRENCY = 4;

interface ReleaseRun {
  input: ReleaseInput;
  tracker: ReleaseTracker;
  saga: Compensations;
  approved: () => boolean;
}

export async function releaseWorkflow(input: ReleaseInput): Promise<ReleaseResult> {
  const tracker = new ReleaseTracker(input);
  const saga = new Compensations();
  // Everything forward runs in this scope; abort cancels it, compensation runs outside it.
  const forward = new CancellationScope();
  let abortedBy: { reason: string; by: string } | undefined;

  const requestAbort = (request: { reason: string; by: string }): boolean => {
    if (abortedBy) return true;
    if (tracker.phase === 'Compensating' || tracker.phase === 'Done') return false;
    abortedBy = request;
    forward.cancel();
    return true;
  };
  setHandler(progressQuery, () => tracker.progress());
  setHandler(abortSignal, (request) => void requestAbort(request));
  setHandler(abortUpdate, (request) => ({ accepted: requestAbort(request), phase: tracker.phase }));
  const approve = (by: string) => (tracker.approval ??= recordApproval(by));
  setHandler(approveSignal, ({ by }) => void approve(by));
  setHandler(approveUpdate, ({ by }) => approve(by), { validator: ({ by }) => refuseApproval(input, tracker, by) });

  const kind = input.kind ?? 'release';
  showStarted(input, kind);
  if (kind === 'rollback' && !input.aliasRollback) tracker.rollback = { to: input.rollbackTo ?? '', mode: 'redeploy' };

  try {
    await acquireFunctionLock({ namespace: input.namespace, functionName: input.functionName, kind });
  } catch (err) {
    const error = tracker.noteError(err);
    return await finish(tracker, input, tracker.result('Aborted', `refused: ${error.message}`, { error }));
  }

  tracker.notifications.push(...(await notifyEvent(input, 'started', `${kind} of ${input.namespace}/${input.functionName} to ${releaseRegions(input).join(', ')} by ${input.startedBy}`)));
  try {
    const outcome = await forward.run(() =>
      input.aliasRollback && patched(INSTANT_ROLLBACK_PATCH)
        ? runInstantRollback(input, tracker, saga)
        : runRelease({ input, tracker, saga, approved: () => !!tracker.approval }),
    );
    return await finish(tracker, input, outcome);
  } catch (err) {
    // A timed-out approval gate ends the release like an abort: nobody said go, so nothing stays.
    const aborted = isCancellation(err) || isApprovalTimeout(err);
    const error: ReleaseError = isCancellation(err)
      ? { type: FailureType.Aborted, message: `aborted by ${abortedBy?.by ?? 'workflow cancellation'}: ${abortedBy?.reason ?? 'cancelled'}` }
      : tracker.noteError(err);
    tracker.lastError = error;
    tracker.phase = 'Compensating';
    const { manualActions } = await saga.compensate((record) => tracker.compensations.push(record));
    for (const region of new Set(tracker.compensations.filter((c) => c.outcome !== 'failed').map((c) => c.region))) {
      tracker.region(region).state = 'rolled-back';
    }
    const undone = `${tracker.compensations.length} compensation(s) run`;
    if (manualActions.length > 0) {
      const manualAction = manualActions.join('; ');
      return await finish(tracker, input, 
        tracker.result('RollbackFailed', `rollback failed after ${error.type}: ${manualActions.length} compensation(s) failed; a person must: ${manualAction}`, { error, manualAction }),
      );
    }
    if (aborted) return await finish(tracker, input, tracker.result('Aborted', `${error.message}; ${undone}`, { error }));
    return await finish(tracker, input, tracker.result('RolledBack', `rolled back after ${error.type}: ${error.message}; ${undone}`, { error }));
  }
}

/**
 * Patch id guarding the alias undo in override regions: histories recorded before it treated an
 * override-by-copy region like one the release created (no alias undo, since deleting the function
 * would take the alias along), though its undo restores the code and leaves the function, and so
 * the alias the release created there, in place.
 */
export const OVERRIDE_ALIAS_UNDO_PATCH = 'override-alias-undo';

/**
 * Patch id guarding the verification check run alongside the preflight: histories recorded before it
 * ran checkVerification after the preflight (and not at all for a NoOp).
 */
export const CHECK_WITH_PREFLIGHT_PATCH = 'check-with-preflight';

/** Whether the release created the function in a region (CopyFunction into a region where it did not exist). */
function functionCreatedByRelease(action: RegionAction): boolean {
  if (action === 'override-by-copy') return !patched(OVERRIDE_ALIAS_UNDO_PATCH);
  return action === 'create-by-copy';
}

/**
 * Patch id guarding the instant rollback (input.aliasRollback, which only newer clients send): the
 * alias moves back to a version already holding the code, instead of a redeploy of the package.
 */
export const INSTANT_ROLLBACK_PATCH = 'instant-rollback';

/**
 * Patch id guarding the approval gate's timeout: histories recorded before it waited for the approve
 * signal forever (no timer); with it the gate waits `alias.approvalTimeoutSeconds` and then aborts.
 */
export const APPROVAL_TIMEOUT_PATCH = 'approval-timeout';

function isApprovalTimeout(err: unknown): boolean {
  return err instanceof ApplicationFailure && err.type === FailureType.ApprovalTimedOut;
}

/** Waits at the approval gate; past its timeout, throws ApprovalTimedOut (the release then aborts). */
async function awaitApproval(input: ReleaseInput, tracker: ReleaseTracker, approved: () => boolean): Promise<void> {
  if (!patched(APPROVAL_TIMEOUT_PATCH)) return void (await condition(approved));
  const seconds = input.alias?.approvalTimeoutSeconds ?? APPROVAL_TIMEOUT_DEFAULT_SECONDS;
  tracker.approvalDeadline = new Date(Date.now() + seconds * 1000).toISOString();
  try {
    if (!(await condition(approved, seconds * 1000))) {
      throw releaseFailure(
        FailureType.ApprovalTimedOut,
        `the approval timed out: nobody approved within ${formatDurationMs(seconds * 1000)} (alias.approvalTimeout), so the release was aborted`,
      );
    }
  } finally {
    tracker.approvalDeadline = undefined;
  }
}

/**
 * Patch id guarding the approval record: histories recorded before it kept only that an approve
 * signal came; with it the approver and the time go into the memo (one upsert) and the result.
 */
export const APPROVAL_RECORD_PATCH = 'approval-record';

function recordApproval(by: string): ApprovalRecord {
  const approval = { by, at: new Date().toISOString() };
  if (patched(APPROVAL_RECORD_PATCH)) upsertMemo({ approvedBy: approval.by, approvedAt: approval.at });
  return approval;
}

/** The approve update's validator: throws (the caller sees the reason) unless a gate waits, unopened. */
function refuseApproval(input: ReleaseInput, tracker: ReleaseTracker, by: string): void {
  if (!by.trim()) throw new Error('name who approves (--by or $SCF_RELEASE_USER)');
  if (!input.alias?.requireApproval) {
    throw new Error(`${input.releaseId} has no approval gate (its manifest does not set alias.requireApproval): there is nothing to approve`);
  }
  if (tracker.approval) throw new Error(`${input.releaseId} was already approved by ${tracker.approval.by} at ${tracker.approval.at}`);
  if (tracker.phase !== 'AwaitingApproval') {
    throw new Error(`${input.releaseId} is not waiting for approval (phase ${tracker.phase}); approve it once its progress says awaiting approval`);
  }
}

/**
 * Patch id guarding how a RollbackFailed release ends: histories recorded before it completed the
 * workflow (green in the UI's list); with it the workflow fails with RELEASE_NEEDS_A_PERSON carrying
 * the result, so a release a person must fix shows as failed at a glance.
 */
export const ROLLBACK_FAILED_FAILS_PATCH = 'rollback-failed-fails-workflow';

async function finish(tracker: ReleaseTracker, input: ReleaseInput, result: ReleaseResult): Promise<ReleaseResult> {
  const primary = result.regions[0];
  showEnded(result.status, result.summary, result.status === 'Succeeded' ? primary?.version : undefined);
  recordReleaseEnded(result.status);
  const sent = await notifyEvent(input, EVENT_OF_STATUS[result.status], result.summary, result.status);
  if (sent.length) result.notifications = [...tracker.notifications, ...sent];
  if (result.status === 'RollbackFailed' && patched(ROLLBACK_FAILED_FAILS_PATCH)) {
    throw ApplicationFailure.create({ type: RELEASE_NEEDS_A_PERSON, message: result.summary, nonRetryable: true, details: [result] });
  }
  return result;
}

async function runRelease({ input, tracker, saga, approved }: ReleaseRun): Promise<ReleaseResult> {
  const concurrency = input.regionConcurrency ?? DEFAULT_REGION_CONCURRENCY;
  const regions = releaseRegions(input);
  const [primaryRegion, ...targets] = regions;
  const sha = input.pkg.sha256;

  // The worker's own judgement of the cases (its environment, its pattern rule) runs alongside the
  // preflight: both only read, and neither result is used before both are in (one round trip less).
  const checking = patched(CHECK_WITH_PREFLIGHT_PATCH) ? checkVerificationFirst(input.verification) : undefined;
  checking?.catch(() => undefined); // awaited below, unless the release ends first (NoOp, preflight failure)

  // 1. Preflight: what is there now, everywhere (read-only).
  const inspections = new Map<string, RegionInspection>();
  await tracker.step('preflight', 'all', () =>
    forEachBounded(regions, concurrency, async (region) => {
      const inspection = await inspectRegion(functionRef(input, region), region === primaryRegion, input.alias?.name, { snapshot: true });
      inspections.set(region, inspection);
      const r = tracker.region(region);
      r.existedBefore = inspection.exists;
      r.action = regionAction(inspection, input.overrideExisting);
      if (inspection.currentSha256) r.previousSha256 = inspection.currentSha256;
      if (inspection.alias) r.aliasVersionBefore = inspection.alias.functionVersion;
      if (inspection.alias && inspection.alias.additionalVersionWeights.length > 0) {
        tracker.warnings.push(`alias ${input.alias!.name} in ${region} was already split: ${JSON.stringify(inspection.alias.additionalVersionWeights)}`);
      }
    }),
  );
  const primary = inspections.get(primaryRegion)!;
  if (!primary.exists || primary.status !== 'Active') {
    throw releaseFailure(
      FailureType.PrimaryNotReady,
      `${input.namespace}/${input.functionName} in the primary region ${primaryRegion} ${primary.exists ? `is ${primary.status}, not Active` : 'does not exist'}`,
    );
  }
  if (regions.every((region) => isLive(inspections.get(region)!, sha, input.alias?.name))) {
    for (const region of regions) {
      Object.assign(tracker.region(region), { action: 'no-op', state: 'done', codeSha256: sha, version: inspections.get(region)!.alias?.functionVersion });
    }
    return tracker.result('NoOp', `nothing to do: sha256 ${sha.slice(0, 12)} is already live in ${regions.join(', ')}`);
  }
  // Whatever only the worker can judge of the cases (its environment, its pattern rule), before any change.
  await tracker.step('check-verification', 'all', () => checking ?? checkVerificationFirst(input.verification));

  const deploy: DeployContext = {
    pkg: input.pkg,
    handler: input.handler,
    releaseId: input.releaseId,
    description: input.description,
    saga,
    step: tracker.step,
    onPublished: (region, version) => {
      tracker.versionsPublished.push({ region, version });
      tracker.region(region).version = version;
    },
  };

  // 2-4. Primary: update, publish, verify the new version.
  const primaryFn = functionRef(input, primaryRegion);
  const primaryResult = tracker.region(primaryRegion);
  primaryResult.state = 'running';
  tracker.phase = 'UpdatingPrimary';
  const { latestAfterUpdate } = await putCode({ fn: primaryFn, action: 'update-in-place', snapshot: primary.snapshot }, deploy);
  tracker.phase = 'Publishing';
  const { version, codeSha256, codeCheck } = await publishAndCheck({ fn: primaryFn, action: 'update-in-place' }, deploy, latestAfterUpdate);
  primaryResult.codeSha256 = codeSha256;
  primaryResult.codeCheck = codeCheck;
  tracker.phase = 'VerifyingPrimary';
  await tracker.step('verify-version', primaryRegion, () =>
    verifyQualifier(primaryFn, version, input.verification, (figures) => tracker.noteFigures(primaryRegion, figures)),
  );
  primaryResult.state = 'done';

  // 5. Targets: update in place or copy from the primary, publish, check the sha.
  tracker.phase = 'Replicating';
  await forEachBounded(targets, concurrency, async (region) => {
    const r = tracker.region(region);
    r.state = 'running';
    const action = r.action as RegionDeployment['action']; // never 'no-op' past the NoOp return above
    const deployed = await replicateRegion({ fn: functionRef(input, region), action, copySource: primaryFn, snapshot: inspections.get(region)!.snapshot }, deploy);
    r.codeSha256 = deployed.codeSha256;
    r.codeCheck = deployed.codeCheck;
    if (deployed.notCopied) r.notCopied = deployed.notCopied;
  });

  // 6. Verify every target the same way.
  tracker.phase = 'VerifyingRegions';
  await forEachBounded(targets, concurrency, async (region) => {
    const r = tracker.region(region);
    await tracker.step('verify-version', region, () =>
      verifyQualifier(functionRef(input, region), r.version!, input.verification, (figures) => tracker.noteFigures(region, figures)),
    );
    r.state = 'done';
  });

  // 7. Traffic, behind the approval gate when the manifest asks for one.
  if (input.alias) {
    if (input.alias.requireApproval) {
      tracker.phase = 'AwaitingApproval';
      const seconds = input.alias.approvalTimeoutSeconds ?? APPROVAL_TIMEOUT_DEFAULT_SECONDS;
      const waiting = `waits for approval (within ${formatDurationMs(seconds * 1000)}): scf-release approve ${input.releaseId}`;
      tracker.notifications.push(...(await notifyEvent(input, 'awaiting-approval', waiting)));
      await tracker.step('approval', 'all', () => awaitApproval(input, tracker, approved));
    }
    tracker.phase = 'ShiftingTraffic';
    await shiftTraffic(
      regions.map((region) => {
        const r = tracker.region(region);
        return {
          fn: functionRef(input, region),
          newVersion: r.version!,
          // Override-by-copy deleted the target's aliases along with its versions.
          before: r.action === 'update-in-place' ? (inspections.get(region)!.alias ?? null) : null,
          liveSha256: inspections.get(region)!.currentSha256,
          functionCreatedByRelease: functionCreatedByRelease(r.action),
        };
      }),
      {
        aliasName: input.alias.name,
        steps: input.alias.steps.length ? input.alias.steps : [{ percent: 100, bakeSeconds: 0 }],
        cases: input.verification,
        concurrency,
        saga,
        step: tracker.step,
        onPercent: (percent) => (tracker.trafficPercent = percent),
        onAlias: (region, alias, created) => tracker.noteAlias(region, alias, created),
        onFigures: (region, figures) => tracker.noteFigures(region, figures),
        ...(input.alias.gate && {
          gate: input.alias.gate,
          onGate: (region: string, record: GateRecord) => (tracker.region(region).gate ??= []).push(record),
          onGateStatus: (region: string, status: string) => tracker.noteGateStatus(region, status),
        }),
      },
    );
  }

  // 8. The primary's triggers in the regions the release created by copy (manifest replicateTriggers).
  if (input.replicateTriggers && patched(REPLICATE_TRIGGERS_PATCH)) {
    await replicateTriggersToCopies({
      primary: primaryFn,
      copies: targets.filter((region) => tracker.region(region).action === 'create-by-copy').map((region) => ({ fn: functionRef(input, region), result: tracker.region(region) })),
      option: input.replicateTriggers,
      releaseAlias: input.alias?.name,
      saga,
      step: tracker.step,
      concurrency,
    });
  }

  const versions = regions.map((region) => `${region}:${tracker.region(region).version}`).join(', ');
  if (input.kind === 'rollback') {
    const to = input.rollbackTo ? ` (${input.rollbackTo})` : '';
    return tracker.result('Succeeded', `rolled back ${input.namespace}/${input.functionName} to sha256 ${sha.slice(0, 12)}${to} by redeploying its package: ${versions}`);
  }
  return tracker.result('Succeeded', `released sha256 ${sha.slice(0, 12)} to ${input.namespace}/${input.functionName}: ${versions}`);
}
