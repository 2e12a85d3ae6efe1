/**
 * A release tells the manifest's channels about its events through the notify activity: a local
 * receiver checks each signature; a channel whose receiver fails is reported in the result, and the
 * release still succeeds.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { approveRelease } from '../../client/api';
import type { NotifyChannel } from '../../activities/notify';
import { progressQuery } from '../../workflows/definitions';
import { eventually } from '../harness/eventually';
import { useScfWorld } from '../harness/use-scf-world';
import { ALIAS, newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
import { startRelease } from './world-helpers';

const SECRET = 'release-notify-secret';

describe('release notifications', () => {
  const received: Array<{ event: string; verified: boolean }> = [];
  const channels: Record<string, NotifyChannel> = {};
  const trustedHosts: string[] = [];
  let server: http.Server;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/down') return void res.writeHead(503).end('maintenance');
        const body = Buffer.concat(chunks).toString('utf8');
        const [, t, v1] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(String(req.headers['x-scf-release-signature'])) ?? [];
        received.push({ event: JSON.parse(body).event, verified: !!t && v1 === createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex') });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Loopback is contacted only because it is named here, explicitly, as a trusted host.
    trustedHosts.push(host);
    channels.ops = { format: 'generic', url: `http://${host}/hook`, secret: SECRET };
    channels.down = { format: 'generic', url: `http://${host}/down` };
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
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
    expect(received).toEqual([
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
