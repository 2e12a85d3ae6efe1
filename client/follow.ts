/**
 * Following a release to its end and reporting the outcome: shared by `release`, `watch` and `demo`
 * so all three look and exit the same.
 */
import { watchRelease, type ReleaseView } from './api';
import type { TemporalTarget } from './connection';
import { workflowUiLink } from './ui-links';
import { EXIT, exitCodeForStatus } from './exit-codes';
import { progressRenderer } from './render/progress';
import { renderResult } from './render/summary';
import { styleFor, terminalWidth } from './render/text';

export type EndedView = Exclude<ReleaseView, { state: 'running' }>;

/** Shows progress on `progressStream` (or nothing) until the release ends; returns how it ended. */
export async function followRelease(
  target: TemporalTarget,
  workflowId: string,
  progressStream: NodeJS.WritableStream | undefined,
): Promise<EndedView> {
  const renderer = progressStream && progressRenderer(progressStream, workflowId);
  for await (const event of watchRelease(target.client, workflowId)) {
    if (event.kind === 'progress') renderer?.update(event.progress);
    else {
      renderer?.finish();
      return event.view;
    }
  }
  throw new Error(`stopped following ${workflowId} before it ended`);
}

function exitCodeFor(view: EndedView): number {
  return view.state === 'completed' ? exitCodeForStatus(view.result.status) : EXIT.ERROR;
}

export function uiLink(target: TemporalTarget, view: { workflowId: string; runId?: string }): string {
  return workflowUiLink(target.uiUrl, target.namespace, view.workflowId, view.runId);
}

/** The machine-readable outcome `--json` prints on stdout. */
function outcomeJson(target: TemporalTarget, view: EndedView): Record<string, unknown> {
  const base = { workflowId: view.workflowId, runId: view.runId, uiUrl: uiLink(target, view), exitCode: exitCodeFor(view) };
  return view.state === 'completed'
    ? { ...base, status: view.result.status, result: view.result }
    : { ...base, status: 'WorkflowFailed', workflowStatus: view.status, error: view.error };
}

/** Prints the outcome (human summary or JSON) and returns the exit code. */
export function reportOutcome(target: TemporalTarget, view: EndedView, json: boolean): number {
  if (json) {
    process.stdout.write(`${JSON.stringify(outcomeJson(target, view), null, 2)}\n`);
    return exitCodeFor(view);
  }
  const style = styleFor(process.stdout);
  const lines =
    view.state === 'completed'
      ? renderResult(view.result, style, { width: terminalWidth(process.stdout) })
      : [style.red(`Release workflow ${view.workflowId} ended ${view.status} without a result: ${view.error}`)];
  process.stdout.write(`\n${lines.join('\n')}\n\n  Temporal UI: ${uiLink(target, view)}\n`);
  return exitCodeFor(view);
}
