/**
 * `scf-release show <workflow-id>`: one release or sync — steps, timings, per-region results,
 * compensations and errors — from its result, or from its progress query while it runs.
 */
import type { Command } from 'commander';
import { renderRun } from '../audit/render-run';
import { loadRun } from '../audit/show';
import { resolveRelease } from '../api';
import { terminalWidth } from '../render/text';
import { withTemporal } from './shared';

export function registerShowCommand(program: Command): void {
  program
    .command('show <id>')
    .description('show one release or sync: a workflow id (release/default/my-fn/r-123, sync/nightly-...) or a short release id (r-...)')
    .option('--json', 'print JSON instead of text')
    .action(async (id: string, flags: { json?: boolean }) => {
      await withTemporal(async ({ client, namespace, uiUrl }) => {
        // As status, watch and abort resolve it; an unknown id is bad input (64) either way.
        const workflowId = await resolveRelease(client, { id });
        const view = await loadRun(client, workflowId, { namespace, uiUrl });
        process.stdout.write(flags.json ? `${JSON.stringify(view, null, 2)}\n` : renderRun(view, { width: terminalWidth(process.stdout) }));
      });
    });
}
