/**
 * A sync tells the channels its input names (`notify`, from `sync run` / `sync schedule create
 * --notify`) that it started and how it ended, through the notify activity: a local receiver checks
 * each signature; a failing channel is in the report and never changes the sync's outcome.
 */
import { useNotifyReceiver } from '../harness/notify-receiver';
import { useScfWorld } from '../harness/use-scf-world';
import { EXISTING, SOURCE, outcomeOf, runSyncOn, seed, syncInput, uniquePrefix } from './sync-fixtures';

const SECRET = 'sync-notify-secret';

describe('sync notifications', () => {
  const receiver = useNotifyReceiver(SECRET);
  const t = useScfWorld({ notify: { channels: receiver.channels, trustedHosts: receiver.trustedHosts } });
  afterEach(() => t.world.sim.admin.clearFaults());

  const receivedFor = (workflowId: string) =>
    receiver.received.filter((r) => r.message.workflowId === workflowId).map(({ message, verified }) => ({ event: message.event, kind: message.kind, verified }));

  it('when a sync with notify writes a drifted region, then the channel gets started and succeeded, signed, naming the sync', async () => {
    const { env, world } = t;
    const fn = `${uniquePrefix('ntf-ok')}fn`;
    seed(world, SOURCE, fn, 'new');
    seed(world, EXISTING, fn, 'old');

    const { report, handle } = await runSyncOn(
      env,
      world,
      syncInput({ functions: { names: [fn] }, targetRegions: [EXISTING], notify: [{ channel: 'ops', events: ['started', 'succeeded', 'failed'] }] }),
    );

    expect(outcomeOf(report, fn, EXISTING)).toMatchObject({ outcome: 'synced' });
    expect(receivedFor(handle.workflowId)).toEqual([
      { event: 'started', kind: 'sync', verified: true },
      { event: 'succeeded', kind: 'sync', verified: true },
    ]);
    const ended = receiver.received.find((r) => r.message.workflowId === handle.workflowId && r.message.event === 'succeeded')!.message;
    expect(ended).toMatchObject({ functionName: fn, namespace: 'default', regions: [SOURCE, EXISTING], startedBy: 'sync-test', status: 'Succeeded', summary: report.summary });
    expect(report.notifications).toEqual([
      { event: 'started', channel: 'ops', ok: true },
      { event: 'succeeded', channel: 'ops', ok: true },
    ]);
  });

  it('when a region fails and is undone, then the channel gets failed, and a failing channel is in the report while the region stays reported as it was', async () => {
    const { env, world } = t;
    const fn = `${uniquePrefix('ntf-bad')}fn`;
    seed(world, SOURCE, fn, 'new');
    seed(world, EXISTING, fn, 'old');
    world.sim.admin.failNextPublish({ region: EXISTING, functionName: fn, errorCode: 'InternalError.System', errorMessage: 'publish broke' });

    const { report, handle } = await runSyncOn(
      env,
      world,
      syncInput({
        functions: { names: [fn] },
        targetRegions: [EXISTING],
        notify: [
          { channel: 'ops', events: ['failed', 'rollback-failed'] },
          { channel: 'down', events: ['failed'] },
        ],
      }),
    );

    expect(outcomeOf(report, fn, EXISTING)).toMatchObject({ outcome: 'failed' });
    expect(receivedFor(handle.workflowId)).toEqual([{ event: 'failed', kind: 'sync', verified: true }]);
    expect(report.notifications).toEqual([
      { event: 'failed', channel: 'ops', ok: true },
      { event: 'failed', channel: 'down', ok: false, error: expect.stringContaining('answered HTTP 503: maintenance') },
    ]);
  });
});
