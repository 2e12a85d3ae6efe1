/**
 * The metrics gate of a canary step: after the bake, each region's new version is judged by its real
 * traffic as Cloud Monitor counts it (readMonitorData: Invocation, Error, Duration of QCE/SCF_V2 for
 * that version), not by the release's own probes. A breach fails the release (MetricsGateBreached,
 * with the figures), so the Saga moves the alias back; too little traffic is inconclusive and, as the
 * manifest says, waits (up to maxWaits more periods), passes or fails.
 *
 * Real SCF periods are 60 s (or 300 s) and Cloud Monitor reports a period once it has ended: the
 * window runs from the step's start (aligned down to a period) to the end of the last whole period.
 */
import { patched, sleep } from '@temporalio/workflow';
import type { FunctionRef } from '../activities/contract';
import type { MonitorFigures } from '../activities/monitor-contract';
import { read } from './activity-profiles';
import { releaseFailure } from './failures';

/** Patch id of the gate: histories recorded before it never read metrics after a bake. */
export const METRICS_GATE_PATCH = 'metrics-gate';
export const METRICS_GATE_BREACHED = 'MetricsGateBreached';
/** Patch id of the relative limits: reading the previous version's figures too is one more activity. */
export const METRICS_GATE_RELATIVE_PATCH = 'metrics-gate-relative';

/** The manifest's `alias.gate`. */
export interface MetricsGate {
  /** Highest acceptable share of failed invocations, in percent. */
  maxErrorRatePercent?: number;
  /** Highest acceptable average duration, ms. */
  maxAvgDurationMs?: number;
  /** Fewer invocations than this on the new version: inconclusive. */
  minInvocations: number;
  inconclusive: 'wait' | 'pass' | 'fail';
  /** GetMonitorData Period: 60 (default) or 300; the simulator also serves its fast period. */
  periodSeconds?: number;
  /** With inconclusive: wait, how many more periods to wait before failing (default 5). */
  maxWaits?: number;
  /** Judge the increases below against the version the alias served before, over the same window. */
  relativeTo?: 'previous';
  /** Highest acceptable error rate above the previous version's, in percentage points. */
  maxErrorRateIncreasePercent?: number;
  /** Highest acceptable average duration above the previous version's, ms. */
  maxAvgDurationIncreaseMs?: number;
}

/** The previous version's figures over the same window (relativeTo: previous). */
export interface PreviousFigures {
  version: string;
  invocations: number;
  errors: number;
  errorRatePercent: number;
  avgDurationMs: number;
}

