/**
 * `show` as text: header, then the steps with timings, per-region results, compensations, errors.
 * Errors in full here (the summary gives each one line); tables fit `width` when given.
 */
import type { ReleaseProgress, ReleaseResult } from '../../workflows/definitions';
import { errorText } from '../render/summary';
import { shortSha } from '../render/text';
import { renderSyncProgress, renderSyncReport } from './render-sync';
import type { RunView } from './show';
import { durationText, renderTable, shortTime, type TableOptions } from '../render/table';
import { verificationText } from '../render/verification';
import { aliasText } from '../render/summary';
import { gateStatusLines, renderGateTable } from '../render/gate';

export function renderRun(view: RunView, options: TableOptions = {}): string {
  const header = [
    `${view.workflowId}  (${view.workflowType}, run ${view.runId})`,
    `Status:   ${view.releaseStatus ?? '-'}  (Temporal: ${view.executionStatus})`,
    `Started:  ${shortTime(view.startTime)}${view.closeTime ? `   Closed: ${shortTime(view.closeTime)} (${durationText(view.startTime, view.closeTime)})` : ''}`,
    `Web UI:   ${view.uiLink}`,
    '',
  ].join('\n');
  const { detail } = view;
  if (detail.state === 'failed') return `${header}\nThe workflow did not return a result: ${detail.error}\n`;
  if (detail.kind === 'sync') {
    return `${header}\n${detail.state === 'closed' ? renderSyncReport(detail.result, options) : `${renderSyncProgress(detail.progress)}\n`}`;
  }
  return `${header}\n${detail.state === 'closed' ? renderReleaseResult(detail.result, options) : renderReleaseProgress(detail.progress, options)}`;
}

function renderReleaseResult(result: ReleaseResult, options: TableOptions): string {
  return [
    `${result.summary}\n`,
    renderSteps(result.steps, options),
    renderRegions(result.regions, options),
    renderGate(result.regions, options),
    result.compensations.length > 0
      ? 'Compensations:\n' +
        renderTable(
          ['NAME', 'REGION', 'OUTCOME', 'ERROR', 'MANUAL ACTION'],
          result.compensations.map((c) => [c.name, c.region, c.outcome, c.error ? errorText(c.error) : '', c.manualAction ?? '']),
          options,
        )
      : 'Compensations: none\n',
    result.versionsLeftInPlace.length > 0
      ? `Versions left in place: ${result.versionsLeftInPlace.map((v) => `${v.region}:${v.version}`).join(', ')}\n`
      : '',
    result.error ? `Error: ${errorText(result.error)}\n` : '',
    result.manualAction ? `Manual action needed: ${result.manualAction}\n` : '',
  ].join('\n');
}

function renderReleaseProgress(progress: ReleaseProgress | undefined, options: TableOptions): string {
  if (!progress) return 'Running: waiting for a worker to pick it up\n';
  return [
    `Running: phase ${progress.phase}${progress.trafficPercent !== undefined ? `, traffic ${progress.trafficPercent}%` : ''}` +
      `${progress.awaitingApproval ? ', awaiting approval' : ''}\n`,
    renderSteps(progress.steps, options),
    renderRegions(progress.regions, options),
    renderGate(progress.regions, options),
    ...gateStatusLines(progress).map((line) => `${line}\n`),
    progress.lastError ? `Last error: ${errorText(progress.lastError)}\n` : '',
  ].join('\n');
}

function renderSteps(steps: ReleaseResult['steps'], options: TableOptions): string {
  return (
    'Steps:\n' +
    renderTable(
      ['STEP', 'REGION', 'STARTED', 'TOOK', 'OUTCOME'],
      steps.map((s) => [s.name, s.region ?? '', shortTime(s.startedAt), durationText(s.startedAt, s.endedAt), s.outcome]),
      options,
    )
  );
}

function renderRegions(regions: ReleaseResult['regions'], options: TableOptions): string {
  return (
    'Regions:\n' +
    renderTable(
      ['REGION', 'ACTION', 'STATE', 'VERSION', 'ALIAS', 'CODE SHA256', 'VERIFICATION', 'ERROR'],
      regions.map((r) => [
        r.region,
        r.action,
        r.state,
        r.version ?? '',
        aliasText(r),
        shortSha(r.codeSha256),
        verificationText(r),
        r.error ? errorText(r.error) : '',
      ]),
      options,
    )
  );
}

function renderGate(regions: ReleaseResult['regions'], options: TableOptions): string {
  const table = renderGateTable(regions, options);
  return table ? `Metrics gate:\n${table}` : '';
}
