/**
 * The rules of a verification case, as plain functions with no I/O: the limits, the pattern check
 * (RE2 semantics, linear time, via re2js), the JSON-subset check, the health part of a case and the
 * `${env:NAME}` reference grammar of events.
 *
 * One module for every side: the verifyCase and checkVerification activities judge and check with
 * it (activities/verification.ts), the client checks a manifest with the same rules before start
 * (`checkPattern` in client/manifest/schema.ts, `EVENT_ENV_REFERENCE` and `eventEnvNameProblem` in
 * client/manifest/env-references.ts), and the legacy in-workflow path of histories recorded before
 * `verify-in-activity` (workflows/verify.ts) judges with it too (`legacy`), so nothing here may touch
 * Node built-ins, clocks or randomness (re2js is pure JavaScript and bundles into workflows).
 */
import { RE2JS } from 're2js';
import type { VerificationCase } from '../workflows/definitions';

/** Longest `retMsgPattern` accepted, in characters. */
export const MAX_PATTERN_LENGTH = 512;
/**
 * Largest compiled pattern accepted (RE2 program instructions). RE2 matches in time proportional to
 * program size × text length; with MAX_EXAMINED_CHARS this bounds a match to about a second.
 */
export const MAX_PATTERN_PROGRAM_SIZE = 400;
/** Longest RetMsg the content expectations (JSON subset, pattern) examine; a longer answer fails them. */
export const MAX_EXAMINED_CHARS = 512 * 1024;
/** How much of RetMsg / ErrMsg a detail quotes. */
export const EXCERPT_CHARS = 200;

/** The pattern compiled with RE2 semantics, or why it is refused. */
export function compilePattern(pattern: string): { re: RE2JS } | { problem: string } {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { problem: `is ${pattern.length} characters long, more than ${MAX_PATTERN_LENGTH}; shorten it` };
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    return {
      problem:
        `is not a pattern RE2 accepts (${(err as Error).message}); verification patterns use RE2 syntax ` +
        '(https://github.com/google/re2/wiki/Syntax): no backreferences or lookarounds',
    };
  }
  const size = re.programSize();
  if (size > MAX_PATTERN_PROGRAM_SIZE) {
    return { problem: `compiles to ${size} RE2 instructions, more than ${MAX_PATTERN_PROGRAM_SIZE}; simplify it (fewer or smaller repeats)` };
  }
  return { re };
}

/** Why `pattern` cannot be a `retMsgPattern`, in words (to follow the field's name); undefined when it can. */
export function checkPattern(pattern: string): string | undefined {
  const compiled = compilePattern(pattern);
  return 'problem' in compiled ? compiled.problem : undefined;
}

/** Whether `actual` contains `expected`: objects key by key (recursively), arrays element by element. */
export function containsSubset(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return Object.is(actual, expected);
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.every((item, i) => containsSubset(actual[i], item));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
  return Object.entries(expected).every(([key, value]) => containsSubset((actual as Record<string, unknown>)[key], value));
}

/**
 * The health part of a case: InvokeResult and duration, without the content expectations. Used
 * through a split alias, where a share of calls is served by the previous version, whose answers may
 * rightly differ from the new version's.
 */
/** How a health part's name ends: `greets (health)`. The client counts such figures as bake probes. */
export const HEALTH_PART_SUFFIX = ' (health)';

export function healthPart(c: VerificationCase): VerificationCase {
  const { invokeResult, maxDurationMs } = c.expect;
  return {
    name: `${c.name}${HEALTH_PART_SUFFIX}`,
    event: c.event,
    expect: { ...(invokeResult !== undefined && { invokeResult }), ...(maxDurationMs !== undefined && { maxDurationMs }) },
  };
}

/** What the judge reads of an invocation. */
export interface InvocationView {
  invokeResult: number;
  retMsg: string;
  errMsg: string;
  durationMs: number;
  /** Set when `retMsg` is only the first part of the answer (the legacy invokeFunction caps it). */
  retMsgTruncatedFrom?: number;
}

