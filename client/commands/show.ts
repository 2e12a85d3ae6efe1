/**
 * `scf-release show <workflow-id>`: one release or sync — steps, timings, per-region results,
 * compensations and errors — from its result, or from its progress query while it runs.
 */
import type { Command } from 'commander';
import { renderRun } from '../audit/render-run';
import { loadRun } from '../audit/show';
import { fleetReport, resolveRelease } from '../api';
import { CliError, EXIT } from '../exit-codes';
import { renderFleetReportPage, renderFleetResult } from '../render/fleet-summary';
import { styleFor, terminalWidth } from '../render/text';
import { FLEET_REPORT_PAGE_MAX, fleetProgressQuery, type FleetResult } from '../../workflows/definitions';
import type { TemporalTarget } from '../connection';
import { withTemporal } from './shared';

interface ShowFlags {
  json?: boolean;
  offset: string;
  limit: string;
}

/** A fleet: its result (or progress) and a page of its per-function report. */
async function showFleet({ client }: TemporalTarget, workflowId: string, flags: ShowFlags): Promise<void> {
  const offset = Number(flags.offset);
  const limit = Number(flags.limit);
  if (!Number.isInteger(offset) || offset < 0) throw new CliError('--offset takes a whole number from 0', EXIT.INVALID_INPUT);
  if (!Number.isInteger(limit) || limit < 1 || limit > FLEET_REPORT_PAGE_MAX) throw new CliError(`--limit takes a whole number from 1 to ${FLEET_REPORT_PAGE_MAX}`, EXIT.INVALID_INPUT);
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const running = description.status.name === 'RUNNING';
  const overview = running ? { progress: await handle.query(fleetProgressQuery) } : { result: (await handle.result()) as FleetResult };
  const page = await fleetReport(client, workflowId, { offset, limit });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ workflowId, status: description.status.name, ...overview, report: page }, null, 2)}\n`);
    return;
  }
  const style = styleFor(process.stdout);
  const head =
    'result' in overview
      ? renderFleetResult(overview.result!, style)
      : [`${style.bold(workflowId)} running: ${overview.progress.totals.done}/${overview.progress.totals.total} done, ${overview.progress.totals.running} running, ${overview.progress.totals.failed} failed`];
  process.stdout.write(`${[...head, '', ...renderFleetReportPage(page, style)].join('\n')}\n`);
}

export function registerShowCommand(program: Command): void {
  program
    .command('show <id>')
    .description('show one release, fleet or sync: a workflow id (release/default/my-fn/r-123, fleet/fl-..., sync/nightly-...) or a short release id (r-...)')
    .option('--json', 'print JSON instead of text')
    .option('--offset <n>', 'a fleet: the first function of the page (from 0)', '0')
    .option('--limit <n>', 'a fleet: functions per page', '50')
    .action(async (id: string, flags: ShowFlags) => {
      await withTemporal(async (target) => {
        if (id.startsWith('fleet/')) return showFleet(target, id, flags);
        const { client, namespace, uiUrl } = target;
        // As status, watch and abort resolve it; an unknown id is bad input (64) either way.
        const workflowId = await resolveRelease(client, { id });
        const view = await loadRun(client, workflowId, { namespace, uiUrl });
        process.stdout.write(flags.json ? `${JSON.stringify(view, null, 2)}\n` : renderRun(view, { width: terminalWidth(process.stdout) }));
      });
    });
}
