/**
 * `scf-release sync run`: one region sync now, with progress, ending in the drift report;
 * `scf-release sync schedule ...` (./schedule.ts) runs it on a cron.
 *
 * Exit codes follow the release's: 0 when nothing failed (locked functions are reported, not
 * failures), 2 when some function failed and its changes were undone, 3 when an undo failed too.
 */
import type { Command } from 'commander';
import type { SyncReport } from '../../workflows/definitions';
import { renderSyncProgress, renderSyncReport } from '../audit/render-sync';
import { workflowUiLink } from '../ui-links';
import { EXIT } from '../exit-codes';
import { terminalWidth } from '../render/text';
import { newSyncId, runSync } from '../schedules/run-sync';
import { defaultStartedBy } from '../release-id';
import { addSyncFlags, syncInputFromFlags, type SyncFlags } from '../schedules/sync-options';
import { registerSyncScheduleCommands } from './schedule';
import { withTemporal } from './shared';

interface RunFlags extends SyncFlags {
  by?: string;
  json?: boolean;
  taskQueue?: string;
}

export function registerSyncCommand(program: Command): void {
  const sync = program.command('sync').description('bring target regions to the source region\'s code');

  addSyncFlags(
    sync
      .command('run')
      .description('run one sync now and print the drift report')
      .option('--json', 'print the report as JSON (progress goes to stderr)')
      .option('--by <who>', 'who runs the sync (default: $SCF_RELEASE_USER or user@host)')
      .option('--task-queue <queue>', 'the workers\' task queue'),
  ).action(async (flags: RunFlags) => {
    const input = { ...syncInputFromFlags(flags), startedBy: flags.by ?? defaultStartedBy() };
    await withTemporal(async ({ client, namespace, uiUrl }) => {
      const syncId = newSyncId();
      process.stderr.write(`Sync ${syncId}: ${workflowUiLink(uiUrl, namespace, `sync/${syncId}`)}\n`);
      const report = await runSync(client, input, {
        syncId,
        taskQueue: flags.taskQueue,
        onProgress: (progress) => process.stderr.write(`  ${renderSyncProgress(progress)}\n`),
      });
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderSyncReport(report, { width: terminalWidth(process.stdout) }));
      process.exitCode = syncExitCode(report);
    });
  });

  registerSyncScheduleCommands(sync);
}

function syncExitCode(report: SyncReport): number {
  if (report.totals.failed === 0) return EXIT.OK;
  const undoFailed = report.functions.some((fn) => fn.compensations.some((c) => c.outcome === 'failed'));
  return undoFailed ? EXIT.ROLLBACK_FAILED : EXIT.ROLLED_BACK;
}
