/**
 * `scf-release history`: releases, rollbacks and syncs, newest first, filtered through the custom
 * search attributes, each with its Web UI link.
 */
import type { Command } from 'commander';
import { listHistory } from '../audit/history';
import { renderTable, shortTime } from '../audit/table';
import { buildVisibilityQuery, parseSince } from '../audit/visibility-query';
import { CliError, EXIT } from '../exit-codes';
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
        process.stdout.write(
          renderTable(
            ['STARTED', 'KIND', 'FUNCTION', 'STATUS', 'VERSION', 'REGIONS', 'BY', 'WORKFLOW ID', 'WEB UI'],
            rows.map((row) => [
              shortTime(row.startTime),
              row.kind ?? '',
              row.functionName ? `${row.namespace ?? 'default'}/${row.functionName}` : (row.namespace ?? ''),
              row.status,
              row.version ?? '',
              row.regions.join(','),
              row.startedBy ?? '',
              row.workflowId,
              row.uiLink,
            ]),
          ),
        );
        process.stdout.write(`\n${rows.length} run(s). In the Web UI: ${workflowListUiLink(uiUrl, namespace, query)}\n`);
      });
    });
}
