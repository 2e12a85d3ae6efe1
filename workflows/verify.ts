/**
 * Verification: invoke a qualifier (a version or an alias) with each case and check its expectations.
 * A case whose expectations fail is a verification failure (`VerificationFailed`); an SCF error while
 * invoking fails the same way an activity does, keeping its Tencent code and RequestId.
 *
 * The expectations are judged in the verifyCase activity (activities/verification.ts): a user's
 * pattern or JSON subset never runs here, and the answer never enters history, only a verdict.
 */
import { patched } from '@temporalio/workflow';
import type { FunctionRef } from '../activities/contract';
import { firstBrokenExpectation, healthPart } from '../activities/verification-rules';
import { check, invoke } from './activity-profiles';
import type { VerificationCase } from './definitions';
import { FailureType, releaseFailure } from './failures';

export interface CaseFigure {
  case: string;
  passed: boolean;
  durationMs: number;
  detail?: string;
}

/**
 * Patch id guarding verification in an activity: histories recorded before it invoked with
 * invokeFunction and judged the whole answer here with a JavaScript RegExp. That path is kept for
 * them only, and must reach the verdicts they recorded: it judges with RE2 (re2js, pure JavaScript,
 * linear time) but without the new caps, and runs a pattern RE2 refuses (a lookaround) as the RegExp
 * it was (`legacy` in verification-rules.ts).
 */
export const VERIFY_IN_ACTIVITY_PATCH = 'verify-in-activity';

/**
 * Patch id guarding the worker-side check of the cases before anything changes (checkVerification):
 * histories recorded before it found an unset `${env:...}` variable or a refused pattern only when
 * verifying the first published version, after the update and publish.
 */
export const CHECK_VERIFICATION_FIRST_PATCH = 'check-verification-first';

/**
 * Fails as verifyCase would (`EventReferenceRefused`, `InvalidVerificationPattern`, naming the case
 * and the variable) when a worker cannot run one of `cases`; call it before the first change.
 */
export async function checkVerificationFirst(cases: readonly VerificationCase[]): Promise<void> {
  if (!patched(CHECK_VERIFICATION_FIRST_PATCH) || cases.length === 0) return;
  await check.checkVerification({ cases: [...cases] });
}

export interface VerifyOptions {
  /** Judge only each case's health part (InvokeResult, duration): through a split alias. */
  healthOnly?: boolean;
}

const withRequestId = (detail: string, functionRequestId: string) => `${detail} (FunctionRequestId: ${functionRequestId})`;

async function runCase(fn: FunctionRef, qualifier: string, c: VerificationCase, options: VerifyOptions): Promise<CaseFigure> {
  if (patched(VERIFY_IN_ACTIVITY_PATCH)) {
    const v = await invoke.verifyCase({ fn, qualifier, case: c, ...(options.healthOnly ? { healthOnly: true } : {}) });
    return { case: v.case, passed: v.passed, durationMs: v.durationMs, ...(v.detail ? { detail: withRequestId(v.detail, v.functionRequestId) } : {}) };
  }
  const judged = options.healthOnly ? healthPart(c) : c;
  const outcome = await invoke.invokeFunction({ fn, qualifier, event: c.event });
  const broken = firstBrokenExpectation(judged, outcome, { legacy: true });
  return {
    case: judged.name,
    passed: !broken,
    durationMs: outcome.durationMs,
    ...(broken ? { detail: withRequestId(broken, outcome.functionRequestId) } : {}),
  };
}

/** Invokes `qualifier` once per case, in order, and returns each case's figures (never throws on a broken expectation). */
async function runCases(fn: FunctionRef, qualifier: string, cases: readonly VerificationCase[], options: VerifyOptions): Promise<CaseFigure[]> {
  const figures: CaseFigure[] = [];
  for (const c of cases) figures.push(await runCase(fn, qualifier, c, options));
  return figures;
}

/** Fails with `VerificationFailed` naming the region, qualifier and the first broken case. */
function assertAllPassed(fn: FunctionRef, qualifier: string, figures: readonly CaseFigure[]): void {
  const failed = figures.find((f) => !f.passed);
  if (failed) {
    throw releaseFailure(
      FailureType.VerificationFailed,
      `verification case "${failed.case}" failed in ${fn.region} for ${fn.functionName}:${qualifier}: ${failed.detail}`,
      { region: fn.region, qualifier, case: failed.case },
    );
  }
}

/** runCases + assertAllPassed; `onFigures` records the figures before a failure is thrown. */
export async function verifyQualifier(
  fn: FunctionRef,
  qualifier: string,
  cases: readonly VerificationCase[],
  onFigures?: (figures: CaseFigure[]) => void,
  options: VerifyOptions = {},
): Promise<void> {
  const figures = await runCases(fn, qualifier, cases, options);
  onFigures?.(figures);
  assertAllPassed(fn, qualifier, figures);
}
