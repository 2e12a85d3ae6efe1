/**
 * `scf-release show <workflow-id>`: one release or sync — steps, timings, per-region results,
 * compensations and errors — from its result, or from its progress query while it runs.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Command } from 'commander';
import { withTemporal } from '../audit/connect';
import { renderRun } from '../audit/render-run';
import { loadRun } from '../audit/show';
import { CliError, EXIT } from '../exit-codes';

export function registerShowCommand(program: Command): void {
  program
    .command('show <workflowId>')
    .description('show one release or sync (e.g. release/default/my-fn/r-123 or sync/nightly-...)')
    .option('--json', 'print JSON instead of text')
    .action(async (workflowId: string, flags: { json?: boolean }) => {
      await withTemporal(async ({ client, namespace, uiUrl }) => {
        const view = await loadRun(client, workflowId, { namespace, uiUrl }).catch((err: unknown) => {
          throw err instanceof WorkflowNotFoundError ? new CliError(`no workflow with id ${workflowId}`, EXIT.INVALID_INPUT) : err;
        });
        process.stdout.write(flags.json ? `${JSON.stringify(view, null, 2)}\n` : renderRun(view));
      });
    });
}
