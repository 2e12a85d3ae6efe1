import { createHmac } from 'node:crypto';
import { ApiError, Errors } from './errors';
import { sha256Hex } from './hash';

/** TC3-HMAC-SHA256 verification, computed exactly as Tencent Cloud API 3.0 documents it. */

export interface Credential {
  secretId: string;
  secretKey: string;
  token?: string;
}

interface SignedRequest {
  method: string;
  /** Raw path + query as received, e.g. `/?Action=...` or `/`. */
  rawUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

function utcDate(timestampSeconds: number): string {
  return new Date(timestampSeconds * 1000).toISOString().slice(0, 10);
}

function tc3Signature(args: {
  secretKey: string;
  service: string;
  timestamp: number;
  date: string;
  canonicalRequest: string;
}): string {
  const stringToSign = ['TC3-HMAC-SHA256', String(args.timestamp), `${args.date}/${args.service}/tc3_request`, sha256Hex(args.canonicalRequest)].join('\n');
  const kDate = hmac('TC3' + args.secretKey, args.date);
  const kService = hmac(kDate, args.service);
  const kSigning = hmac(kService, 'tc3_request');
  return createHmac('sha256', kSigning).update(stringToSign).digest('hex');
}

function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : v;
}

function canonicalRequest(
  req: SignedRequest,
  signedHeaders: string[],
  hostOverride?: string,
): string {
  const q = req.rawUrl.indexOf('?');
  const path = q >= 0 ? req.rawUrl.slice(0, q) : req.rawUrl;
  const query = q >= 0 ? req.rawUrl.slice(q + 1) : '';
  const canonicalHeaders = signedHeaders
    .map((h) => {
      const value = h === 'host' && hostOverride !== undefined ? hostOverride : (header(req.headers, h) ?? '');
      return `${h}:${value.trim().toLowerCase()}\n`;
    })
    .join('');
  const payloadHash = sha256Hex(req.method === 'GET' ? '' : req.body);
  return [req.method, path || '/', query, canonicalHeaders, signedHeaders.join(';'), payloadHash].join('\n');
}

/** Builds an Authorization header the way an official client does (used by tests and tools). */
export function buildTc3Authorization(args: {
  secretId: string;
  secretKey: string;
  service: string;
  timestamp: number;
  req: SignedRequest;
  signedHeaders?: string[];
}): string {
  const signed = args.signedHeaders ?? ['content-type', 'host'];
  const date = utcDate(args.timestamp);
  const signature = tc3Signature({
    secretKey: args.secretKey,
    service: args.service,
    timestamp: args.timestamp,
    date,
    canonicalRequest: canonicalRequest(args.req, signed),
  });
  return `TC3-HMAC-SHA256 Credential=${args.secretId}/${date}/${args.service}/tc3_request, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
}

/** Both signature versions: the request's Timestamp (seconds) may be at most five minutes off the server's clock. */
function checkClockSkew(ts: number, nowMs: number): void {
  if (Math.abs(nowMs / 1000 - ts) > 300) {
    throw new ApiError('AuthFailure.SignatureExpire', `Signature expired. Timestamp ${ts} and server time cannot differ by more than five minutes.`);
  }
}

/** Both signature versions: the session token sent (X-TC-Token / Token) must be the credential's, or absent when it has none. */
function checkToken(cred: Credential, token: string | undefined): void {
  if ((cred.token ?? '') !== (token ?? '')) {
    throw new ApiError('AuthFailure.TokenFailure', 'Token error: the session token is missing, invalid or does not belong to this SecretId.');
  }
}

const AUTH_RE = /^TC3-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/,\s]+)\/tc3_request\s*,\s*SignedHeaders=([a-z0-9;\-_]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/i;

/**
 * Verifies a request; returns the matching credential or throws the ApiError Tencent would send.
 * Accepts the scope's service when it is the API's own (`expectedService`: `scf`, or `monitor` for
 * Cloud Monitor) or the first label of the Host header (the Node SDK signs the first label of its
 * endpoint host; other SDKs sign the service name).
 */
export function verifyTc3(req: SignedRequest, lookup: (secretId: string) => Credential | undefined, nowMs: number, expectedService = 'scf'): Credential {
  const auth = header(req.headers, 'authorization');
  if (!auth) throw new ApiError('AuthFailure.InvalidAuthorization', 'Authorization in the request header is invalid: it is missing.');
  const m = AUTH_RE.exec(auth.trim());
  if (!m) throw new ApiError('AuthFailure.InvalidAuthorization', 'Authorization in the request header is invalid.');
  const [, secretId, date, service, signedHeadersRaw, signature] = m as unknown as [string, string, string, string, string, string];
  const cred = lookup(secretId);
  if (!cred) throw new ApiError('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.');
  const tsRaw = header(req.headers, 'x-tc-timestamp');
  const ts = tsRaw !== undefined && /^\d+$/.test(tsRaw.trim()) ? Number(tsRaw) : NaN;
  if (!Number.isFinite(ts)) throw Errors.missingParameter('Timestamp');
  checkClockSkew(ts, nowMs);
  if (date !== utcDate(ts)) {
    throw new ApiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated: the credential date does not match the timestamp.');
  }
  const host = header(req.headers, 'host') ?? '';
  const hostname = host.replace(/:\d+$/, '');
  const firstLabel = hostname.split('.')[0] ?? '';
  if (service !== expectedService && service !== firstLabel) {
    throw new ApiError('AuthFailure.SignatureFailure', `The provided credentials could not be validated: service ${service} in the credential scope is not valid for this endpoint.`);
  }
  const signed = signedHeadersRaw.toLowerCase().split(';');
  if (!signed.includes('host') || !signed.includes('content-type')) {
    throw new ApiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated: SignedHeaders must include content-type and host.');
  }
  // Some clients sign the Host header as sent, the Node SDK signs the hostname without the port.
  const candidates = host === hostname ? [undefined] : [undefined, hostname];
  const ok = candidates.some((hostOverride) => {
    const expected = tc3Signature({
      secretKey: cred.secretKey,
      service,
      timestamp: ts,
      date,
      canonicalRequest: canonicalRequest(req, signed, hostOverride),
    });
    return expected === signature.toLowerCase();
  });
  if (!ok) {
    throw new ApiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.');
  }
  checkToken(cred, header(req.headers, 'x-tc-token'));
  return cred;
}

// ---------------------------------------------------------------------------------------------------
// Signature v1 (HmacSHA1 / HmacSHA256), as Tencent Cloud API 3.0 documents it ("签名方法 v1"): the
// common parameters travel with the others (GET query, or a POST application/x-www-form-urlencoded
// body), and Signature = base64(HMAC(SecretKey, METHOD + host + path + "?" + sorted "k=v" joined by "&"))
// over the decoded values, every parameter except Signature itself.

type V1Method = 'HmacSHA1' | 'HmacSHA256';

/** The parameters that sign and route a v1 request; they are not action parameters. */
export const V1_COMMON_PARAMS = ['Action', 'Version', 'Region', 'Timestamp', 'Nonce', 'SecretId', 'Signature', 'SignatureMethod', 'Token', 'Language', 'RequestClient'];

function v1StringToSign(method: string, host: string, path: string, params: Array<[string, string]>, underscoreAsDot = false): string {
  const pairs = params
    .filter(([k]) => k !== 'Signature')
    .map(([k, v]) => [underscoreAsDot ? k.replace(/_/g, '.') : k, v] as [string, string])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${method.toUpperCase()}${host}${path || '/'}?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`;
}

