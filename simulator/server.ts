import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { Logger } from 'pino';
import { ACTIONS, MUTATING } from './actions';
import type { CallCtx, CallNote, Sim } from './context';
import { ApiError, Errors } from './errors';
import { Params, unflattenQuery } from './params';
import { isScfRegion } from './regions';
import { cosTarget } from './cos/api';
import type { RequestLog } from './request-log';
import { V1_COMMON_PARAMS, verifyTc3, verifyV1, type Credential } from './signature';
import { MONITOR_ACTIONS, MONITOR_API_VERSION } from './monitor/get-monitor-data';

const API_VERSION = '2018-04-16';
const MAX_BODY = 40 * 1024 * 1024;
const MAX_GET_BYTES = 32 * 1024;
const MAX_V1_POST_BYTES = 1024 * 1024;

interface ServerDeps {
  sim: Sim;
  log: RequestLog;
  credentials: Map<string, Credential>;
  logger: Logger;
  /** Admin HTTP handler for /_admin/... */
  admin: (method: string, name: string, query: URLSearchParams, body: Buffer) => Promise<unknown>;
  codeBlobs: Map<string, Buffer>;
  urlSecret: string;
  /** The COS XML API, for requests whose Host names a bucket (cos/api.ts). */
  cosApi: (req: http.IncomingMessage, res: http.ServerResponse, url: URL, target: { bucket: string; region: string }) => Promise<void>;
}

/** Content-Type must stay exactly `application/json` (no charset): the Python SDK raises API errors
 *  only for that value (or text/plain) and otherwise returns an empty model, as against Tencent. */
