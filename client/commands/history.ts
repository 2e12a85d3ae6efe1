/**
 * `scf-release history`: releases, rollbacks and syncs, newest first, filtered through the custom
 * search attributes, each with its Web UI link.
 */
import type { Command } from 'commander';
import { listHistory, type HistoryRow } from '../audit/history';
import { renderTable, shortTime } from '../render/table';
import { buildVisibilityQuery, parseSince } from '../audit/visibility-query';
import { CliError, EXIT } from '../exit-codes';
import { terminalWidth } from '../render/text';
import { workflowListUiLink } from '../ui-links';
import { withTemporal } from './shared';

interface HistoryFlags {
  function?: string;
  namespace?: string;
  region?: string;
  status?: string;
  kind?: string;
  since?: string;
  by?: string;
  fleet?: string;
  limit: string;
  json?: boolean;
  wide?: boolean;
}

export function registerHistoryCommand(program: Command): void {
  program
    .command('history')
    .description('list releases, fleets and syncs, newest first')
    .option('--function <name>', 'only this function')
    .option('--namespace <ns>', 'only this SCF namespace')
    .option('--region <region>', 'only runs that touched this region')
    .option('--status <status>', 'Running | Succeeded | NoOp | RolledBack | RollbackFailed | Aborted | Failed (fleets)')
    .option('--kind <kind>', 'release | sync | rollback | fleet')
    .option('--fleet <id>', 'a fleet and its releases (FleetId)')
    .option('--since <when>', 'a duration back from now (7d, 12h, 30m) or an ISO time')
    .option('--by <who>', 'only runs started by this user (schedules start as schedule:<id>)')
    .option('--limit <n>', 'at most this many runs', '50')
    .option('--json', 'print JSON instead of a table')
    .option('--wide', 'full workflow ids and each run\'s Web UI link (wider than most terminals)')
    .action(async (flags: HistoryFlags) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new CliError('--limit takes a positive whole number', EXIT.INVALID_INPUT);
      // Built (and so every filter checked) before connecting: a bad filter is refused even with Temporal down.
      const query = buildVisibilityQuery({
        functionName: flags.function,
        namespace: flags.namespace,
        region: flags.region,
        status: flags.status,
        kind: flags.kind,
        since: flags.since ? parseSince(flags.since) : undefined,
        startedBy: flags.by,
        fleetId: flags.fleet,
      });
      await withTemporal(async ({ client, namespace, uiUrl }) => {
        const rows = await listHistory(client, { query, limit, namespace, uiUrl });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ query, runs: rows }, null, 2)}\n`);
          return;
        }
        // The ids `show`, `status` and `watch` take; --wide adds the full ids and the links.
        const width = flags.wide ? undefined : terminalWidth(process.stdout);
        const functionOf = (row: HistoryRow) => (row.functionName ? `${row.namespace ?? 'default'}/${row.functionName}` : (row.namespace ?? ''));
        // In a terminal, a function every row shares is said once above the table instead of in each row.
        const oneFunction = width !== undefined && rows.length > 0 && rows.every((row) => functionOf(row) === functionOf(rows[0]!)) ? functionOf(rows[0]!) : undefined;
        if (oneFunction) process.stdout.write(`Function ${oneFunction}\n\n`);
        const columns: Array<[string, (row: HistoryRow) => string]> = [
          ['STARTED', (row) => shortTime(row.startTime)],
          ['KIND', (row) => row.kind ?? ''],
          ...(oneFunction ? [] : [['FUNCTION', functionOf] as [string, (row: HistoryRow) => string]]),
          ['STATUS', (row) => row.status],
          ['VERSION', (row) => row.version ?? ''],
          // In a terminal the list may wrap between regions.
          ['REGIONS', (row) => row.regions.join(width === undefined ? ',' : ', ')],
          ['BY', (row) => row.startedBy ?? ''],
          flags.wide ? ['WORKFLOW ID', (row) => row.workflowId] : ['ID', (row) => shortRunId(row.workflowId)],
          ...(flags.wide ? [['WEB UI', (row: HistoryRow) => row.uiLink] as [string, (row: HistoryRow) => string]] : []),
        ];
        process.stdout.write(
          renderTable(
            columns.map(([header]) => header),
            rows.map((row) => columns.map(([, cell]) => cell(row))),
            // A release id tells its start time too: in a narrow terminal BY, then STARTED, give way first.
            { width, optional: ['BY', 'STARTED'], keep: ['ID'] },
          ),
        );
        process.stdout.write(`\n${rows.length} run(s). In the Web UI: ${workflowListUiLink(uiUrl, namespace, query)}\n`);
      });
    });
}

/** `release/<ns>/<fn>/r-...` → `r-...` (the table already names the function); a sync keeps its id. */
function shortRunId(workflowId: string): string {
  return workflowId.startsWith('release/') ? workflowId.slice(workflowId.lastIndexOf('/') + 1) : workflowId;
}
