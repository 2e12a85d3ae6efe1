/** The end-of-release summary and the `--plan` table, as people read them. */
import type { RegionResult, ReleasePlan, ReleaseResult } from '../../workflows/definitions';
import { formatDurationMs } from '../../workflows/durations';
import { pad, shortSha, type Style } from './text';

/** One line, at most `max` characters: SCF error messages can carry whole stack traces. */
function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\\n/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function verificationText(region: RegionResult): string {
  const cases = region.verification ?? [];
  if (cases.length === 0) return '-';
  const passed = cases.filter((c) => c.passed).length;
  const failed = cases.find((c) => !c.passed);
  return `${passed}/${cases.length} passed${failed ? ` (${failed.case}: ${oneLine(failed.detail ?? 'failed', 80)})` : ''}`;
}

function statusStyle(status: string, style: Style): string {
  if (status === 'Succeeded' || status === 'NoOp') return style.green(status);
  if (status === 'RolledBack' || status === 'Aborted') return style.yellow(status);
  return style.red(status);
}

export function renderResult(result: ReleaseResult, style: Style): string[] {
  const lines = [
    `${style.bold(`${result.rollback ? 'Rollback' : 'Release'} ${result.releaseId}`)} of ${result.namespace}/${result.functionName}: ${statusStyle(result.status, style)}`,
    `  ${oneLine(result.summary, 240)}`,
    `  package sha256 ${result.sha256}`,
    '',
    `  ${pad('region', 18)}${pad('action', 18)}${pad('state', 13)}${pad('version', 9)}${pad('sha256', 14)}verification`,
  ];
  for (const r of result.regions) {
    lines.push(
      `  ${pad(r.region, 18)}${pad(r.action, 18)}${pad(r.state, 13)}${pad(r.version ?? '-', 9)}${pad(shortSha(r.codeSha256), 14)}${verificationText(r)}`,
    );
    if (r.notCopied?.length) lines.push(`    not carried by CopyFunction: ${r.notCopied.join(', ')}`);
    if (r.error) lines.push(`    ${style.red(errorText(r.error))}`);
  }
  if (result.compensations.length) {
    lines.push('', '  Compensations:');
    for (const c of result.compensations) {
      const mark = c.outcome === 'ok' ? style.green('ok    ') : style.red('FAILED');
      lines.push(`    ${mark} ${c.name} (${c.region})${c.error ? `: ${errorText(c.error)}` : ''}`);
      if (c.manualAction) lines.push(`           to do: ${c.manualAction}`);
    }
  }
  if (result.versionsLeftInPlace.length) {
    lines.push(
      '',
      `  Versions left in place (published, no longer served): ${result.versionsLeftInPlace.map((v) => `${v.region} v${v.version}`).join(', ')}`,
    );
  }
  if (result.error) lines.push('', `  Error: ${style.red(errorText(result.error))}`);
  if (result.manualAction) lines.push('', `  ${style.red('Manual action needed')}: ${result.manualAction}`);
  for (const warning of result.warnings ?? []) lines.push(`  ${style.yellow('warning')}: ${warning}`);
  return lines;
}

export function errorText(error: { type: string; message: string; requestId?: string; region?: string }): string {
  const where = error.region ? ` in ${error.region}` : '';
  const request = error.requestId ? ` (RequestId ${error.requestId})` : '';
  return `${error.type}${where}: ${oneLine(error.message)}${request}`;
}

export function renderPlan(plan: ReleasePlan, style: Style): string[] {
  const lines = [
    `${style.bold(`Plan for ${plan.namespace}/${plan.functionName}`)} (package sha256 ${plan.sha256}); nothing was changed.`,
    plan.noOp ? style.green('  The package is already live everywhere: the release would end as NoOp.') : '',
    `  ${pad('region', 18)}${pad('exists', 8)}${pad('action', 18)}${pad('current sha256', 16)}alias version`,
  ].filter(Boolean);
  for (const r of plan.regions) {
    lines.push(
      `  ${pad(r.region, 18)}${pad(r.exists ? 'yes' : 'no', 8)}${pad(r.action, 18)}${pad(shortSha(r.currentSha256), 16)}${r.aliasVersion ?? '-'}`,
    );
  }
  if (plan.aliasSteps?.length) {
    lines.push(`  Traffic: ${plan.aliasSteps.map((s) => `${s.percent}% (bake ${formatDurationMs(s.bakeSeconds * 1000)})`).join(' → ')}`);
  }
  for (const warning of plan.warnings) lines.push(`  ${style.yellow('warning')}: ${warning}`);
  return lines;
}
