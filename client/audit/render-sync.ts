/** The drift report as text: one row per function and target region, then the totals. */
import type { SyncProgress, SyncReport, SyncTotals } from '../../workflows/definitions';
import { errorText } from '../render/summary';
import { shortSha } from '../render/text';
import { renderTable, type TableOptions } from '../render/table';

export function renderSyncReport(report: SyncReport, options: TableOptions = {}): string {
  const rows = report.functions.flatMap((fn) =>
    fn.regions.length === 0
      ? [[fn.functionName, '-', 'failed', '-', shortSha(fn.sourceSha256), '-', '', fn.error ? errorText(fn.error) : '']]
      : fn.regions.map((region) => [
          fn.functionName,
          region.region,
          region.outcome,
          region.action,
          shortSha(region.sourceSha256 ?? fn.sourceSha256),
          shortSha(region.targetSha256),
          region.version ?? '',
          region.error ? errorText(region.error) : '',
        ]),
  );
  const compensations = report.functions.flatMap((fn) =>
    fn.compensations.map((c) => `  ${fn.functionName} ${c.region} ${c.name}: ${c.outcome}${c.manualAction ? ` — ${c.manualAction}` : ''}`),
  );
  return [
    `${report.summary}\n`,
    renderTable(['FUNCTION', 'REGION', 'OUTCOME', 'ACTION', 'SOURCE SHA', 'TARGET SHA', 'VERSION', 'ERROR'], rows, options),
    ...(compensations.length > 0 ? ['Compensations:', ...compensations, ''] : []),
    `Totals: ${totalsText(report.totals)}\n`,
  ].join('\n');
}

export function renderSyncProgress(progress: SyncProgress): string {
  return (
    `${progress.dryRun ? 'dry run: ' : ''}${progress.functionsDone}/${progress.functionsTotal} functions done` +
    ` (${totalsText(progress.totals)})${progress.running.length > 0 ? `; running: ${progress.running.slice(0, 5).join(', ')}` : ''}`
  );
}

function totalsText(totals: SyncTotals): string {
  return Object.entries(totals)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${outcome} ${count}`)
    .join(', ') || 'nothing';
}
