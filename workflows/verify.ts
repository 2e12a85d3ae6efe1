/**
 * Verification: invoke a qualifier (a version or an alias) with each case and check its expectations.
 * A case whose expectations fail is a verification failure (`VerificationFailed`); an SCF error while
 * invoking fails the same way an activity does, keeping its Tencent code and RequestId.
 */
import type { FunctionRef, InvokeOutcome } from '../activities/contract';
import { invoke } from './activity-profiles';
import type { VerificationCase } from './definitions';
import { FailureType, releaseFailure } from './failures';

export interface CaseFigure {
  case: string;
  passed: boolean;
  durationMs: number;
  detail?: string;
}

/** Whether `actual` contains `expected`: objects key by key (recursively), arrays element by element. */
function containsSubset(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return Object.is(actual, expected);
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.every((item, i) => containsSubset(actual[i], item));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
  return Object.entries(expected).every(([key, value]) => containsSubset((actual as Record<string, unknown>)[key], value));
}

/** The first expectation `outcome` breaks, in words; undefined when it meets them all. */
function firstBrokenExpectation(c: VerificationCase, outcome: InvokeOutcome): string | undefined {
  const { expect } = c;
  const wantedResult = expect.invokeResult ?? 0;
  if (outcome.invokeResult !== wantedResult) {
    return `InvokeResult ${outcome.invokeResult}, expected ${wantedResult}${outcome.errMsg ? `: ${outcome.errMsg}` : ''}`;
  }
  if (expect.retMsgJsonSubset !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(outcome.retMsg);
    } catch {
      return `RetMsg is not JSON: ${outcome.retMsg.slice(0, 200)}`;
    }
    if (!containsSubset(parsed, expect.retMsgJsonSubset)) {
      return `RetMsg ${outcome.retMsg.slice(0, 200)} does not contain ${JSON.stringify(expect.retMsgJsonSubset)}`;
    }
  }
  if (expect.retMsgPattern !== undefined && !new RegExp(expect.retMsgPattern).test(outcome.retMsg)) {
    return `RetMsg ${outcome.retMsg.slice(0, 200)} does not match /${expect.retMsgPattern}/`;
  }
  if (expect.maxDurationMs !== undefined && outcome.durationMs > expect.maxDurationMs) {
    return `took ${outcome.durationMs} ms, more than ${expect.maxDurationMs} ms`;
  }
  return undefined;
}

/** Invokes `qualifier` once per case, in order, and returns each case's figures (never throws on a broken expectation). */
async function runCases(fn: FunctionRef, qualifier: string, cases: readonly VerificationCase[]): Promise<CaseFigure[]> {
  const figures: CaseFigure[] = [];
  for (const c of cases) {
    const outcome = await invoke.invokeFunction({ fn, qualifier, event: c.event });
    const broken = firstBrokenExpectation(c, outcome);
    figures.push({
      case: c.name,
      passed: !broken,
      durationMs: outcome.durationMs,
      ...(broken ? { detail: `${broken} (FunctionRequestId: ${outcome.functionRequestId})` } : {}),
    });
  }
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
): Promise<void> {
  const figures = await runCases(fn, qualifier, cases);
  onFigures?.(figures);
  assertAllPassed(fn, qualifier, figures);
}

/**
 * The health part of a case: InvokeResult and duration, without the content expectations. Used
 * through a split alias, where a share of calls is served by the previous version, whose answers may
 * rightly differ from the new version's.
 */
export function healthOnly(c: VerificationCase): VerificationCase {
  const { invokeResult, maxDurationMs } = c.expect;
  return {
    name: `${c.name} (health)`,
    event: c.event,
    expect: { ...(invokeResult !== undefined && { invokeResult }), ...(maxDurationMs !== undefined && { maxDurationMs }) },
  };
}