/** One region's gate at one step, as the result reports it. */
export interface GateRecord extends MonitorFigures {
  percent: number;
  version: string;
  verdict: 'pass' | 'breach' | 'inconclusive-pass' | 'inconclusive-fail';
  detail?: string;
  /** With relativeTo: previous. */
  previous?: PreviousFigures;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function breachOf(f: MonitorFigures, gate: MetricsGate, previous?: PreviousFigures): string | undefined {
  if (gate.maxErrorRatePercent !== undefined && f.errorRatePercent > gate.maxErrorRatePercent) {
    return `error rate ${f.errorRatePercent}% (${f.errors} of ${f.invocations}) is above ${gate.maxErrorRatePercent}%`;
  }
  if (gate.maxAvgDurationMs !== undefined && f.avgDurationMs > gate.maxAvgDurationMs) {
    return `average duration ${f.avgDurationMs} ms is above ${gate.maxAvgDurationMs} ms`;
  }
  if (!previous) return undefined;
  const moreErrors = round2(f.errorRatePercent - previous.errorRatePercent);
  if (gate.maxErrorRateIncreasePercent !== undefined && moreErrors > gate.maxErrorRateIncreasePercent) {
    return `error rate ${f.errorRatePercent}% is ${moreErrors} points above version ${previous.version}'s ${previous.errorRatePercent}% (at most +${gate.maxErrorRateIncreasePercent})`;
  }
  // A previous version with no invocations in the window has no average to compare with.
  const slower = round2(f.avgDurationMs - previous.avgDurationMs);
  if (gate.maxAvgDurationIncreaseMs !== undefined && previous.invocations > 0 && slower > gate.maxAvgDurationIncreaseMs) {
    return `average duration ${f.avgDurationMs} ms is ${slower} ms above version ${previous.version}'s ${previous.avgDurationMs} ms (at most +${gate.maxAvgDurationIncreaseMs} ms)`;
  }
  return undefined;
}

/**
 * Judges one region's new version over [sinceMs, now]; throws MetricsGateBreached on a breach.
 * `onStatus` hears what the gate waits for, then its verdict (the progress and current details: no
 * history event, so no patch).
 */
export async function checkGate(
  /** `previousVersion`: what the alias served before (relativeTo: previous). */
  target: { fn: FunctionRef; version: string; previousVersion?: string },
  gate: MetricsGate,
  percent: number,
  sinceMs: number,
  onRecord: (region: string, record: GateRecord) => void,
  onStatus: (region: string, status: string) => void = () => undefined,
): Promise<void> {
  const region = target.fn.region;
  const judged = (record: GateRecord) => {
    onStatus(region, record.detail ? `${record.verdict}: ${record.detail}` : `${record.verdict}: ${record.invocations} invocations, error rate ${record.errorRatePercent}%, avg ${record.avgDurationMs} ms`);
    onRecord(region, record);
  };
  onStatus(region, `waiting for the period to end (${gate.minInvocations} invocations of v${target.version} needed)`);
  const period = gate.periodSeconds ?? 60;
  const periodMs = period * 1000;
  const startMs = Math.floor(sinceMs / periodMs) * periodMs;
  for (let waits = 0; ; waits++) {
    // Wait for the current period to end, so the last one read is whole.
    const endMs = Math.floor(Date.now() / periodMs) * periodMs + periodMs;
    await sleep(Math.max(0, endMs - Date.now()));
    const figures = await read.readMonitorData({ fn: target.fn, version: target.version, periodSeconds: period, startMs, endMs });
    const base = { ...figures, percent, version: target.version };
    if (figures.invocations < gate.minInvocations) {
      const detail = `${figures.invocations} invocations of version ${target.version}, fewer than minInvocations ${gate.minInvocations}`;
      if (gate.inconclusive === 'wait' && waits < (gate.maxWaits ?? 5)) {
        onStatus(region, `waiting for ${gate.minInvocations} invocations of v${target.version} (${figures.invocations} so far)`);
        continue;
      }
      if (gate.inconclusive === 'pass') return judged({ ...base, verdict: 'inconclusive-pass', detail });
      judged({ ...base, verdict: 'inconclusive-fail', detail });
      throw releaseFailure(METRICS_GATE_BREACHED, `metrics gate at ${percent}% in ${target.fn.region}: inconclusive, ${detail}`, { region: target.fn.region, ...base });
    }
    const previous = await previousFigures(target, gate, { periodSeconds: period, startMs, endMs });
    const judgedFigures = { ...base, ...(previous && { previous }) };
    const breach = breachOf(figures, gate, previous);
    if (!breach) return judged({ ...judgedFigures, verdict: 'pass' });
    judged({ ...judgedFigures, verdict: 'breach', detail: breach });
    throw releaseFailure(METRICS_GATE_BREACHED, `metrics gate at ${percent}% in ${target.fn.region}: ${breach} on version ${target.version}`, { region: target.fn.region, ...judgedFigures });
  }
}

/** The previous version's figures over the same window, when the gate is relative (and patched in). */
async function previousFigures(
  target: { fn: FunctionRef; previousVersion?: string },
  gate: MetricsGate,
  window: { periodSeconds: number; startMs: number; endMs: number },
): Promise<PreviousFigures | undefined> {
  if (gate.relativeTo !== 'previous' || target.previousVersion === undefined || !patched(METRICS_GATE_RELATIVE_PATCH)) return undefined;
  const f = await read.readMonitorData({ fn: target.fn, version: target.previousVersion, ...window });
  return { version: target.previousVersion, invocations: f.invocations, errors: f.errors, errorRatePercent: f.errorRatePercent, avgDurationMs: f.avgDurationMs };
}
