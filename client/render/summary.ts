/**
 * The end-of-release summary and the `--plan` table, as people read them: one table of regions
 * (what the alias serves now, verification counted as cases with bake probes apart), one line per
 * failure (the full text is in `scf-release show`), the time it took. Given a width, everything
 * fits it.
 */
import type { ReleaseError, ReleasePlan, ReleaseResult, RegionResult } from '../../workflows/definitions';
import { formatDurationMs } from '../../workflows/durations';
import { renderGateTable } from './gate';
import { renderTable } from './table';
import { fitLine, oneLine, shortSha, type Style } from './text';
import { verificationText } from './verification';

export interface RenderOptions {
  /** The terminal's width; undefined (a pipe, a file) cuts nothing but still keeps each error on one line. */
  width?: number;
}

/** An error on a line of its own in a pipe: long enough to read, never a whole stack trace. */
const PLAIN_ERROR_MAX = 240;

/** A status in its colour: green done, yellow undone or not (yet) run, red where something failed. */
export function statusStyle(status: string, style: Style): string {
  if (status === 'Succeeded' || status === 'NoOp') return style.green(status);
  if (['RolledBack', 'Aborted', 'Skipped', 'Running', 'Pending'].includes(status)) return style.yellow(status);
  return style.red(status);
}

/** `live → v3 100%`, or `live → v2 90%, v3 10%` while split; `-` without an alias. */
export function aliasText(region: Pick<RegionResult, 'alias'>): string {
  const alias = region.alias;
  if (!alias) return '-';
  const extra = alias.additionalVersionWeights;
  const main = Math.round((1 - extra.reduce((sum, w) => sum + w.weight, 0)) * 100);
  return `${alias.name} → ${[`v${alias.functionVersion} ${main}%`, ...extra.map((w) => `v${w.version} ${Math.round(w.weight * 100)}%`)].join(', ')}`;
}

/** From the first step's start to the last step's end: how long the release took. */
export function elapsedText(steps: ReleaseResult['steps']): string | undefined {
  const starts = steps.map((s) => Date.parse(s.startedAt));
  const ends = steps.map((s) => Date.parse(s.endedAt ?? s.startedAt));
  if (starts.length === 0) return undefined;
  return formatDurationMs(Math.max(0, Math.max(...ends) - Math.min(...starts)));
}

const sameError = (a: ReleaseError, b: ReleaseError) => a.type === b.type && a.message === b.message;

/** Each distinct failure once: the regions' errors, then the release's own when it is another one. */
function failures(result: ReleaseResult): ReleaseError[] {
  const found: ReleaseError[] = [];
  for (const error of [...result.regions.map((r) => r.error && { ...r.error, region: r.error.region ?? r.region }), result.error]) {
    if (error && !found.some((known) => sameError(known, error))) found.push(error);
  }
  return found;
}

export function renderResult(result: ReleaseResult, style: Style, options: RenderOptions = {}): string[] {
  const { width } = options;
  const fit = (line: string) => fitLine(line, width);
  const errorLine = (prefix: string, error: ReleaseError) =>
    `${prefix}${style.red(errorText(error, width === undefined ? PLAIN_ERROR_MAX : width - prefix.length))}`;
  const took = elapsedText(result.steps);
  const lines = [
    fit(`${style.bold(`${result.rollback ? 'Rollback' : 'Release'} ${result.releaseId}`)} of ${result.namespace}/${result.functionName}: ${statusStyle(result.status, style)}${took ? ` in ${took}` : ''}`),
    `  ${oneLine(result.summary, width === undefined ? PLAIN_ERROR_MAX : width - 2)}`,
    fit(`  package ${result.sha256}`),
    '',
    ...renderTable(
      ['REGION', 'ACTION', 'STATE', 'VERSION', 'ALIAS', 'SHA256', 'VERIFICATION'],
      result.regions.map((r) => [r.region, r.action, r.state, r.version ?? '-', aliasText(r), shortSha(r.codeSha256), verificationText(r)]),
      // The package's sha256 is above; each region's is in `show`.
      { width: width && width - 2, optional: ['SHA256', 'ACTION'] },
    )
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`),
  ];
  const gate = renderGateTable(result.regions, { width: width && width - 4 });
  if (gate) lines.push('', '  Metrics gate (Cloud Monitor, the new version):', ...gate.trimEnd().split('\n').map((line) => `    ${line}`));
  for (const r of result.regions) {
    if (r.notCopied?.length) lines.push(fit(`  ${r.region}: not carried by CopyFunction: ${r.notCopied.join(', ')}`));
  }
  const failed = failures(result);
  if (failed.length) lines.push('', '  Failures:', ...failed.map((error) => errorLine('    ', error)));
  if (result.compensations.length) {
    lines.push('', '  Compensations:');
    for (const c of result.compensations) {
      const mark = c.outcome === 'ok' ? style.green('ok    ') : c.outcome === 'skipped' ? style.dim('skip  ') : style.red('FAILED');
      const head = `    ${mark} ${c.name} (${c.region})`;
      lines.push(c.error ? errorLine(`${head}: `, c.error) : head);
      if (c.manualAction) lines.push(`           to do: ${c.manualAction}`);
    }
  }
  if (result.versionsLeftInPlace.length) {
    lines.push(
      '',
      fit(`  Versions left in place (published, no longer served): ${result.versionsLeftInPlace.map((v) => `${v.region} v${v.version}`).join(', ')}`),
    );
  }
  if (result.manualAction) lines.push('', `  ${style.red('Manual action needed')}: ${result.manualAction}`);
  for (const warning of result.warnings ?? []) lines.push(`  ${style.yellow('warning')}: ${warning}`);
  if (failed.length || result.compensations.some((c) => c.error)) {
    lines.push('', fit(`  Full error text: scf-release show ${result.releaseId}`));
  }
  return lines;
}

/**
 * `Type in region: message (RequestId ...)` on one line. Given `max` columns, the message is cut to
 * fit and the RequestId left to `show`, which prints it all.
 */
export function errorText(error: ReleaseError, max = Infinity): string {
  const where = error.region ? ` in ${error.region}` : '';
  const head = `${error.type}${where}: `;
  if (max !== Infinity) return `${head}${oneLine(error.message, Math.max(20, max - head.length))}`;
  return `${head}${oneLine(error.message)}${error.requestId ? ` (RequestId ${error.requestId})` : ''}`;
}

export function renderPlan(plan: ReleasePlan, style: Style, options: RenderOptions = {}): string[] {
  const { width } = options;
  const lines = [
    fitLine(`${style.bold(`Plan for ${plan.namespace}/${plan.functionName}`)} (package sha256 ${plan.sha256}); nothing was changed.`, width),
    plan.noOp ? style.green('  The package is already live everywhere: the release would end as NoOp.') : '',
    ...renderTable(
      ['REGION', 'EXISTS', 'ACTION', 'CURRENT SHA256', 'ALIAS VERSION'],
      plan.regions.map((r) => [r.region, r.exists ? 'yes' : 'no', r.action, shortSha(r.currentSha256), r.aliasVersion ?? '-']),
      { width: width && width - 2 },
    )
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`),
  ].filter(Boolean);
  if (plan.aliasSteps?.length) {
    lines.push(`  Traffic: ${plan.aliasSteps.map((s) => `${s.percent}% (bake ${formatDurationMs(s.bakeSeconds * 1000)})`).join(' → ')}`);
  }
  for (const warning of plan.warnings) lines.push(`  ${style.yellow('warning')}: ${warning}`);
  return lines;
}
