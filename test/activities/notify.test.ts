/**
 * Notifications against local receivers that check what each service checks: the generic signature,
 * DingTalk's and Feishu's signs, the formats' shapes; a receiver that fails is reported, never thrown.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseNotifyChannels, sendNotifications, type NotificationMessage, type NotificationRecord, type NotifyChannel } from '../../activities/notify';
import { FetchPolicy } from '../../activities/url-policy';
import { MockActivityEnvironment } from '@temporalio/testing';
import { recordingMeter } from '../harness/recording-meter';
import { activitiesWith } from './fake-scf';

const SECRET = 'notify-secret';
const NOW = 1_764_633_600;
const message: NotificationMessage = {
  event: 'rolled-back',
  kind: 'release',
  workflowId: 'release/default/hello/r-1',
  namespace: 'default',
  functionName: 'hello',
  regions: ['ap-guangzhou'],
  startedBy: 'alice',
  summary: 'rolled back after VerificationFailed',
  status: 'RolledBack',
};

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe('notifications', () => {
  const received: Received[] = [];
  let server: http.Server;
  let host: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = req.url?.startsWith('/broken') ? 500 : 200;
        res.end(req.url?.startsWith('/broken') ? 'receiver down' : '{"errcode":0}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (received.length = 0));

  // Loopback is allowed only because the test names it as a trusted host explicitly.
  const send = (channels: Record<string, NotifyChannel>, names: string[], trusted = true) =>
    sendNotifications(
      { channels, policy: new FetchPolicy({ hosts: [], listName: 'SCF_NOTIFY_HOSTS', trustedHosts: trusted ? [host] : [] }), now: () => NOW },
      { message, channels: names },
    );

  it('when a generic channel has a secret, then the receiver can verify the HMAC-SHA256 over "timestamp.body"', async () => {
    const records = await send({ ops: { format: 'generic', url: `http://${host}/hook`, secret: SECRET } }, ['ops']);
    expect(records).toEqual([{ event: 'rolled-back', channel: 'ops', ok: true }]);
    const [{ headers, body }] = received;
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers['x-scf-release-signature']))!;
    expect(Number(t)).toBe(NOW);
    expect(v1).toBe(createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex'));
    expect(JSON.parse(body)).toEqual(message);
  });

  it('when DingTalk and Feishu channels have secrets, then each carries the sign its service computes', async () => {
    await send(
      { ding: { format: 'dingtalk', url: `http://${host}/robot/send?access_token=abc`, secret: SECRET }, fei: { format: 'feishu', url: `http://${host}/open-apis/bot/v2/hook/x`, secret: SECRET } },
      ['ding', 'fei'],
    );
    const ding = received.find((r) => r.path.startsWith('/robot'))!;
    const query = new URL(`http://x${ding.path}`).searchParams;
    expect(query.get('access_token')).toBe('abc');
    expect(query.get('timestamp')).toBe(String(NOW * 1000));
    expect(query.get('sign')).toBe(createHmac('sha256', SECRET).update(`${NOW * 1000}\n${SECRET}`).digest('base64'));
    expect(JSON.parse(ding.body)).toMatchObject({ msgtype: 'markdown', markdown: { title: 'release of default/hello was rolled back', text: expect.stringContaining('rolled back after VerificationFailed') } });
    const fei = JSON.parse(received.find((r) => r.path.startsWith('/open-apis'))!.body);
    expect(fei).toMatchObject({ timestamp: String(NOW), msg_type: 'text', content: { text: expect.stringContaining('release of default/hello was rolled back') } });
    expect(fei.sign).toBe(createHmac('sha256', `${NOW}\n${SECRET}`).update('').digest('base64'));
  });

  it('when WeCom and Slack channels are named, then they get markdown and text/blocks', async () => {
    await send({ wecom: { format: 'wecom', url: `http://${host}/cgi-bin/webhook/send?key=k` }, slack: { format: 'slack', url: `http://${host}/services/T/B/X` } }, ['wecom', 'slack']);
    expect(JSON.parse(received.find((r) => r.path.startsWith('/cgi-bin'))!.body)).toMatchObject({ msgtype: 'markdown', markdown: { content: expect.stringContaining('**release of default/hello was rolled back**') } });
    expect(JSON.parse(received.find((r) => r.path.startsWith('/services'))!.body)).toMatchObject({
      text: expect.stringContaining('rolled back'),
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining('*release of default/hello was rolled back*') } }],
    });
  });

  it('when a receiver fails, a channel is unknown or its host is not allowed, then each is a failed record and nothing throws', async () => {
    const records = await send({ down: { format: 'generic', url: `http://${host}/broken` } }, ['down', 'nowhere']);
    expect(records).toEqual([
      { event: 'rolled-back', channel: 'down', ok: false, error: expect.stringContaining('answered HTTP 500: receiver down') },
      { event: 'rolled-back', channel: 'nowhere', ok: false, error: 'no channel nowhere on this worker (SCF_NOTIFY_CHANNELS)' },
    ]);
    const refused = await send({ ops: { format: 'generic', url: `http://${host}/hook` } }, ['ops'], false);
    expect(refused).toEqual([{ event: 'rolled-back', channel: 'ops', ok: false, error: expect.stringContaining('SCF_NOTIFY_HOSTS') }]);
    expect(received.filter((r) => r.path === '/hook')).toEqual([]);
  });

  it('when a webhook whose path is its credential (Slack, Feishu) fails or is refused, then no record names that path', async () => {
    const token = 'T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX';
    const failed = await send({ slack: { format: 'slack', url: `http://${host}/broken/services/${token}` } }, ['slack']);
    const refused = await send({ feishu: { format: 'feishu', url: `http://${host}/open-apis/bot/v2/hook/${token}` } }, ['feishu'], false);
    expect(failed).toEqual([{ event: 'rolled-back', channel: 'slack', ok: false, error: expect.stringContaining('answered HTTP 500') }]);
    expect(refused).toEqual([{ event: 'rolled-back', channel: 'feishu', ok: false, error: expect.stringContaining('SCF_NOTIFY_HOSTS') }]);
    for (const record of [...failed, ...refused]) expect(record.error).not.toContain('XXXXXXXX');
  });

  it('when the notify activity sends to a channel that answers and one that fails, then scf_release_notifications counts each with its channel, event and outcome', async () => {
    const { meter, adds } = recordingMeter();
    const { activities } = activitiesWith(() => ({}), {
      notify: { channels: { ops: { format: 'generic', url: `http://${host}/hook` }, down: { format: 'generic', url: `http://${host}/broken` } }, trustedHosts: [host] },
    });
    const records = (await new MockActivityEnvironment(undefined, { metricMeter: meter }).run(activities.notify, { message, channels: ['ops', 'down', 'nowhere'] })) as NotificationRecord[];
    expect(records.map((r) => r.ok)).toEqual([true, false, false]);
    expect(adds.filter((a) => a.name === 'scf_release_notifications')).toEqual(
      expect.arrayContaining([
        { name: 'scf_release_notifications', value: 1, tags: expect.objectContaining({ channel: 'ops', event: 'rolled-back', outcome: 'sent' }) },
        { name: 'scf_release_notifications', value: 1, tags: expect.objectContaining({ channel: 'down', event: 'rolled-back', outcome: 'failed' }) },
        { name: 'scf_release_notifications', value: 1, tags: expect.objectContaining({ channel: 'nowhere', event: 'rolled-back', outcome: 'failed' }) },
      ]),
    );
    expect(adds.filter((a) => a.name === 'scf_release_notifications')).toHaveLength(3);
  });

  it('when SCF_NOTIFY_CHANNELS names an unknown format, then it is refused naming the channel', () => {
    expect(() => parseNotifyChannels('{"ops":{"format":"pager","url":"https://x"}}')).toThrow('SCF_NOTIFY_CHANNELS.ops.format must be one of generic, wecom, dingtalk, feishu, slack');
    expect(parseNotifyChannels('{"ops":{"format":"slack","url":"https://hooks.slack.com/services/x"}}')).toEqual({ ops: { format: 'slack', url: 'https://hooks.slack.com/services/x' } });
  });
});
