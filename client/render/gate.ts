/**
 * The metrics gate's figures as a table (the summary and `show`): one row per region and canary step,
 * what Cloud Monitor counted for the new version and what the gate made of it. While a release bakes,
 * its progress says what each region's gate is waiting for (`progress.gate`).
 */
import type { RegionResult, ReleaseProgress } from '../../workflows/definitions';
import type { GateRecord } from '../../workflows/metrics-gate';
import { renderTable, type TableOptions } from './table';

/**
 * `breach: error rate 50% (40 of 80) is above 1%`; `pass`; `inconclusive-pass: 3 invocations ...`;
 * with relativeTo: previous, what the previous version did over the same window: `pass (v2: 0.5%, 40 ms)`.
 */
function verdictText(g: GateRecord): string {
  const previous = g.previous ? ` (v${g.previous.version}: ${g.previous.errorRatePercent}%, ${g.previous.avgDurationMs} ms)` : '';
  return g.detail ? `${g.verdict}${previous}: ${g.detail}` : `${g.verdict}${previous}`;
}

/** The gate table, or '' when no region has gate figures. */
export function renderGateTable(regions: readonly Pick<RegionResult, 'region' | 'gate'>[], options: TableOptions = {}): string {
  const rows = regions.flatMap((r) =>
    (r.gate ?? []).map((g) => [
      r.region,
      `${g.percent}%`,
      `v${g.version}`,
      String(g.invocations),
      String(g.errors),
      `${g.errorRatePercent}%`,
      `${g.avgDurationMs} ms`,
      verdictText(g),
    ]),
  );
  if (rows.length === 0) return '';
  return renderTable(['REGION', 'STEP', 'VERSION', 'INVOCATIONS', 'ERRORS', 'ERROR RATE', 'AVG DURATION', 'VERDICT'], rows, {
    // At a narrow width the version (the regions table has it) and the error count (the verdict says it) give way.
    optional: ['VERSION', 'ERRORS'],
    ...options,
  });
}

/** `gate ap-guangzhou: waiting for 50 invocations of v3 (12 so far)`, one line per region. */
export function gateStatusLines(progress: Pick<ReleaseProgress, 'gate'>): string[] {
  return Object.entries(progress.gate ?? {}).map(([region, status]) => `gate ${region}: ${status}`);
}
