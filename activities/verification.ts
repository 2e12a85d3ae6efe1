/**
 * The verifyCase activity: invoke a qualifier with a case's event and judge its expectations here,
 * in the worker, never in workflow code (a user's pattern is untrusted code, and the answer may be
 * megabytes). The workflow gets a verdict: figures and a detail of at most 1 KB, scrubbed of
 * credentials (activities/credentials.ts), signed URLs' queries and the values of `${env:...}`
 * references (the workflow adds the FunctionRequestId after it).
 *
 * Failures (non-retryable, naming the case): `InvalidVerificationPattern` for a pattern RE2 refuses
 * or that is too big; `EventReferenceRefused` for an `${env:NAME}` whose name is not SCF_EVENT_* or
 * that the worker does not have. Both are raised before the function is invoked, and by the
 * checkVerification activity, which a release runs in preflight so that such a case ends it before
 * anything changed.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { VerificationCase } from '../workflows/definitions';
import type { CaseVerdict, CheckVerificationInput, InvokeInput, InvokeOutcome, VerifyCaseInput } from './contract';
import { HIDDEN, scrubSecrets } from './credentials';
import { checkPattern, EVENT_ENV_REFERENCE, EXCERPT_CHARS, eventEnvNameProblem, firstBrokenExpectation, healthPart } from './verification-rules';

/** Longest detail a verdict carries, in UTF-8 bytes. */
export const MAX_DETAIL_BYTES = 1024;
/**
 * How much of RetMsg / ErrMsg is scrubbed before an excerpt is cut from it: a credential that
 * straddles the cut is whole when scrubbed, so no prefix of it is quoted. Keeps the scrub short.
 */
const SCRUB_WINDOW_CHARS = 4096;

export interface VerificationDeps {
  /** InvokeFunction, returning the whole answer (it stays in the activity). */
  invoke(input: InvokeInput): Promise<InvokeOutcome>;
  /** Where `${env:SCF_EVENT_...}` references are read: the worker's environment. */
  env: Readonly<Record<string, string | undefined>>;
}

/** How a JSON text carries `value` inside a string (what an echoing function puts in its answer). */
const jsonStringContent = (value: string) => JSON.stringify(value).slice(1, -1);

/**
 * The event with every `${env:NAME}` replaced by the worker's value (JSON-escaped: a reference sits
 * inside a JSON string), and the values, to keep them out of what leaves the activity.
 */
export function resolveEventReferences(
  event: string,
  env: Readonly<Record<string, string | undefined>>,
  caseName: string,
): { event: string; values: string[] } {
  const values: string[] = [];
  const resolved = event.replace(EVENT_ENV_REFERENCE, (_match, name: string) => {
    const refused = eventEnvNameProblem(name);
    const value = refused ? undefined : env[name];
    if (refused || value === undefined) {
      throw ApplicationFailure.create({
        type: 'EventReferenceRefused',
        nonRetryable: true,
        message:
          `verification case "${caseName}": ` +
          (refused ?? `\${env:${name}} is not set on this worker; set ${name} in the environment of every worker (they all must have it) and restart them`),
        details: [{ case: caseName, variable: name }],
      });
    }
    values.push(value);
    return jsonStringContent(value);
  });
  return { event: resolved, values };
}

/** `text` with each of `hidden` (and its JSON-escaped form) replaced by `***`. Linear in the text. */
function hideValues(text: string, hidden: readonly string[]): string {
  let out = text;
  for (const value of hidden) {
    if (!value) continue;
    for (const form of new Set([value, jsonStringContent(value)])) out = out.split(form).join(HIDDEN);
  }
  return out;
}

/** A URL's query (signed URLs carry their signature there). */
const URL_QUERY = /(\bhttps?:\/\/[^\s"'?#<>]+)\?[^\s"'<>]*/gi;

/**
 * A detail safe to record: `hidden` values replaced, credentials scrubbed (activities/credentials.ts),
 * URL queries dropped, cut to MAX_DETAIL_BYTES. Meant for short text (a detail is built from
 * excerpts): the patterns here run on at most a few KB.
 */
export function scrubDetail(text: string, hidden: readonly string[] = []): string {
  const scrubbed = scrubSecrets(hideValues(text, hidden)).replace(URL_QUERY, `$1?${HIDDEN}`);
  return cutToBytes(scrubbed, MAX_DETAIL_BYTES);
}

function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const marker = '…';
  let cut = Buffer.from(text).subarray(0, maxBytes - Buffer.byteLength(marker)).toString('utf8');
  // A multi-byte character cut in half decodes as U+FFFD: drop it.
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return cut + marker;
}

/** Fails non-retryably (`InvalidVerificationPattern`, naming the case) when the case's pattern is refused. */
function refuseBadPattern(c: VerificationCase): void {
  if (c.expect.retMsgPattern === undefined) return;
  const problem = checkPattern(c.expect.retMsgPattern);
  if (problem) {
    throw ApplicationFailure.create({
      type: 'InvalidVerificationPattern',
      nonRetryable: true,
      message: `verification case "${c.name}": retMsgPattern ${problem}`,
      details: [{ case: c.name }],
    });
  }
}

/**
 * The checkVerification activity: every check verifyCase makes before it invokes (each pattern, each
 * `${env:...}` reference against this worker's environment), for all cases, failing as verifyCase
 * would. No SCF call; the resolved values are dropped here, never returned or logged.
 */
export function createCheckVerification(deps: Pick<VerificationDeps, 'env'>): (input: CheckVerificationInput) => Promise<void> {
  return async function checkVerification({ cases }) {
    for (const c of cases) {
      refuseBadPattern(c);
      resolveEventReferences(c.event, deps.env, c.name);
    }
  };
}

export function createVerifyCase(deps: VerificationDeps): (input: VerifyCaseInput) => Promise<CaseVerdict> {
  return async function verifyCase(input) {
    const c = input.healthOnly ? healthPart(input.case) : input.case;
    refuseBadPattern(c);
    const { event, values } = resolveEventReferences(c.event, deps.env, c.name);
    let outcome: InvokeOutcome;
    try {
      outcome = await deps.invoke({ fn: input.fn, qualifier: input.qualifier, event });
    } catch (err) {
      throw withoutValues(err, values);
    }
    // Values are hidden in the whole text, and credentials scrubbed in a window of it, before a detail
    // quotes part of it: a cut must not leave half a value or the prefix of a credential.
    const excerpt = (text: string) => scrubSecrets(hideValues(text, values).slice(0, SCRUB_WINDOW_CHARS)).slice(0, EXCERPT_CHARS);
    const broken = firstBrokenExpectation(c, outcome, { excerpt });
    return {
      case: c.name,
      passed: !broken,
      durationMs: outcome.durationMs,
      memUsage: outcome.memUsage,
      invokeResult: outcome.invokeResult,
      functionRequestId: outcome.functionRequestId,
      ...(broken ? { detail: scrubDetail(broken, values) } : {}),
    };
  };
}

/** An SCF failure whose message quotes a resolved value (the event) must not carry it into history. */
function withoutValues(err: unknown, values: readonly string[]): unknown {
  if (!(err instanceof ApplicationFailure) || values.length === 0) return err;
  const message = hideValues(err.message, values);
  if (message === err.message) return err;
  return ApplicationFailure.create({
    type: err.type ?? undefined,
    message,
    nonRetryable: err.nonRetryable ?? undefined,
    details: err.details as unknown[] | undefined,
    nextRetryDelay: err.nextRetryDelay ?? undefined,
  });
}
