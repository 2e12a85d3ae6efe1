/**
 * Notifications: release and sync events sent to webhooks. The manifest names a channel and the
 * events (`notify: [{ channel: ops, events: [...] }]`); the channel's URL, format and secret live in
 * the worker's environment only (SCF_NOTIFY_CHANNELS), so no URL or secret ever enters history.
 *
 * Formats (each as its service documents its incoming webhook):
 * - `generic`: the event as JSON, signed `X-Scf-Release-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "t.body">`
 *   (the receiver recomputes it with the shared secret and refuses an old `t`);
 * - `wecom` (企业微信 group robot): `{ msgtype: 'markdown', markdown: { content } }`;
 * - `dingtalk`: `{ msgtype: 'markdown', markdown: { title, text } }`, with a secret signed in the
 *   query: `timestamp=<ms>&sign=<urlencoded base64 HMAC-SHA256(key=secret, "timestamp\nsecret")>`;
 * - `feishu` (Feishu/Lark custom bot): `{ msg_type: 'text', content: { text } }`, with a secret also
 *   `timestamp` (s) and `sign` = base64 HMAC-SHA256(key="timestamp\nsecret", empty message) in the body;
 * - `slack` (incoming webhook): `{ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] }`.
 * A URL is contacted only when the FetchPolicy (url-policy.ts) allows its host (SCF_NOTIFY_HOSTS).
 * Sending never throws: each channel's outcome comes back as a NotificationRecord.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { FetchPolicy, pinnedLookup, redactUrl } from './url-policy';

/** What a release (manifest `notify`) sends. */
export const RELEASE_NOTIFY_EVENTS = ['started', 'awaiting-approval', 'succeeded', 'rolled-back', 'rollback-failed', 'aborted'] as const;
/**
 * What a sync (`--notify` of `sync run` / `sync schedule create`) sends: `succeeded` (also when all was
 * in sync), `failed` (a function failed in some region; whatever it had changed there was undone),
 * `rollback-failed` (an undo failed: a person must act), `aborted` (every function was locked by a release).
 */
