/**
 * `scf-release show <workflow-id>`: one release or sync — steps, timings, per-region results,
 * compensations and errors — from its result, or from its progress query while it runs.
 */
import type { Command } from 'commander';
import { renderRun } from '../audit/render-run';
import { loadRun } from '../audit/show';
import { withTemporal } from './shared';

export function registerShowCommand(program: Command): void {
  program
    .command('show <workflowId>')
    .description('show one release or sync (e.g. release/default/my-fn/r-123 or sync/nightly-...)')
    .option('--json', 'print JSON instead of text')
    .action(async (workflowId: string, flags: { json?: boolean }) => {
      await withTemporal(async ({ client, namespace, uiUrl }) => {
        // An unknown id throws WorkflowNotFoundError: failWith reports it as bad input (64).
        const view = await loadRun(client, workflowId, { namespace, uiUrl });
        process.stdout.write(flags.json ? `${JSON.stringify(view, null, 2)}\n` : renderRun(view));
      });
    });
}
