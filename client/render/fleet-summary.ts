/** A fleet's end summary, its `--plan` and its per-function report page, as people read them. */
import type { FleetPlan, FleetReportPage, FleetResult } from '../../workflows/definitions';
import { statusStyle } from './summary';
import { pad, shortSha, type Style } from './text';

/** A status in its colour, then padded to `width` columns by its visible length, so colour codes do not shift the columns. */
function paddedStatus(status: string, style: Style, width: number): string {
  return statusStyle(status, style) + ' '.repeat(Math.max(width - status.length, 1));
}

export function renderFleetResult(result: FleetResult, style: Style): string[] {
  const t = result.totals;
  const lines = [
    `${style.bold(`Fleet ${result.fleetId}`)}: ${statusStyle(result.status, style)}`,
    `  ${result.summary}`,
    `  ${t.total} function(s): ${t.succeeded} succeeded, ${t.noOp} no-op, ${t.failed} failed, ${t.skipped} skipped${t.rolledBack ? `, ${t.rolledBack} rolled back` : ''}`,
  ];
  if (result.failures.length > 0) {
    lines.push('', '  failed:');
    for (const f of result.failures) {
      lines.push(`    ${pad(`${f.namespace}/${f.functionName}`, 40)}${paddedStatus(f.status, style, 16)}${f.error ? `${f.error.type}: ${f.error.message.slice(0, 120)}` : ''}`);
    }
    if (result.failuresOmitted > 0) lines.push(`    … and ${result.failuresOmitted} more (scf-release show fleet/${result.fleetId})`);
  }
  const badRollbacks = result.rollbacks.filter((r) => r.status !== 'Succeeded' && r.status !== 'NoOp');
  for (const r of badRollbacks) lines.push(style.red(`  rollback of ${r.namespace}/${r.functionName} ended ${r.status}: ${r.workflowId}`));
  return lines;
}

export function renderFleetPlan(plan: FleetPlan, style: Style): string[] {
  const byKey = new Map(plan.plans.map((p) => [`${p.namespace}/${p.functionName}`, p]));
  const p = plan.policy;
  const lines = [
    `${style.bold(`Plan for fleet ${plan.fleetId}`)} (read-only): ${plan.members.length} function(s) in ${plan.waves} wave(s)`,
    `  policy: maxConcurrency ${p.maxConcurrency}` +
      `${p.stopAfterFailures !== undefined ? `, stopAfterFailures ${p.stopAfterFailures}` : ''}${p.rollbackAllOnFailure ? ', rollbackAllOnFailure' : ''}`,
    '',
    `  ${pad('wave', 6)}${pad('function', 40)}${pad('sha256', 14)}regions`,
  ];
  for (const m of plan.members) {
    const planned = byKey.get(`${m.namespace}/${m.functionName}`);
    const regions = planned
      ? planned.noOp
        ? style.dim('no-op: already live everywhere')
        : planned.regions.map((r) => `${r.region}:${r.action}`).join(' ')
      : style.dim('(not planned in detail)');
    lines.push(`  ${pad(String(m.wave + 1), 6)}${pad(`${m.namespace}/${m.functionName}`, 40)}${pad(shortSha(planned?.sha256), 14)}${regions}`);
    for (const warning of planned?.warnings ?? []) lines.push(`        ${style.yellow(warning)}`);
  }
  if (plan.plans.length < plan.members.length) lines.push(`  (${plan.members.length - plan.plans.length} more function(s) listed without a per-region plan)`);
  return lines;
}

export function renderFleetReportPage(page: FleetReportPage, style: Style): string[] {
  const lines = [`  ${pad('#', 6)}${pad('wave', 6)}${pad('function', 40)}${pad('status', 16)}workflow id`];
  page.entries.forEach((e, i) => {
    lines.push(`  ${pad(String(page.offset + i + 1), 6)}${pad(String(e.wave + 1), 6)}${pad(`${e.namespace}/${e.functionName}`, 40)}${paddedStatus(e.status, style, 16)}${e.workflowId}`);
  });
  const end = page.offset + page.entries.length;
  lines.push(`  ${page.offset + 1}-${end} of ${page.total}${end < page.total ? ` (next: --offset ${end})` : ''}`);
  return lines;
}
