/**
 * `scf-release sync schedule create|list|describe|update|pause|unpause|trigger|delete`: Temporal Schedules
 * that run the region sync on a cron. Each one shows in the Temporal UI's Schedules page with its
 * recent and upcoming runs.
 */
import type { Command } from 'commander';
import { renderTable, shortTime } from '../render/table';
import { scheduleUiLink } from '../ui-links';
import { terminalWidth } from '../render/text';
import { CliError, EXIT } from '../exit-codes';
import { formatDurationMs } from '../../workflows/durations';
import {
  createSyncSchedule,
  deleteSyncSchedule,
  describeSyncSchedule,
  listSyncSchedules,
  setSyncSchedulePaused,
  triggerSyncSchedule,
  updateSyncSchedule,
  type SyncScheduleView,
} from '../schedules/sync-schedule';
import { defaultStartedBy } from '../release-id';
import { addSyncFlags, syncInputFromFlags, type SyncFlags } from '../schedules/sync-options';
import { durationFlag, withTemporal } from './shared';

interface CreateFlags extends SyncFlags {
  cron: string;
  timezone: string;
  catchupWindow: string;
  jitter?: string;
  note?: string;
  taskQueue?: string;
  paused?: boolean;
}

/** A catch-up window or jitter longer than a year is a typo (or milliseconds without `ms`). */
const MAX_SCHEDULE_DURATION_MS = 365 * 86_400_000;

const SCHEDULE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function registerSyncScheduleCommands(sync: Command): void {
  const schedule = sync.command('schedule').description('manage the Temporal Schedules that run the sync');

  addSyncFlags(
    schedule
      .command('create <scheduleId>')
      .description('create a schedule (overlap policy SKIP: a run never starts while the last one runs)')
      .requiredOption('--cron <expr>', '5-field cron, e.g. "0 3 * * *"')
      .option('--timezone <tz>', 'IANA time zone the cron is read in', 'UTC')
      .option('--catchup-window <duration>', 'missed runs within this window still run after an outage (500ms, 30s, 5m, 1h; a bare number is seconds)', '1h')
      .option('--jitter <duration>', 'random delay added to each run, e.g. 5m (a bare number is seconds)')
      .option('--note <text>', 'a note shown with the schedule')
      .option('--task-queue <queue>', 'the workers\' task queue')
      .option('--paused', 'create it paused'),
  ).action(async (scheduleId: string, flags: CreateFlags) => {
    checkScheduleId(scheduleId);
    const spec = {
      scheduleId,
      cron: checkCron(flags.cron),
      timezone: checkTimezone(flags.timezone),
      catchupWindow: durationFlag('--catchup-window', flags.catchupWindow, MAX_SCHEDULE_DURATION_MS),
      jitter: flags.jitter ? durationFlag('--jitter', flags.jitter, MAX_SCHEDULE_DURATION_MS) : undefined,
      note: flags.note,
      sync: syncInputFromFlags(flags),
      createdBy: defaultStartedBy(),
      taskQueue: flags.taskQueue,
      paused: flags.paused,
    };
    await withTemporal(async ({ client, namespace, uiUrl }) => {
      await createSyncSchedule(client, spec);
      process.stdout.write(`Created schedule ${scheduleId}: ${scheduleUiLink(uiUrl, namespace, scheduleId)}\n`);
    });
  });

  schedule
    .command('list')
    .description('list the sync schedules with their last and next runs')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await withTemporal(async ({ client }) => {
        const views = await listSyncSchedules(client);
        if (flags.json) return void process.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
        process.stdout.write(
          renderTable(
            ['SCHEDULE', 'CRON', 'TIME ZONE', 'PAUSED', 'LAST RUN', 'NEXT RUN', 'WHAT'],
            views.map((v) => [
              v.scheduleId,
              v.cron ?? '',
              v.timezone ?? '',
              v.paused ? 'yes' : 'no',
              shortTime(v.recentRuns.at(-1)?.takenAt),
              shortTime(v.nextRuns[0]),
              v.summary ?? '',
            ]),
            { width: terminalWidth(process.stdout) },
          ),
        );
      });
    });

  schedule
    .command('describe <scheduleId>')
    .description('show one schedule: spec, policies, recent and upcoming runs')
    .option('--json', 'print JSON')
    .action(async (scheduleId: string, flags: { json?: boolean }) => {
      await withTemporal(async ({ client, namespace, uiUrl }) => {
        const view = await describeSyncSchedule(client, scheduleId);
        process.stdout.write(flags.json ? `${JSON.stringify(view, null, 2)}\n` : renderSchedule(view, scheduleUiLink(uiUrl, namespace, scheduleId)));
      });
    });

  schedule
    .command('update <scheduleId>')
    .description('change a schedule\'s cron, time zone, catch-up window, jitter or note; what is not given stays (the note too)')
    .option('--cron <expr>', '5-field cron, e.g. "0 3 * * *"')
    .option('--timezone <tz>', 'IANA time zone the cron is read in')
    .option('--catchup-window <duration>', 'missed runs within this window still run after an outage')
    .option('--jitter <duration>', 'random delay added to each run')
    .option('--note <text>', 'a new note')
    .action(async (scheduleId: string, flags: Partial<Pick<CreateFlags, 'cron' | 'timezone' | 'catchupWindow' | 'jitter' | 'note'>>) => {
      const changes = {
        cron: flags.cron === undefined ? undefined : checkCron(flags.cron),
        timezone: flags.timezone === undefined ? undefined : checkTimezone(flags.timezone),
        catchupWindow: flags.catchupWindow === undefined ? undefined : durationFlag('--catchup-window', flags.catchupWindow, MAX_SCHEDULE_DURATION_MS),
        jitter: flags.jitter === undefined ? undefined : durationFlag('--jitter', flags.jitter, MAX_SCHEDULE_DURATION_MS),
        note: flags.note,
      };
      await withTemporal(async ({ client }) => {
        await updateSyncSchedule(client, scheduleId, changes);
        process.stdout.write(`Updated schedule ${scheduleId}.\n`);
      });
    });

  for (const [name, description, paused] of [
    ['pause', 'pause a schedule (runs stop until unpaused)', true],
    ['unpause', 'unpause a schedule', false],
  ] as const) {
    schedule
      .command(`${name} <scheduleId>`)
      .description(description)
      .option('--note <text>', 'why (replaces the schedule\'s note; without it the note is kept)')
      .action(async (scheduleId: string, flags: { note?: string }) => {
        await withTemporal(async ({ client }) => {
          await setSyncSchedulePaused(client, scheduleId, paused, flags.note);
          process.stdout.write(`Schedule ${scheduleId} ${name}d.\n`);
        });
      });
  }

  schedule
    .command('trigger <scheduleId>')
    .description('run the schedule\'s sync now (skipped if one is still running)')
    .action(async (scheduleId: string) => {
      await withTemporal(async ({ client }) => {
        await triggerSyncSchedule(client, scheduleId);
        process.stdout.write(`Triggered ${scheduleId} (overlap SKIP: nothing starts while its last sync runs).\n`);
      });
    });

  schedule
    .command('delete <scheduleId>')
    .description('delete a schedule (a sync it already started keeps running)')
    .action(async (scheduleId: string) => {
      await withTemporal(async ({ client }) => {
        await deleteSyncSchedule(client, scheduleId);
        process.stdout.write(`Deleted schedule ${scheduleId}.\n`);
      });
    });
}

