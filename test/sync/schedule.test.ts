import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Command } from 'commander';
import { registerSyncCommand } from '../../client/commands/sync';
import { describeSyncSchedule, type SyncScheduleView } from '../../client/schedules/sync-schedule';
import { eventually } from '../harness/eventually';
import { runCli } from '../harness/run-cli';
import { connectTestEnv, uniqueTaskQueue } from '../harness/temporal';

const sync = (program: Command) => registerSyncCommand(program);

describe('scf-release sync schedule', () => {
  let env: TestWorkflowEnvironment;
  // No worker polls this queue: a triggered sync stays Running, which is what the SKIP check needs.
  const taskQueue = uniqueTaskQueue('schedule');
  const scheduleId = `nightly-${taskQueue}`;

  beforeAll(async () => {
    env = await connectTestEnv();
  });
  afterAll(async () => {
    await env.client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
    for await (const run of env.client.workflow.list({ query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"` })) {
      await env.client.workflow.getHandle(run.workflowId, run.runId).terminate('test cleanup');
    }
    await env?.teardown();
  });

  it('when a schedule is created with cron, time zone, catch-up window, jitter and note, then describe shows them with overlap SKIP', async () => {
    const created = await runCli(sync, [
      'sync', 'schedule', 'create', scheduleId,
      '--cron', '0 3 * * *', '--timezone', 'Asia/Shanghai', '--catchup-window', '1h', '--jitter', '5m',
      '--note', 'nightly drift repair',
      '--source', 'ap-guangzhou', '--targets', 'ap-shanghai,ap-beijing', '--match', 'api-', '--what', 'alias:live',
      '--task-queue', taskQueue,
    ]);
    expect(created).toMatchObject({ exitCode: 0 });
    expect(created.stdout).toContain(`/namespaces/default/schedules/${scheduleId}`);

    const described = await runCli(sync, ['sync', 'schedule', 'describe', scheduleId, '--json']);
    const view = JSON.parse(described.stdout) as SyncScheduleView;
    expect(view).toMatchObject({
      scheduleId,
      cron: '0 3 * * *',
      timezone: 'Asia/Shanghai',
      paused: false,
      note: 'nightly drift repair',
      overlap: 'SKIP',
      catchupWindowMs: 3_600_000,
      jitterMs: 300_000,
    });
    expect(view.summary).toBe(
      'Sync of functions matching "api-" (default): the version alias live serves from ap-guangzhou to ap-shanghai, ap-beijing',
    );
    // 03:00 in Shanghai (UTC+8) is 19:00 UTC; jitter only ever delays.
    expect(new Date(view.nextRuns[0]!).getUTCHours()).toBe(19);

    const action = (await env.client.schedule.getHandle(scheduleId).describe()).action;
    expect(action).toMatchObject({ type: 'startWorkflow', workflowType: 'syncWorkflow', taskQueue, workflowId: `sync/${scheduleId}` });
    expect(action.args).toEqual([
      expect.objectContaining({ startedBy: `schedule:${scheduleId}`, dryRun: false, what: { kind: 'alias', alias: 'live' } }),
    ]);
  });

  it('when the schedule is triggered twice while its sync still runs, then only one sync starts (SKIP, not the SDK default ALLOW_ALL)', async () => {
    expect(await runCli(sync, ['sync', 'schedule', 'trigger', scheduleId])).toMatchObject({ exitCode: 0 });
    const first = await eventually(() => describeSyncSchedule(env.client, scheduleId), (v) => v.runningWorkflowIds.length === 1);
    expect(first.runningWorkflowIds[0]).toMatch(new RegExp(`^sync/${scheduleId}-`));

    expect(await runCli(sync, ['sync', 'schedule', 'trigger', scheduleId])).toMatchObject({ exitCode: 0 });
    // The server has handled the second trigger once it counts it as skipped for the overlap.
    const skipped = await eventually(
      async () => (await env.client.schedule.getHandle(scheduleId).describe()).info.numActionsSkippedOverlap,
      (n) => n === 1,
    );
    expect(skipped).toBe(1);
    const after = await describeSyncSchedule(env.client, scheduleId);
    expect(after.runningWorkflowIds).toEqual(first.runningWorkflowIds);
    expect(after.recentRuns).toHaveLength(1);

    const listed = await runCli(sync, ['sync', 'schedule', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`${scheduleId}\\s+0 3 \\* \\* \\*\\s+Asia/Shanghai\\s+no`));
  });

  it('when the schedule is paused and unpaused, then describe shows the state and the note', async () => {
    expect(await runCli(sync, ['sync', 'schedule', 'pause', scheduleId, '--note', 'freeze week'])).toMatchObject({ exitCode: 0 });
    expect(await describeSyncSchedule(env.client, scheduleId)).toMatchObject({ paused: true, note: 'freeze week' });
    const described = await runCli(sync, ['sync', 'schedule', 'describe', scheduleId]);
    expect(described.stdout).toContain('(PAUSED)');

    expect(await runCli(sync, ['sync', 'schedule', 'unpause', scheduleId])).toMatchObject({ exitCode: 0 });
    // Without --note, the user's note stays: unpause does not overwrite it with its own.
    expect(await describeSyncSchedule(env.client, scheduleId)).toMatchObject({ paused: false, note: 'freeze week' });
    expect(await runCli(sync, ['sync', 'schedule', 'pause', scheduleId])).toMatchObject({ exitCode: 0 });
    expect(await describeSyncSchedule(env.client, scheduleId)).toMatchObject({ paused: true, note: 'freeze week' });
    expect(await runCli(sync, ['sync', 'schedule', 'unpause', scheduleId])).toMatchObject({ exitCode: 0 });
  });

  it('when describe prints the policies, then durations read as the user typed them (1h, 5m), not milliseconds', async () => {
    const described = await runCli(sync, ['sync', 'schedule', 'describe', scheduleId]);
    expect(described.stdout).toContain('catch-up window 1h, jitter 5m');
    expect(described.stdout).not.toMatch(/\d ms/);
  });

  it('when the schedule is updated, then the cron, window and jitter change and the note is kept unless --note is given', async () => {
    const updated = await runCli(sync, ['sync', 'schedule', 'update', scheduleId, '--cron', '30 4 * * *', '--catchup-window', '2h', '--jitter', '1m']);
    expect(updated).toMatchObject({ exitCode: 0 });
    expect(await describeSyncSchedule(env.client, scheduleId)).toMatchObject({
      cron: '30 4 * * *', timezone: 'Asia/Shanghai', catchupWindowMs: 7_200_000, jitterMs: 60_000, note: 'freeze week', paused: false,
    });
    // 04:30 in Shanghai is 20:30 UTC.
    expect(new Date((await describeSyncSchedule(env.client, scheduleId)).nextRuns[0]!).getUTCHours()).toBe(20);
    expect(await runCli(sync, ['sync', 'schedule', 'update', scheduleId, '--note', 'back to normal'])).toMatchObject({ exitCode: 0 });
    expect(await describeSyncSchedule(env.client, scheduleId)).toMatchObject({ cron: '30 4 * * *', note: 'back to normal' });
    const bad = await runCli(sync, ['sync', 'schedule', 'update', scheduleId, '--cron', '0 3 * *']);
    expect(bad.exitCode).toBe(64);
  });

  it('when the schedule is deleted, then describing it is an input error naming the id', async () => {
    expect(await runCli(sync, ['sync', 'schedule', 'delete', scheduleId])).toMatchObject({ exitCode: 0 });
    const described = await runCli(sync, ['sync', 'schedule', 'describe', scheduleId]);
    expect(described.exitCode).toBe(64);
    expect(described.stderr).toBe(`scf-release: no schedule with id ${scheduleId}\n`);
  });

  it('when create gets bare numbers for the catch-up window and jitter, then they are seconds, as in the manifest', async () => {
    const id = `${scheduleId}-seconds`;
    try {
      const created = await runCli(sync, [
        'sync', 'schedule', 'create', id, '--cron', '0 3 * * *', '--catchup-window', '90', '--jitter', '30', '--paused',
        '--source', 'ap-guangzhou', '--targets', 'ap-shanghai', '--functions', 'fn-a', '--task-queue', taskQueue,
      ]);
      expect(created).toMatchObject({ exitCode: 0 });
      expect(await describeSyncSchedule(env.client, id)).toMatchObject({ catchupWindowMs: 90_000, jitterMs: 30_000 });
    } finally {
      await env.client.schedule.getHandle(id).delete().catch(() => undefined);
    }
  });

  it('when create gets --notify with and without events, then each run\'s input names the channels and their events (all sync events by default)', async () => {
    const id = `${scheduleId}-notify`;
    try {
      const created = await runCli(sync, [
        'sync', 'schedule', 'create', id, '--cron', '0 3 * * *', '--paused',
        '--source', 'ap-guangzhou', '--targets', 'ap-shanghai', '--functions', 'fn-a', '--task-queue', taskQueue,
        '--notify', 'ops:failed,rollback-failed', '--notify', 'chat',
      ]);
      expect(created).toMatchObject({ exitCode: 0 });
      const action = (await env.client.schedule.getHandle(id).describe()).action;
      expect(action.type === 'startWorkflow' && action.args?.[0]).toMatchObject({
        notify: [
          { channel: 'ops', events: ['failed', 'rollback-failed'] },
          { channel: 'chat', events: ['started', 'succeeded', 'failed', 'rollback-failed', 'aborted'] },
        ],
      });
    } finally {
      await env.client.schedule.getHandle(id).delete().catch(() => undefined);
    }
  });

  it('when --notify names an event a sync does not send or no channel, then create is refused naming the flag, with a suggestion', async () => {
    const base = ['sync', 'schedule', 'create', 'bad-notify', '--cron', '0 3 * * *', '--source', 'ap-guangzhou', '--targets', 'ap-shanghai', '--functions', 'fn-a'];
    const typo = await runCli(sync, [...base, '--notify', 'ops:faild']);
    expect(typo.exitCode).toBe(64);
    expect(typo.error?.message).toMatch(/^--notify ops:faild: "faild" is not a sync event; one of started, succeeded, failed, rollback-failed, aborted — did you mean failed\?$/);
    const releaseOnly = await runCli(sync, [...base, '--notify', 'ops:awaiting-approval']);
    expect(releaseOnly.error?.message).toMatch(/"awaiting-approval" is not a sync event/);
    const noChannel = await runCli(sync, [...base, '--notify', ':failed']);
    expect(noChannel.error?.message).toMatch(/^--notify :failed: name a channel of the worker's SCF_NOTIFY_CHANNELS, e\.g\. ops or ops:failed,rollback-failed$/);
    await expect(env.client.schedule.getHandle('bad-notify').describe()).rejects.toThrow();
  });

  it('when create gets a bad cron, time zone or region, then it is refused before anything is created', async () => {
    const base = ['sync', 'schedule', 'create', 'bad-one', '--source', 'ap-guangzhou', '--targets', 'ap-shanghai', '--functions', 'fn-a'];
    for (const [extra, message] of [
      [['--cron', '0 3 * *'], /5 fields/],
      [['--cron', '0 3 * * *', '--timezone', 'Mars/Olympus'], /unknown IANA time zone/],
      [['--cron', '0 3 * * *', '--jitter', 'soon'], /--jitter takes a duration/],
    ] as const) {
      const run = await runCli(sync, [...base, ...extra]);
      expect(run.exitCode).toBe(64);
      expect(run.error?.message).toMatch(message);
    }
    const badRegion = await runCli(sync, ['sync', 'schedule', 'create', 'bad-one', '--cron', '0 3 * * *', '--source', 'ap-guangzhou', '--targets', 'ap-mars', '--functions', 'fn-a']);
    expect(badRegion.error?.message).toMatch(/unknown region\(s\) ap-mars/);
    const typo = await runCli(sync, ['sync', 'schedule', 'create', 'bad-one', '--cron', '0 3 * * *', '--source', 'ap-guangzhou', '--targets', 'ap-shangai', '--functions', 'fn-a']);
    expect(typo.error?.message).toMatch(/unknown region\(s\) ap-shangai; .* — did you mean ap-shanghai\?$/);
    await expect(env.client.schedule.getHandle('bad-one').describe()).rejects.toThrow();
  });
});
