/**
 * A local webhook receiver that checks the generic format's signature as a real receiver would
 * (HMAC-SHA256 with the shared secret over "t.body"), for tests of release and sync notifications.
 * `channels.ops` signs with the secret; `channels.down` answers 503. Loopback is contacted only
 * because its host is named, explicitly, as a trusted host.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NotificationMessage, NotifyChannel } from '../../activities/notify';

export interface ReceivedNotification {
  message: NotificationMessage;
  verified: boolean;
}

export interface NotifyReceiver {
  /** Filled in beforeAll; pass them (as objects) to useScfWorld({ notify: { channels, trustedHosts } }). */
  channels: Record<string, NotifyChannel>;
  trustedHosts: string[];
  received: ReceivedNotification[];
}

/** Starts the receiver in beforeAll and closes it in afterAll of the calling describe. */
export function useNotifyReceiver(secret: string): NotifyReceiver {
  const receiver: NotifyReceiver = { channels: {}, trustedHosts: [], received: [] };
  let server: http.Server;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/down') return void res.writeHead(503).end('maintenance');
        const body = Buffer.concat(chunks).toString('utf8');
        const [, t, v1] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(String(req.headers['x-scf-release-signature'])) ?? [];
        receiver.received.push({ message: JSON.parse(body) as NotificationMessage, verified: !!t && v1 === createHmac('sha256', secret).update(`${t}.${body}`).digest('hex') });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    receiver.trustedHosts.push(host);
    receiver.channels.ops = { format: 'generic', url: `http://${host}/hook`, secret };
    receiver.channels.down = { format: 'generic', url: `http://${host}/down` };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return receiver;
}
