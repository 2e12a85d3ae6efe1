/**
 * A burst of SCF calls well above an action's per-second limit, three ways, against the simulator's
 * real per-account, per-action limits (fixed one-second windows):
 *   raw       the SDK client, all calls at once, no limiter, no retry: how many are refused;
 *   naive     the same, each throttled call retried at once until it succeeds: how many calls are wasted;
 *   limited   the activities (token bucket at 0.9× the documented limit, slowdown on throttle, backoff).
 * Counts come from the simulator's request log (what SCF would have seen), not from the client.
 */
import { RateLimiter } from '../activities/rate-limiter';
import type { RequestLogEntry } from '../simulator';
import { benchActivities, errorCode, isThrottle, NAMESPACE, rawClient, REGION } from './clients';
import type { BenchSimulator } from './sim';
import { median, round, startOfNextWindow } from './util';

export type BurstAction = 'GetFunctionAddress' | 'GetFunction' | 'PublishVersion';
export type Way = 'raw' | 'naive-retry' | 'activities';
export const WAYS: readonly Way[] = ['raw', 'naive-retry', 'activities'];

export interface BurstScenario {
  name: string;
  action: BurstAction;
  /** Calls in the burst. */
  calls: number;
  /** Functions the calls are spread over (round robin). PublishVersion: one call per function. */
  functions: number;
  /** The documented per-second limit: what the limiter is configured with. */
  limit: number;
  /**
   * What the simulator enforces when it differs from `limit` (another caller using part of the
   * account's quota): exercises the limiter's slowdown. Ratios are against this one.
   */
  enforcedLimit?: number;
}

export const enforced = (s: BurstScenario) => s.enforcedLimit ?? s.limit;

export interface WayResult {
  scenario: string;
  action: BurstAction;
  way: Way;
  calls: number;
  /** The limit the simulator enforced (ratios are against it). */
  limit: number;
  /** The limit the activities' limiter was configured with. */
  limiterConfiguredLimit: number;
  wallMs: number;
  /** Logical calls that ended in success. */
  succeeded: number;
  /** Logical calls that failed (raw: throttled; naive: gave up after the attempt cap). */
  failed: number;
  /** Requests of `action` that reached SCF (the simulator's log). */
  scfCalls: number;
  scfOk: number;
  scfThrottled: number;
  /** Other actions the way made (activities' publishVersion lists versions first). */
  otherScfCalls: Record<string, number>;
  throttledShare: number;
  scfCallsPerSuccess: number | null;
  /** Successes per second / documented limit; null when not every call succeeded. */
  rateVsLimit: number | null;
  /** Median OK answers per full one-second window of the burst / limit (null when no full window). */
  sustainedVsLimit: number | null;
  /** Busiest one-second window of the simulator for `action`: OK answers in it / limit. */
  peakWindowOkVsLimit: number;
  /**
   * The least wall time any client can take against fixed one-second windows when starting 20 ms into
   * one: `ceil(calls / limit) − 1` windows later, minus those 20 ms.
   */
  fixedWindowMinimumS: number;
  limiter?: { throttles: number; finalRate: number; baseRate: number };
}

/** Immediate retries of one call before the naive way gives up (a safety cap, not a policy). */
const NAIVE_MAX_ATTEMPTS = 5000;

function requestFor(action: BurstAction, functionName: string, tag: string): Record<string, unknown> {
  const base = { FunctionName: functionName, Namespace: NAMESPACE };
  return action === 'PublishVersion' ? { ...base, Description: `[scf-release:${tag}] bench` } : base;
}

export function functionNames(s: BurstScenario): string[] {
  return Array.from({ length: s.functions }, (_, i) => `bench-${s.name}-${i}`);
}

async function runWay(sim: BenchSimulator, s: BurstScenario, way: Way): Promise<WayResult> {
  const names = functionNames(s);
  const fnAt = (i: number) => names[i % names.length]!;
  const limiter = way === 'activities' ? new RateLimiter() : undefined;
  const acts = way === 'activities' ? benchActivities(sim.endpoint, limiter) : undefined;
  const client = rawClient(sim.endpoint);
  let succeeded = 0;
  let failed = 0;

  const one = async (i: number): Promise<void> => {
    const name = fnAt(i);
    const tag = `bench-${way}-${i}`;
    if (acts) {
      const fn = { region: REGION, namespace: NAMESPACE, functionName: name };
      if (s.action === 'GetFunctionAddress') await acts.activities.getFunctionAddress({ fn });
      else if (s.action === 'GetFunction') await acts.activities.getFunction({ fn });
      else await acts.activities.publishVersion({ fn, releaseId: tag });
      return;
    }
    const req = requestFor(s.action, name, tag);
    for (let attempt = 1; ; attempt++) {
      try {
        await client.request(s.action, req);
        return;
      } catch (err) {
        if (way === 'naive-retry' && isThrottle(errorCode(err)) && attempt < NAIVE_MAX_ATTEMPTS) continue;
        throw err;
      }
    }
  };

  await sim.clearRequestLog();
  await startOfNextWindow();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: s.calls }, (_, i) =>
      one(i).then(
        () => void (succeeded += 1),
        () => void (failed += 1),
      ),
    ),
  );
  const wallMs = performance.now() - started;
  const windows = { first: Math.floor((Date.now() - wallMs) / 1000), last: Math.floor(Date.now() / 1000) };
  const log = await sim.requestLog();
  acts?.dispose();
  return summarize(s, way, wallMs, windows, succeeded, failed, log, limiter);
}