export const SYNC_NOTIFY_EVENTS = ['started', 'succeeded', 'failed', 'rollback-failed', 'aborted'] as const;
export const NOTIFY_EVENTS = [...RELEASE_NOTIFY_EVENTS, 'failed'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
export type SyncNotifyEvent = (typeof SYNC_NOTIFY_EVENTS)[number];
export const NOTIFY_FORMATS = ['generic', 'wecom', 'dingtalk', 'feishu', 'slack'] as const;
export type NotifyFormat = (typeof NOTIFY_FORMATS)[number];

export interface NotifyChannel {
  format: NotifyFormat;
  url: string;
  secret?: string;
}

/** What is sent: the event and the release (or sync) it is about. No secret, no code. */
export interface NotificationMessage {
  event: NotifyEvent;
  kind: 'release' | 'rollback' | 'sync';
  workflowId: string;
  namespace: string;
  functionName: string;
  regions: string[];
  startedBy: string;
  summary: string;
  status?: string;
  /** Where a person sees it (the Temporal UI link), when the worker knows its UI's URL. */
  uiUrl?: string;
}

export interface NotifyInput {
  message: NotificationMessage;
  /** Channel names from the manifest (looked up in the worker's SCF_NOTIFY_CHANNELS). */
  channels: string[];
}

export interface NotificationRecord {
  event: NotifyEvent;
  channel: string;
  ok: boolean;
  error?: string;
}

export interface NotifierDeps {
  channels: Readonly<Record<string, NotifyChannel>>;
  policy: FetchPolicy;
  /** Seconds since the epoch (injected in tests). */
  now?: () => number;
  timeoutMs?: number;
  onResult?: (record: NotificationRecord) => void;
}

const TITLE: Record<NotifyEvent, string> = {
  started: 'started',
  'awaiting-approval': 'is waiting for approval',
  succeeded: 'succeeded',
  failed: 'failed (undone where it had changed anything)',
  'rolled-back': 'was rolled back',
  'rollback-failed': 'ROLLBACK FAILED: a person must act',
  aborted: 'was aborted',
};

function headline(m: NotificationMessage): string {
  return `${m.kind} of ${m.namespace}/${m.functionName} ${TITLE[m.event]}`;
}

function markdown(m: NotificationMessage): string {
  return [
    `**${headline(m)}**`,
    `> ${m.summary}`,
    `regions: ${m.regions.join(', ')} · by ${m.startedBy}`,
    `${m.workflowId}${m.uiUrl ? ` · [Temporal UI](${m.uiUrl})` : ''}`,
  ].join('\n');
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The request one channel gets for `m`: body in the channel's format, signed where it has a secret. */
export function webhookRequest(channel: NotifyChannel, m: NotificationMessage, nowSeconds: number): WebhookRequest {
  const json = { 'content-type': 'application/json' };
  const text = `${headline(m)}\n${m.summary}\n${m.workflowId}${m.uiUrl ? `\n${m.uiUrl}` : ''}`;
  switch (channel.format) {
    case 'generic': {
      const body = JSON.stringify(m);
      const headers: Record<string, string> = { ...json };
      if (channel.secret) headers['x-scf-release-signature'] = `t=${nowSeconds},v1=${hmac(channel.secret, `${nowSeconds}.${body}`).toString('hex')}`;
      return { url: channel.url, headers, body };
    }
    case 'wecom':
      return { url: channel.url, headers: json, body: JSON.stringify({ msgtype: 'markdown', markdown: { content: markdown(m) } }) };
    case 'dingtalk': {
      const url = new URL(channel.url);
      if (channel.secret) {
        const timestamp = String(nowSeconds * 1000);
        url.searchParams.set('timestamp', timestamp);
        url.searchParams.set('sign', hmac(channel.secret, `${timestamp}\n${channel.secret}`).toString('base64'));
      }
      return { url: url.toString(), headers: json, body: JSON.stringify({ msgtype: 'markdown', markdown: { title: headline(m), text: markdown(m) } }) };
    }
    case 'feishu': {
      const sign = channel.secret ? { timestamp: String(nowSeconds), sign: hmac(`${nowSeconds}\n${channel.secret}`, '').toString('base64') } : {};
      return { url: channel.url, headers: json, body: JSON.stringify({ ...sign, msg_type: 'text', content: { text } }) };
    }
    case 'slack':
      return {
        url: channel.url,
        headers: json,
        body: JSON.stringify({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${headline(m)}*\n${m.summary}\n${m.workflowId}` } }] }),
      };
  }
}

/** One POST through the policy (host allowed, address checked and pinned); resolves with the status or throws. */
async function post(policy: FetchPolicy, request: WebhookRequest, timeoutMs: number): Promise<void> {
  const url = new URL(request.url);
  const resolved = await policy.check(url);
  await new Promise<void>((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, { method: 'POST', headers: request.headers, lookup: pinnedLookup(resolved), timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.length < 16 && chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new Error(`${url.host} answered HTTP ${status}: ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${url.host} did not answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

/** Sends `input.message` to each named channel; never throws (an unknown channel or a failed POST is a record with ok: false). */
export async function sendNotifications(deps: NotifierDeps, input: NotifyInput): Promise<NotificationRecord[]> {
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  return Promise.all(
    input.channels.map(async (name): Promise<NotificationRecord> => {
      const base = { event: input.message.event, channel: name };
      const channel = deps.channels[name];
      let record: NotificationRecord;
      if (!channel) record = { ...base, ok: false, error: `no channel ${name} on this worker (SCF_NOTIFY_CHANNELS)` };
      else {
        try {
          await post(deps.policy, webhookRequest(channel, input.message, now()), deps.timeoutMs ?? 10_000);
          record = { ...base, ok: true };
        } catch (err) {
          // Slack's and Feishu's webhook paths are their credentials: a message names the host only
          // (the URL policy's refusals name the URL without its query, so its path is cut here too).
          record = { ...base, ok: false, error: (err as Error).message.split(redactUrl(channel.url)).join(new URL(channel.url).host) };
        }
      }
      deps.onResult?.(record);
      return record;
    }),
  );
}

/** SCF_NOTIFY_CHANNELS: `{"ops":{"format":"wecom","url":"https://...","secret":"..."}}`; refuses what it cannot use. */
export function parseNotifyChannels(text: string | undefined): Record<string, NotifyChannel> {
  if (!text?.trim()) return {};
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('SCF_NOTIFY_CHANNELS must be a JSON object of channels');
  const channels: Record<string, NotifyChannel> = {};
  for (const [name, value] of Object.entries(parsed as Record<string, Partial<NotifyChannel>>)) {
    if (!NOTIFY_FORMATS.includes(value.format as NotifyFormat)) throw new Error(`SCF_NOTIFY_CHANNELS.${name}.format must be one of ${NOTIFY_FORMATS.join(', ')}`);
    if (typeof value.url !== 'string' || !URL.canParse(value.url)) throw new Error(`SCF_NOTIFY_CHANNELS.${name}.url must be a URL`);
    channels[name] = { format: value.format as NotifyFormat, url: value.url, ...(value.secret ? { secret: value.secret } : {}) };
  }
  return channels;
}

/** The worker's notification settings, read once at start: channels, and the hosts their URLs may be on. */
export function loadNotifyConfig(env: NodeJS.ProcessEnv): { channels: Record<string, NotifyChannel>; hosts: string[] } {
  const hosts = (env.SCF_NOTIFY_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  return { channels: parseNotifyChannels(env.SCF_NOTIFY_CHANNELS), hosts };
}
