/**
 * Turning whatever a step threw into a ReleaseError that keeps the Tencent error code and RequestId,
 * and the workflow's own failure types.
 */
import { ApplicationFailure, isCancellation, TemporalFailure } from '@temporalio/workflow';
import { RELEASE_NEEDS_A_PERSON, type ReleaseError, type ReleaseResult } from './definitions';

/** Our own failure types (Tencent codes are passed through as they are). */
export const FailureType = {
  PrimaryNotReady: 'PrimaryNotReady',
  VerificationFailed: 'VerificationFailed',
  CodeSha256Mismatch: 'CodeSha256Mismatch',
  Aborted: 'Aborted',
  /** Nobody approved within the approval gate's timeout: the release aborts and compensates. */
  ApprovalTimedOut: 'ApprovalTimedOut',
} as const;

/**
 * The result a RollbackFailed release failed its workflow with (RELEASE_NEEDS_A_PERSON, the whole
 * ReleaseResult as the failure's details), under any wrapping: a parent's ChildWorkflowFailure, a
 * client's WorkflowFailedError. Undefined for any other failure.
 */
export function releaseResultOfFailure(err: unknown): ReleaseResult | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ApplicationFailure && e.type === RELEASE_NEEDS_A_PERSON) return e.details?.[0] as ReleaseResult | undefined;
  }
  return undefined;
}

const REQUEST_ID_IN_MESSAGE = /RequestId:\s*([A-Za-z0-9-]+)/;

/** The innermost failure with a type: an activity's ApplicationFailure under its ActivityFailure. */
function innermostApplicationFailure(err: unknown): ApplicationFailure | undefined {
  let found: ApplicationFailure | undefined;
  for (let e: unknown = err; e instanceof Error; e = (e as Error).cause) {
    if (e instanceof ApplicationFailure) found = e;
    if (!(e instanceof TemporalFailure)) break;
  }
  return found;
}

export function toReleaseError(err: unknown, region?: string): ReleaseError {
  if (isCancellation(err)) return { type: FailureType.Aborted, message: 'the release was aborted', region };
  const app = innermostApplicationFailure(err);
  const source = app ?? (err instanceof Error ? err : undefined);
  const message = source?.message ?? String(err);
  const details = (app?.details?.[0] ?? {}) as { requestId?: unknown; region?: unknown };
  // The activities put `requestId: null` in the details when SCF sent none, and `(RequestId: none)` in the message.
  const requestId = typeof details.requestId === 'string' ? details.requestId : message.match(REQUEST_ID_IN_MESSAGE)?.[1];
  const type = app?.type ?? (err instanceof Error ? (err.cause as Error | undefined)?.name ?? err.name : 'Error');
  const where = region ?? (typeof details.region === 'string' ? details.region : undefined);
  return {
    type,
    message,
    ...(requestId && requestId !== 'none' ? { requestId } : {}),
    ...(where ? { region: where } : {}),
  };
}

/** A failure of ours that a retry cannot fix (verification, sha mismatch, preflight). */
export function releaseFailure(type: string, message: string, details?: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: details ? [details] : undefined });
}
