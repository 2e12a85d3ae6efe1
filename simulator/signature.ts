import { createHash, createHmac } from 'node:crypto';
import { ApiError } from './errors';

/** TC3-HMAC-SHA256 verification, computed exactly as Tencent Cloud API 3.0 documents it. */

export interface Credential {
  secretId: string;
  secretKey: string;
  token?: string;
}

export interface SignedRequest {
  method: string;
  /** Raw path + query as received, e.g. `/?Action=...` or `/`. */
  rawUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

export function utcDate(timestampSeconds: number): string {
  return new Date(timestampSeconds * 1000).toISOString().slice(0, 10);
}

export function tc3Signature(args: {
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

export function canonicalRequest(
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

const AUTH_RE = /^TC3-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/,\s]+)\/tc3_request\s*,\s*SignedHeaders=([a-z0-9;\-_]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/i;

/**
 * Verifies a request; returns the matching credential or throws the ApiError Tencent would send.
 * Accepts the scope's service when it is `scf` or the first label of the Host header (the Node SDK
 * signs the first label of its endpoint host; other SDKs sign `scf`).
 */
export function verifyTc3(req: SignedRequest, lookup: (secretId: string) => Credential | undefined, nowMs: number): Credential {
  const auth = header(req.headers, 'authorization');
  if (!auth) throw new ApiError('AuthFailure.InvalidAuthorization', 'Authorization in the request header is invalid: it is missing.');
  const m = AUTH_RE.exec(auth.trim());
  if (!m) throw new ApiError('AuthFailure.InvalidAuthorization', 'Authorization in the request header is invalid.');
  const [, secretId, date, service, signedHeadersRaw, signature] = m as unknown as [string, string, string, string, string, string];
  const cred = lookup(secretId);
  if (!cred) throw new ApiError('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.');
  const tsRaw = header(req.headers, 'x-tc-timestamp');
  const ts = tsRaw !== undefined && /^\d+$/.test(tsRaw.trim()) ? Number(tsRaw) : NaN;
  if (!Number.isFinite(ts)) throw new ApiError('MissingParameter', 'The request is missing a required parameter `Timestamp`.');
  if (Math.abs(nowMs / 1000 - ts) > 300) {
    throw new ApiError('AuthFailure.SignatureExpire', `Signature expired. Timestamp ${ts} and server time cannot differ by more than five minutes.`);
  }
  if (date !== utcDate(ts)) {
    throw new ApiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated: the credential date does not match the timestamp.');
  }
  const host = header(req.headers, 'host') ?? '';
  const hostname = host.replace(/:\d+$/, '');
  const firstLabel = hostname.split('.')[0] ?? '';
  if (service !== 'scf' && service !== firstLabel) {
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
  const token = header(req.headers, 'x-tc-token');
  if ((cred.token ?? '') !== (token ?? '')) {
    throw new ApiError('AuthFailure.TokenFailure', 'Token error: the session token is missing, invalid or does not belong to this SecretId.');
  }
  return cred;
}
