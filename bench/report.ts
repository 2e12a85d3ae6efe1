/** The markdown tables printed by `npm run bench` (and pasted into BENCHMARKS.md). */
import { configLabel, type CrossWorkerResult } from './cross-worker';
import type { MemoryResult } from './memory';
import type { OverheadResult } from './overhead';
import type { WayResult } from './rate-limit-burst';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number | null, digits = 2) => (x === null ? '—' : x.toFixed(digits));

export function burstTable(rows: WayResult[]): string {
  const out = [
    '| burst (limit; least possible wall time) | way | wall s | succeeded | SCF calls | throttled share | SCF calls per success | rate / limit | sustained / limit | busiest second / limit |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const other = Object.entries(r.otherScfCalls)
      .map(([a, n]) => `+${n} ${a}`)
      .join(', ');
    out.push(
      `| ${r.calls} × ${r.action} (${r.limit}/s${r.limiterConfiguredLimit !== r.limit ? `, limiter told ${r.limiterConfiguredLimit}/s` : ''}; ≥ ${r.fixedWindowMinimumS.toFixed(2)} s) | ${r.way} | ${(r.wallMs / 1000).toFixed(2)} | ${r.succeeded}/${r.calls} | ` +
        `${r.scfCalls}${other ? ` (${other})` : ''} | ${pct(r.throttledShare)} | ${num(r.scfCallsPerSuccess)} | ${num(r.rateVsLimit)} | ${num(r.sustainedVsLimit)} | ${num(r.peakWindowOkVsLimit)} |`,
    );
  }
  return out.join('\n');
}

export function crossWorkerTable(rows: CrossWorkerResult[]): string {
  const out = [
    '| burst, all processes together (limit; least possible wall time) | processes × share each | wall s | wall / least possible | succeeded | SCF calls | throttled share | SCF calls per success | sustained / limit | busiest second / limit | handed to Temporal\'s retry |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const other = Object.entries(r.otherScfCalls)
      .map(([a, n]) => `+${n} ${a}${r.otherScfThrottled[a] ? `, ${r.otherScfThrottled[a]} throttled` : ''}`)
      .join(', ');
    out.push(
      `| ${r.calls} × ${r.action} (${r.limit}/s; ≥ ${r.fixedWindowMinimumS.toFixed(2)} s) | ${configLabel(r)} | ${(r.wallMs / 1000).toFixed(2)} | ${num(r.wallVsMinimum)} | ${r.succeeded}/${r.calls} | ` +
        `${r.scfCalls}${other ? ` (${other})` : ''} | ${pct(r.throttledShare)} | ${num(r.scfCallsPerSuccess)} | ${num(r.sustainedVsLimit)} | ${num(r.peakWindowOkVsLimit)} | ${r.handedToTemporalRetry} |`,
    );
  }
  return out.join('\n');
}

export function overheadTable(o: OverheadResult): string {
  const lines = [
    `| ${o.calls} × GetFunction at a ${o.limit}/s limit, ${o.concurrency} in flight, median of ${o.rounds} rounds | µs per call (wall) | rounds' range (wall) | µs per call (CPU, bench process) | calls/s |`,
    '|---|---:|---:|---:|---:|',
  ];
  for (const [w, v] of Object.entries(o.perWay)) {
    lines.push(`| ${w} | ${v.wallUsPerCall} | ${v.wallUsRange[0]}–${v.wallUsRange[1]} | ${v.cpuUsPerCall} | ${v.callsPerSecond} |`);
  }
  lines.push(
    '',
    `- limiter alone (activities − gateway): ${o.limiterAddedWallUsPerCall} µs/call wall, ${o.limiterAddedCpuUsPerCall} µs/call CPU`,
    `- whole activity layer (activities − raw): ${o.layerAddedWallUsPerCall} µs/call wall, ${o.layerAddedCpuUsPerCall} µs/call CPU; activities / raw wall time = ${o.activitiesVsRawWall}`,
    `- \`await bucket.acquire()\` on an uncontended bucket: ${o.bucketAcquireUs} µs (${o.bucketAcquireAddedUs} µs more than \`await Promise.resolve()\`)`,
    `- fastest way reached ${o.peakRateVsLimiterRate} × the limiter's rate (below 1: the limiter never had to wait); non-OK answers: ${o.throttled}`,
  );
  return lines.join('\n');
}

export function memoryTable(m: MemoryResult): string {
  return [
    `| ${m.calls} × GetFunction fired at once (fresh process each) | peak RSS growth | failed | wall ms |`,
    '|---|---:|---:|---:|',
    `| raw | ${m.raw.peakRssDeltaMiB} MiB | ${m.raw.failed} | ${m.raw.wallMs} |`,
    `| activities | ${m.activities.peakRssDeltaMiB} MiB | ${m.activities.failed} | ${m.activities.wallMs} |`,
    '',
    `- activities / raw peak RSS growth: ${m.activitiesVsRaw}`,
  ].join('\n');
}