export interface JudgeOptions {
  /** How a detail quotes RetMsg / ErrMsg; default: their first 200 characters. */
  excerpt?: (text: string) => string;
  /**
   * Judge as histories recorded before `verify-in-activity` did, so that replaying them reaches the
   * verdicts they recorded: no pattern or examined-size caps, and a pattern RE2 refuses (a lookaround,
   * a backreference) is run as the JavaScript RegExp they ran. Only workflows/verify.ts's legacy path.
   */
  legacy?: boolean;
}

/** Whether `pattern` matches `text` as the legacy judge decides: RE2 without the caps, else a JavaScript RegExp. */
function legacyMatches(pattern: string, text: string): boolean {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch {
    return new RegExp(pattern).test(text);
  }
  return re.test(text);
}

const firstChars = (text: string) => text.slice(0, EXCERPT_CHARS);

/** The first expectation `outcome` breaks, in words; undefined when it meets them all. */
export function firstBrokenExpectation(c: VerificationCase, outcome: InvocationView, options: JudgeOptions = {}): string | undefined {
  const excerpt = options.excerpt ?? firstChars;
  const { expect } = c;
  const wantedResult = expect.invokeResult ?? 0;
  if (outcome.invokeResult !== wantedResult) {
    return `InvokeResult ${outcome.invokeResult}, expected ${wantedResult}${outcome.errMsg ? `: ${excerpt(outcome.errMsg)}` : ''}`;
  }
  const examinesContent = expect.retMsgJsonSubset !== undefined || expect.retMsgPattern !== undefined;
  if (examinesContent && outcome.retMsgTruncatedFrom !== undefined) {
    return `RetMsg reached the workflow cut to ${outcome.retMsg.length} of ${outcome.retMsgTruncatedFrom} characters, so its content cannot be judged; re-run the release`;
  }
  if (examinesContent && !options.legacy && outcome.retMsg.length > MAX_EXAMINED_CHARS) {
    return `RetMsg is ${outcome.retMsg.length} characters, more than the ${MAX_EXAMINED_CHARS} a content expectation examines; answer less to this case or check only invokeResult and maxDuration`;
  }
  if (expect.retMsgJsonSubset !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(outcome.retMsg);
    } catch {
      return `RetMsg is not JSON: ${excerpt(outcome.retMsg)}`;
    }
    if (!containsSubset(parsed, expect.retMsgJsonSubset)) {
      return `RetMsg ${excerpt(outcome.retMsg)} does not contain ${firstChars(JSON.stringify(expect.retMsgJsonSubset))}`;
    }
  }
  if (expect.retMsgPattern !== undefined) {
    let matched: boolean;
    if (options.legacy) matched = legacyMatches(expect.retMsgPattern, outcome.retMsg);
    else {
      const compiled = compilePattern(expect.retMsgPattern);
      if ('problem' in compiled) return `retMsgPattern ${compiled.problem}`;
      matched = compiled.re.test(outcome.retMsg);
    }
    if (!matched) return `RetMsg ${excerpt(outcome.retMsg)} does not match /${firstChars(expect.retMsgPattern)}/`;
  }
  if (expect.maxDurationMs !== undefined && outcome.durationMs > expect.maxDurationMs) {
    return `took ${outcome.durationMs} ms, more than ${expect.maxDurationMs} ms`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// `${env:NAME}` references in a verification event.
// ---------------------------------------------------------------------------------------------

/**
 * A reference to a worker environment variable inside an event: `${env:NAME}`, written inside a JSON
 * string of the event. Resolved by the verifyCase activity (never in history); group 1 is the name.
 * Global: use it with `String.prototype.replace`/`matchAll`, not `test`.
 */
export const EVENT_ENV_REFERENCE = /\$\{env:([^}]*)\}/g;

/** The names an event may reference: only these reach a function, so no worker secret can. */
export const EVENT_ENV_NAME = /^SCF_EVENT_[A-Z0-9_]+$/;

/** Why an event may not reference `name`, in words; undefined when it may. */
export function eventEnvNameProblem(name: string): string | undefined {
  if (EVENT_ENV_NAME.test(name)) return undefined;
  return (
    `\${env:${name}} is refused: it names ${JSON.stringify(name)}, and an event may reference only worker variables named ` +
    `SCF_EVENT_<NAME> (capitals, digits, _), e.g. \${env:SCF_EVENT_API_TOKEN}; set such a variable on the workers to the value the function should get, and reference it`
  );
}