function renderSchedule(view: SyncScheduleView, link: string): string {
  return [
    `Schedule ${view.scheduleId}${view.paused ? ' (PAUSED)' : ''}`,
    `  What:       ${view.summary ?? '-'}`,
    `  Cron:       ${view.cron ?? '-'} in ${view.timezone ?? 'UTC'}`,
    `  Policies:   overlap ${view.overlap}, catch-up window ${formatDurationMs(view.catchupWindowMs ?? 0)}, jitter ${formatDurationMs(view.jitterMs ?? 0)}`,
    `  Note:       ${view.note ?? ''}`,
    `  Running:    ${view.runningWorkflowIds.join(', ') || 'nothing'}`,
    `  Recent:     ${view.recentRuns.map((r) => `${shortTime(r.takenAt)} ${r.workflowId}`).join('\n              ') || 'none yet'}`,
    `  Next:       ${view.nextRuns.slice(0, 3).map(shortTime).join(', ')}`,
    `  Web UI:     ${link}`,
    '',
  ].join('\n');
}

function checkScheduleId(id: string): void {
  if (!SCHEDULE_ID.test(id)) throw new CliError('a schedule id is letters, digits, ".", "_" and "-" (max 100)', EXIT.INVALID_INPUT);
}

function checkCron(cron: string): string {
  // Five fields only: Temporal also takes 6-7 field and @-forms, but a fixed shape keeps schedules readable.
  if (cron.trim().split(/\s+/).length !== 5) throw new CliError(`--cron takes 5 fields ("0 3 * * *"), not "${cron}"`, EXIT.INVALID_INPUT);
  return cron.trim();
}

function checkTimezone(timezone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return timezone;
  } catch {
    throw new CliError(`--timezone: unknown IANA time zone "${timezone}" (e.g. Asia/Shanghai, UTC)`, EXIT.INVALID_INPUT);
  }
}
