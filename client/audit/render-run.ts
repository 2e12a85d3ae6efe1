/** `show` as text: header, then the steps with timings, per-region results, compensations, errors. */
import type { ReleaseProgress, ReleaseResult } from '../../workflows/definitions';
import { errorText } from '../render/summary';
import { shortSha } from '../render/text';
import { renderSyncProgress, renderSyncReport } from './render-sync';
import type { RunView } from './show';
import { durationText, renderTable, shortTime } from './table';

export function renderRun(view: RunView): string {
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
    return `${header}\n${detail.state === 'closed' ? renderSyncReport(detail.result) : `${renderSyncProgress(detail.progress)}\n`}`;
  }
  return `${header}\n${detail.state === 'closed' ? renderReleaseResult(detail.result) : renderReleaseProgress(detail.progress)}`;
}

function renderReleaseResult(result: ReleaseResult): string {
  return [
    `${result.summary}\n`,
    renderSteps(result.steps),
    renderRegions(result.regions),
    result.compensations.length > 0
      ? 'Compensations:\n' +
        renderTable(
          ['NAME', 'REGION', 'OUTCOME', 'ERROR', 'MANUAL ACTION'],
          result.compensations.map((c) => [c.name, c.region, c.outcome, c.error ? errorText(c.error) : '', c.manualAction ?? '']),
        )
      : 'Compensations: none\n',
    result.versionsLeftInPlace.length > 0
      ? `Versions left in place: ${result.versionsLeftInPlace.map((v) => `${v.region}:${v.version}`).join(', ')}\n`
      : '',
    result.error ? `Error: ${errorText(result.error)}\n` : '',
    result.manualAction ? `Manual action needed: ${result.manualAction}\n` : '',
  ].join('\n');
}

function renderReleaseProgress(progress: ReleaseProgress | undefined): string {
  if (!progress) return 'Running: waiting for a worker to pick it up\n';
  return [
    `Running: phase ${progress.phase}${progress.trafficPercent !== undefined ? `, traffic ${progress.trafficPercent}%` : ''}` +
      `${progress.awaitingApproval ? ', awaiting approval' : ''}\n`,
    renderSteps(progress.steps),
    renderRegions(progress.regions),
    progress.lastError ? `Last error: ${errorText(progress.lastError)}\n` : '',
  ].join('\n');
}

function renderSteps(steps: ReleaseResult['steps']): string {
  return (
    'Steps:\n' +
    renderTable(
      ['STEP', 'REGION', 'STARTED', 'TOOK', 'OUTCOME'],
      steps.map((s) => [s.name, s.region ?? '', shortTime(s.startedAt), durationText(s.startedAt, s.endedAt), s.outcome]),
    )
  );
}

function renderRegions(regions: ReleaseResult['regions']): string {
  return (
    'Regions:\n' +
    renderTable(
      ['REGION', 'ACTION', 'STATE', 'VERSION', 'CODE SHA256', 'ERROR'],
      regions.map((r) => [
        r.region,
        r.action,
        r.state,
        r.version ?? '',
        shortSha(r.codeSha256),
        r.error ? errorText(r.error) : '',
      ]),
    )
  );
}
