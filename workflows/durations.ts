/**
 * The one duration grammar of scf-release: the manifest (`bake`, `maxDuration`, `approvalTimeout`),
 * every CLI flag (`--since`, `--catchup-window`, `--jitter`) and every environment variable
 * (`SCF_RELEASE_SHUTDOWN_GRACE_TIME`, `SCF_REQUEST_TIMEOUT`) read durations through this module and
 * no other, so one text means one length of time everywhere. It lives beside definitions.ts because
 * workflows format durations too (the approval timeout), so it must stay pure and workflow-safe.
 *
 * Grammar: a number with a unit — `ms`, `s`, `m`, `h`, `d`, `w` — optionally several in a row
 * (`1h30m`, `2m30s`), or a **bare number, which is seconds** (`30` = `30s`; YAML's `bake: 30` too).
 * Decimals are fine (`1.5s`); signs, exponents and unit words (`5 seconds`) are not.
 */

const MS_PER_UNIT = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const NUMBER = '\\d+(?:\\.\\d+)?';
const PART = new RegExp(`(${NUMBER})\\s*(ms|s|m|h|d|w)`, 'g');
const WITH_UNITS = new RegExp(`^(?:${NUMBER}\\s*(?:ms|s|m|h|d|w)\\s*)+$`);
const BARE = new RegExp(`^${NUMBER}$`);
/** The grammar as one regular expression source (for the manifest's JSON Schema; a number is seconds too). */
export const DURATION_PATTERN = `^\\s*(?:${NUMBER}|(?:${NUMBER}\\s*(?:ms|s|m|h|d|w)\\s*)+)\\s*$`;

/** How the grammar reads, for error messages: say it the same way wherever a duration is refused. */
export const DURATION_GRAMMAR = 'a duration like 500ms, 30s, 5m, 1h30m, 2d (a bare number is seconds)';

/** Milliseconds (rounded to a whole ms), or undefined when the value is not a duration. */
export function parseDurationMs(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  const text = value.trim();
  let ms: number;
  if (BARE.test(text)) ms = Number(text) * 1000;
  else if (WITH_UNITS.test(text)) {
    ms = 0;
    for (const [, amount, unit] of text.matchAll(PART)) ms += Number(amount) * MS_PER_UNIT[unit as keyof typeof MS_PER_UNIT];
  } else return undefined;
  return Number.isSafeInteger(Math.round(ms)) ? Math.round(ms) : undefined;
}

/** Why a value is not a duration a field takes: callers word the unreadable case their own way. */
export type DurationProblemKind = 'unreadable' | 'too-long' | 'too-short';

/**
 * A duration within `[minMs, maxMs]`, or the reason it is not one and its kind (for the caller to put
 * after the field's or variable's name). The over-the-maximum message reminds that a bare number is
 * seconds: the usual way to get there is a count of milliseconds written without `ms`. `minMs` is for
 * fields where a shorter time cannot work (a 0 ms bound on an invocation fails every release).
 */
export function checkDuration(value: unknown, maxMs: number, minMs = 0): { ms: number } | { problem: string; kind: DurationProblemKind } {
  const ms = typeof value === 'number' || typeof value === 'string' ? parseDurationMs(value) : undefined;
  if (ms === undefined) return { kind: 'unreadable', problem: `"${String(value)}" is not a duration; write ${DURATION_GRAMMAR}` };
  if (ms > maxMs) {
    return {
      kind: 'too-long',
      problem: `is ${formatDurationMs(ms)}, more than the maximum ${formatDurationMs(maxMs)} (a bare number is seconds; write e.g. 500ms for milliseconds)`,
    };
  }
  if (ms < minMs) return { kind: 'too-short', problem: `is ${formatDurationMs(ms)}, less than the minimum ${formatDurationMs(minMs)}` };
  return { ms };
}

/** `90_000` → `1m30s`, `1500` → `1.5s`, `0` → `0s`: the grammar's own spelling, for messages and summaries. */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10}s`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, seconds] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= seconds) {
      parts.push(`${Math.floor(rest / seconds)}${unit}`);
      rest %= seconds;
    }
  }
  return parts.join('');
}
