/**
 * A release tells the manifest's channels about its events through the notify activity: a local
 * receiver checks each signature; a channel whose receiver fails is reported in the result, and the
 * release still succeeds.
 */
import { approveRelease } from '../../client/api';
import { progressQuery } from '../../workflows/definitions';
import { eventually } from '../harness/eventually';
import { useNotifyReceiver } from '../harness/notify-receiver';
import { useScfWorld } from '../harness/use-scf-world';
import { ALIAS, newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
import { startRelease } from './world-helpers';

const SECRET = 'release-notify-secret';

describe('release notifications', () => {
  const { channels, trustedHosts, received } = useNotifyReceiver(SECRET);
  const t = useScfWorld({ notify: { channels, trustedHosts } });

  it('when a gated release runs with notify, then each event reaches the channel signed, and a failing channel is in the result while the release succeeds', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('notify');
    await seedWorld(world, functionName);
    const input = releaseInput(functionName, world.makePackage(newCode()), {
      regions: [],
      alias: { name: ALIAS, requireApproval: true, steps: [{ percent: 100, bakeSeconds: 0 }] },
      notify: [
        { channel: 'ops', events: ['started', 'awaiting-approval', 'succeeded', 'rolled-back'] },
        { channel: 'down', events: ['succeeded'] },
      ],
    });
    const handle = await startRelease(env, world, input);
    const result = await world.runWorker(async () => {
      await eventually(() => handle.query(progressQuery), (p) => p.awaitingApproval);
      await approveRelease(env.client, handle.workflowId, 'alice');
      return handle.result();
    });

    expect(result.status).toBe('Succeeded');
    expect(received.map(({ message, verified }) => ({ event: message.event, verified }))).toEqual([
      { event: 'started', verified: true },
      { event: 'awaiting-approval', verified: true },
      { event: 'succeeded', verified: true },
    ]);
    expect(result.notifications).toEqual([
      { event: 'started', channel: 'ops', ok: true },
      { event: 'awaiting-approval', channel: 'ops', ok: true },
      { event: 'succeeded', channel: 'ops', ok: true },
      { event: 'succeeded', channel: 'down', ok: false, error: expect.stringContaining('answered HTTP 503: maintenance') },
    ]);
  });
});