function v1Signature(secretKey: string, signMethod: V1Method, stringToSign: string): string {
  return createHmac(signMethod === 'HmacSHA256' ? 'sha256' : 'sha1', secretKey).update(stringToSign, 'utf8').digest('base64');
}

/** Builds the v1 `Signature` value as an official client does (used by tests and tools). */
export function buildV1Signature(args: { secretKey: string; method: string; host: string; path?: string; params: Record<string, string>; signMethod?: V1Method }): string {
  return v1Signature(args.secretKey, args.signMethod ?? 'HmacSHA1', v1StringToSign(args.method, args.host, args.path ?? '/', Object.entries(args.params)));
}

interface V1Request {
  method: string;
  /** Path as received, without the query. */
  path: string;
  headers: SignedRequest['headers'];
  /** Every parameter of the request (query for GET, form body for POST), decoded. */
  params: Array<[string, string]>;
}

/** Verifies a v1-signed request; returns the credential or throws the ApiError Tencent would send. */
export function verifyV1(req: V1Request, lookup: (secretId: string) => Credential | undefined, nowMs: number): Credential {
  const get = (name: string) => req.params.find(([k]) => k === name)?.[1];
  const signature = get('Signature');
  if (!signature) throw Errors.missingParameter('Signature');
  const secretId = get('SecretId');
  if (!secretId) throw Errors.missingParameter('SecretId');
  const tsRaw = get('Timestamp');
  if (tsRaw === undefined || !/^\d+$/.test(tsRaw.trim())) throw Errors.missingParameter('Timestamp');
  if (!get('Nonce')) throw Errors.missingParameter('Nonce');
  const signMethod = get('SignatureMethod') || 'HmacSHA1';
  if (signMethod !== 'HmacSHA1' && signMethod !== 'HmacSHA256') {
    throw new ApiError('AuthFailure.SignatureFailure', `The provided credentials could not be validated: SignatureMethod ${signMethod} is not supported (HmacSHA1 or HmacSHA256).`);
  }
  const cred = lookup(secretId);
  if (!cred) throw new ApiError('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.');
  const ts = Number(tsRaw);
  checkClockSkew(ts, nowMs);
  const host = header(req.headers, 'host') ?? '';
  const hostname = host.replace(/:\d+$/, '');
  const given = Buffer.from(signature);
  // Clients sign the host with or without the port, and the Python SDK writes '_' in parameter names
  // as '.' in the string to sign (its `_format_sign_string`) while the Node SDK does not.
  const underscoreModes = req.params.some(([k]) => k.includes('_')) ? [false, true] : [false];
  const ok = [...new Set([host, hostname])].some((h) => underscoreModes.some((dots) => {
    const expected = Buffer.from(v1Signature(cred.secretKey, signMethod, v1StringToSign(req.method, h, req.path, req.params, dots)));
    return expected.length === given.length && expected.equals(given);
  }));
  if (!ok) throw new ApiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.');
  checkToken(cred, get('Token'));
  return cred;
}