function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_BODY) over = true;
      else chunks.push(d);
    });
    req.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function signCodePath(secret: string, sha: string, expires: number): string {
  return createHmac('sha256', secret).update(`${sha}\n${expires}`).digest('hex');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The HTTP status an admin call failed with: the `status` the admin API attached (404 for unknown calls), else 400. */
function adminErrorStatus(e: unknown): number {
  const status = typeof e === 'object' && e !== null ? (e as { status?: unknown }).status : undefined;
  return typeof status === 'number' ? status : 400;
}

export function createServer(deps: ServerDeps): http.Server {
  const { sim, log, logger } = deps;

  const serveCode = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    const m = /^\/_code\/([0-9a-f]{64})\.zip$/.exec(url.pathname);
    const xml = (status: number, code: string, message: string) => {
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
      res.writeHead(status, { 'Content-Type': 'application/xml' });
      res.end(body);
    };
    if (!m || (req.method !== 'GET' && req.method !== 'HEAD')) return xml(404, 'NoSuchKey', 'The specified key does not exist.');
    const sha = m[1]!;
    const expires = Number(url.searchParams.get('Expires'));
    const sig = url.searchParams.get('Signature') ?? '';
    const expected = signCodePath(deps.urlSecret, sha, expires);
    if (!Number.isFinite(expires) || sig.length !== expected.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) {
      return xml(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }
    if (Date.now() / 1000 > expires) return xml(403, 'AccessDenied', 'Request has expired');
    const blob = deps.codeBlobs.get(sha);
    if (!blob) return xml(404, 'NoSuchKey', 'The specified key does not exist.');
    res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': blob.length, ETag: `"${sha}"` });
    res.end(req.method === 'HEAD' ? undefined : blob);
  };

  const handleApi = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer) => {
    const started = Date.now();
    const requestId = randomUUID();
    const headers = req.headers;
    const h = (n: string) => {
      const v = headers[n];
      return Array.isArray(v) ? v[0] : v;
    };
    const query = url.searchParams;
    // Flattened parameters ("Code.ZipFile=..."): the query of a GET, or a POST form body (signature v1).
    const contentType = (h('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const formBody = req.method === 'POST' && contentType === 'application/x-www-form-urlencoded';
    const flat: Array<[string, string]> | undefined =
      req.method === 'GET' ? [...query] : formBody ? [...new URLSearchParams(body.toString('utf8'))] : undefined;
    const flatGet = (name: string) => flat?.find(([k]) => k === name)?.[1];
    const action = h('x-tc-action') ?? flatGet('Action') ?? query.get('Action') ?? '';
    const region = h('x-tc-region') ?? flatGet('Region') ?? query.get('Region') ?? '';
    const version = h('x-tc-version') ?? flatGet('Version') ?? query.get('Version') ?? '';
    const signedV1 = !h('authorization') && !!flat?.some(([k]) => k === 'Signature');
    // Cloud Monitor (its own version, service name and actions) shares the endpoint with SCF.
    const isMonitor = version === MONITOR_API_VERSION;
    const note: CallNote = {};
    let secretId: string | undefined;
    let lost = false;
    let dropped = false;
    const record = (outcome: string) =>
      log.add({
        time: new Date(started).toISOString(), action, region, namespace: note.namespace, function: note.functionName,
        qualifier: note.qualifier, outcome, requestId, secretId, durationMs: Date.now() - started,
        ...(lost ? { lost } : {}), ...(dropped ? { dropped } : {}),
      });
    const answer = (payload: Record<string, unknown>, outcome: string) => {
      record(outcome);
      if (lost) {
        req.socket.destroy();
        return;
      }
      sendJson(res, 200, { Response: { ...payload, RequestId: requestId } });
    };
    const fail = (e: ApiError) => answer({ Error: { Code: e.code, Message: e.message } }, e.code);

    try {
      if (req.method !== 'POST' && req.method !== 'GET') throw new ApiError('UnsupportedProtocol', `HTTP method ${req.method} is not supported; use POST or GET.`);
      // Documented request limits of API 3.0: GET 32 KB; POST with signature v1 (form body) 1 MB.
      if (req.method === 'GET' && Buffer.byteLength(req.url ?? '') > MAX_GET_BYTES) {
        throw new ApiError('RequestSizeLimitExceeded', 'The request size exceeds the limit: a GET request may not exceed 32 KB; use POST.');
      }
      if (formBody && body.length > MAX_V1_POST_BYTES) {
        throw new ApiError('RequestSizeLimitExceeded', 'The request size exceeds the limit: a POST request signed with signature v1 may not exceed 1 MB; use TC3-HMAC-SHA256.');
      }
      const lookup = (id: string) => deps.credentials.get(id);
      const cred = signedV1
        ? verifyV1({ method: req.method, path: (req.url ?? '/').split('?')[0]!, headers, params: flat! }, lookup, Date.now())
        : verifyTc3({ method: req.method, rawUrl: req.url ?? '/', headers, body }, lookup, Date.now(), isMonitor ? 'monitor' : 'scf');
      secretId = cred.secretId;
      let raw: Record<string, unknown>;
      if (flat) {
        raw = unflattenQuery(flat.filter(([k]) => !V1_COMMON_PARAMS.includes(k)));
      } else {
        const text = body.toString('utf8').trim();
        try {
          raw = text ? JSON.parse(text) : {};
        } catch {
          throw new ApiError('InvalidParameter', 'The request body is not valid JSON.');
        }
        if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ApiError('InvalidParameter', 'The request body must be a JSON object.');
      }
      if (!action) throw Errors.missingParameter('Action');
      if (!version) throw Errors.missingParameter('Version');
      if (version !== API_VERSION && !isMonitor) throw new ApiError('NoSuchVersion', `The API version \`${version}\` of action \`${action}\` does not exist.`);
      const handler = isMonitor ? MONITOR_ACTIONS[action] : ACTIONS[action];
      if (!handler) throw new ApiError('InvalidAction', `The action \`${action}\` is not supported by the SCF simulator or does not exist.`);
      if (!region) throw Errors.missingParameter('Region');
      if (!isScfRegion(region)) throw new ApiError('UnsupportedRegion', `The region \`${region}\` is not supported by SCF.`);
      const fnName = typeof raw['FunctionName'] === 'string' ? (raw['FunctionName'] as string) : undefined;
      note.functionName = fnName;
      if (typeof raw['Namespace'] === 'string') note.namespace = raw['Namespace'] as string;
      if (typeof raw['Qualifier'] === 'string') note.qualifier = raw['Qualifier'] as string;
      const target = { action, region, functionName: fnName };

      if (sim.faults.take('dropConnection', target)) {
        dropped = true;
        record('DROPPED');
        req.socket.destroy();
        return;
      }
      if (!sim.limiter.take(cred.secretId, action)) {
        throw new ApiError(sim.faults.throttleCode(), `Your current request frequency for ${action} has exceeded the limit of ${sim.limiter.limitFor(action)} requests per second; please reduce it and try again.`);
      }
      if (sim.faults.randomThrottle(action)) {
        throw new ApiError(sim.faults.throttleCode(), 'Your current request frequency has exceeded the limit; please reduce it and try again.');
      }
      const injected = sim.faults.take('failNext', target);
      if (injected) throw new ApiError(injected.code ?? 'InternalError', injected.message ?? `Injected failure (${injected.code ?? 'InternalError'}).`);
      if (sim.faults.randomInternalError(action)) throw new ApiError('InternalError', 'Internal error.');
      const latency = sim.faults.latency();
      if (latency > 0) await sleep(latency);
      if (sim.faults.take('holdCall', target)) {
        const callerGone = new Promise<void>((r) => res.once('close', () => r()));
        if ((await sim.faults.hold(target, callerGone)) === 'abandoned') {
          record('ABANDONED');
          return;
        }
      }
      lost = !!sim.faults.take('loseResponse', target);

      const ctx: CallCtx = {
        sim, secretId: cred.secretId, account: sim.store.account(cred.secretId), region, requestId,
        params: new Params(raw, flat !== undefined), note,
      };
      const result = await handler(ctx);
      if (MUTATING.has(action)) sim.changed();
      answer(result, 'OK');
    } catch (e) {
      if (e instanceof ApiError) fail(e);
      else {
        logger.error({ err: e, action }, 'simulator internal error');
        fail(new ApiError('InternalError', `Internal error: ${(e as Error)?.message ?? String(e)}`));
      }
    }
  };

  // Headers up to 64 KB, so that an over-long GET reaches the documented RequestSizeLimitExceeded.
  const server = http.createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    void (async () => {
      try {
        const cos = cosTarget(req.headers.host);
        if (cos) return await deps.cosApi(req, res, url, cos);
        if (url.pathname.startsWith('/_code/')) return serveCode(req, res, url);
        const body = await readBody(req);
        if (body === 'too-large') {
          return sendJson(res, 200, { Response: { Error: { Code: 'RequestSizeLimitExceeded', Message: 'The request body exceeds the size limit.' }, RequestId: randomUUID() } });
        }
        if (url.pathname.startsWith('/_admin/')) {
          try {
            const out = await deps.admin(req.method ?? 'GET', url.pathname.slice('/_admin/'.length), url.searchParams, body);
            return sendJson(res, 200, out ?? { ok: true });
          } catch (e) {
            return sendJson(res, adminErrorStatus(e), { error: (e as Error).message });
          }
        }
        await handleApi(req, res, url, body);
      } catch (e) {
        // Whatever went wrong, the caller gets Tencent's InternalError shape (or, mid-answer, a closed
        // connection) and the simulator goes on serving.
        logger.error({ err: e }, 'request handling failed');
        try {
          if (!res.headersSent) sendJson(res, 200, { Response: { Error: { Code: 'InternalError', Message: 'Internal error.' }, RequestId: randomUUID() } });
          else res.destroy();
        } catch (inner) {
          logger.error({ err: inner }, 'could not answer a failed request');
        }
      }
    })();
  });
  // A socket or listener error must not end the process (Node throws on an 'error' nobody listens to).
  server.on('error', (err) => logger.error({ err }, 'simulator server error'));
  return server;
}