/** What the simulator's request log says about one action of a burst (the table's SCF columns). */
export interface ActionLogStats {
  /** Requests of `action` that reached SCF. */
  scfCalls: number;
  scfOk: number;
  scfThrottled: number;
  /** Other actions in the log (activities' publishVersion lists versions first). */
  otherScfCalls: Record<string, number>;
  /** Of those, the throttled answers. */
  otherScfThrottled: Record<string, number>;
  throttledShare: number;
  scfCallsPerSuccess: number | null;
  /** Median OK answers per full one-second window between `windows.first` and `windows.last` / limit. */
  sustainedVsLimit: number | null;
  peakWindowOkVsLimit: number;
}

/**
 * The SCF columns from the simulator's request log: `windows` are the one-second windows (epoch
 * seconds) the burst started and ended in; only the windows strictly between them are full.
 */
export function actionLogStats(log: RequestLogEntry[], action: string, limit: number, windows: { first: number; last: number }): ActionLogStats {
  const mine = log.filter((e) => e.action === action);
  const scfOk = mine.filter((e) => e.outcome === 'OK').length;
  const scfThrottled = mine.filter((e) => isThrottle(e.outcome)).length;
  const otherScfCalls: Record<string, number> = {};
  const otherScfThrottled: Record<string, number> = {};
  for (const e of log) {
    if (e.action === action) continue;
    otherScfCalls[e.action] = (otherScfCalls[e.action] ?? 0) + 1;
    if (isThrottle(e.outcome)) otherScfThrottled[e.action] = (otherScfThrottled[e.action] ?? 0) + 1;
  }
  const okPerWindow = new Map<number, number>();
  for (const e of mine) {
    if (e.outcome !== 'OK') continue;
    const w = Math.floor(Date.parse(e.time) / 1000);
    okPerWindow.set(w, (okPerWindow.get(w) ?? 0) + 1);
  }
  const full: number[] = [];
  for (let w = windows.first + 1; w < windows.last; w++) full.push(okPerWindow.get(w) ?? 0);
  return {
    scfCalls: mine.length,
    scfOk,
    scfThrottled,
    otherScfCalls,
    otherScfThrottled,
    throttledShare: mine.length ? round(scfThrottled / mine.length, 4) : 0,
    scfCallsPerSuccess: scfOk ? round(mine.length / scfOk, 3) : null,
    sustainedVsLimit: full.length ? round(median(full) / limit, 3) : null,
    peakWindowOkVsLimit: round(Math.max(0, ...okPerWindow.values()) / limit, 3),
  };
}

/** The least wall time against fixed one-second windows, starting 20 ms into one (see WayResult). */
export const fixedWindowMinimumS = (calls: number, limit: number) => round(Math.max(0, Math.ceil(calls / limit) - 1 - 0.02), 2);

function summarize(
  s: BurstScenario,
  way: Way,
  wallMs: number,
  windows: { first: number; last: number },
  succeeded: number,
  failed: number,
  log: RequestLogEntry[],
  limiter: RateLimiter | undefined,
): WayResult {
  const { otherScfThrottled: _, ...fromLog } = actionLogStats(log, s.action, enforced(s), windows);
  const stats = limiter?.stats('bench', s.action);
  return {
    scenario: s.name,
    action: s.action,
    way,
    calls: s.calls,
    limit: enforced(s),
    limiterConfiguredLimit: s.limit,
    wallMs: round(wallMs, 1),
    succeeded,
    failed,
    scfCalls: fromLog.scfCalls,
    scfOk: fromLog.scfOk,
    scfThrottled: fromLog.scfThrottled,
    otherScfCalls: fromLog.otherScfCalls,
    throttledShare: fromLog.throttledShare,
    scfCallsPerSuccess: fromLog.scfCallsPerSuccess,
    rateVsLimit: failed === 0 ? round(succeeded / (wallMs / 1000) / enforced(s), 3) : null,
    sustainedVsLimit: fromLog.sustainedVsLimit,
    peakWindowOkVsLimit: fromLog.peakWindowOkVsLimit,
    fixedWindowMinimumS: fixedWindowMinimumS(s.calls, enforced(s)),
    limiter: stats ? { throttles: stats.throttles, finalRate: round(stats.rate, 2), baseRate: round(stats.baseRate, 2) } : undefined,
  };
}

/** Seeds the scenario's functions, then runs the three ways one after the other. */
export async function runBurst(sim: BenchSimulator, s: BurstScenario, log: (line: string) => void): Promise<WayResult[]> {
  for (const name of functionNames(s)) await sim.seedFunction(name, REGION);
  if (s.enforcedLimit !== undefined) await sim.setRateLimits({ [s.action]: s.enforcedLimit });
  try {
    const out: WayResult[] = [];
    for (const way of WAYS) {
      const r = await runWay(sim, s, way);
      log(
        `  ${s.name} ${way}: ${r.wallMs} ms, ${r.succeeded}/${r.calls} ok, ${r.scfCalls} SCF calls, ` +
          `${r.scfThrottled} throttled${r.limiter ? `, limiter throttles ${r.limiter.throttles}, rate ${r.limiter.finalRate}/${r.limiter.baseRate}` : ''}`,
      );
      out.push(r);
    }
    return out;
  } finally {
    if (s.enforcedLimit !== undefined) await sim.setRateLimits({ [s.action]: s.limit });
  }
}
