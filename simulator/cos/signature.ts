/**
 * The COS XML API's request signature (`q-sign-algorithm=sha1`), as Tencent documents it
 * ("Request Signature", COS API docs 436/7778):
 *
 *   KeyTime       = <start>;<end>                              (q-key-time, also q-sign-time)
 *   SignKey       = hex HMAC-SHA1(SecretKey, KeyTime)
 *   HttpParameters/HttpHeaders = key=value pairs, keys lowercased and URL-encoded, values URL-encoded,
 *                   sorted by key, joined with &; their key lists (;-joined) are q-url-param-list/q-header-list
 *   HttpString    = lower(method)\nUriPathname\nHttpParameters\nHttpHeaders\n
 *   StringToSign  = sha1\nKeyTime\nhex SHA1(HttpString)\n
 *   Signature     = hex HMAC-SHA1(SignKey, StringToSign)
 *
 * The simulator recomputes the signature from the request it received, over the headers and
 * parameters the client listed, so a changed header or parameter breaks it as on COS.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { CosError } from './errors';

/** encodeURIComponent plus the characters it leaves alone but COS encodes. */
export function cosEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonical(pairs: Array<[string, string]>): { list: string; text: string } {
  const sorted = pairs.map(([k, v]) => [cosEncode(k).toLowerCase(), cosEncode(v)] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { list: sorted.map(([k]) => k).join(';'), text: sorted.map(([k, v]) => `${k}=${v}`).join('&') };
}

export interface CosSignInput {
  method: string;
  /** The decoded path, starting with `/`. */
  pathname: string;
  params: Array<[string, string]>;
  headers: Array<[string, string]>;
  keyTime: string;
  secretKey: string;
}

export function cosSignature(input: CosSignInput): { signature: string; headerList: string; paramList: string } {
  const p = canonical(input.params);
  const h = canonical(input.headers);
  const httpString = `${input.method.toLowerCase()}\n${input.pathname}\n${p.text}\n${h.text}\n`;
  const stringToSign = `sha1\n${input.keyTime}\n${createHash('sha1').update(httpString).digest('hex')}\n`;
  const signKey = createHmac('sha1', input.secretKey).update(input.keyTime).digest('hex');
  return { signature: createHmac('sha1', signKey).update(stringToSign).digest('hex'), headerList: h.list, paramList: p.list };
}

export interface CosCredential { secretId: string; secretKey: string; token?: string }

/** Checks the Authorization header of a COS request; returns the credential that signed it. */
export function verifyCosRequest(
  req: { method: string; pathname: string; query: URLSearchParams; headers: IncomingHttpHeaders },
  lookup: (secretId: string) => CosCredential | undefined,
  nowMs: number,
): CosCredential {
  const auth = req.headers['authorization'];
  if (typeof auth !== 'string' || !auth) throw new CosError(403, 'AccessDenied', 'Access Denied: the request carries no Authorization.');
  const fields = new Map<string, string>();
  for (const part of auth.split('&')) {
    const i = part.indexOf('=');
    if (i > 0) fields.set(part.slice(0, i), part.slice(i + 1));
  }
  const need = ['q-sign-algorithm', 'q-ak', 'q-sign-time', 'q-key-time', 'q-header-list', 'q-url-param-list', 'q-signature'];
  const absent = need.find((k) => !fields.has(k));
  if (absent) throw new CosError(403, 'AccessDenied', `Invalid Authorization: ${absent} is missing.`);
  if (fields.get('q-sign-algorithm') !== 'sha1') throw new CosError(403, 'AccessDenied', 'Invalid Authorization: q-sign-algorithm must be sha1.');
  const cred = lookup(fields.get('q-ak')!);
  if (!cred) throw new CosError(403, 'InvalidAccessKeyId', 'The access key Id format you provided is invalid.');
  const m = /^(\d+);(\d+)$/.exec(fields.get('q-sign-time')!);
  if (!m || !/^\d+;\d+$/.test(fields.get('q-key-time')!)) throw new CosError(403, 'AccessDenied', 'Invalid Authorization: q-sign-time must be <start>;<end>.');
  const now = Math.floor(nowMs / 1000);
  if (now > Number(m[2])) throw new CosError(403, 'AccessDenied', 'Request has expired');
  if (now + 60 < Number(m[1])) throw new CosError(403, 'RequestTimeTooSkewed', 'The difference between the request time and the server\'s time is too large.');
  if (cred.token && req.headers['x-cos-security-token'] !== cred.token) throw new CosError(403, 'InvalidAccessKeyId', 'The security token does not match the temporary SecretId.');

  const listed = (name: string) => (fields.get(name) ? fields.get(name)!.split(';') : []);
  const paramNames = new Set(listed('q-url-param-list'));
  const params: Array<[string, string]> = [...req.query].filter(([k]) => paramNames.has(cosEncode(k).toLowerCase()));
  const headers: Array<[string, string]> = listed('q-header-list').map((name) => {
    const v = req.headers[name];
    return [name, Array.isArray(v) ? v.join(',') : (v ?? '')];
  });
  const expected = cosSignature({ method: req.method, pathname: req.pathname, params, headers, keyTime: fields.get('q-key-time')!, secretKey: cred.secretKey }).signature;
  const given = fields.get('q-signature')!;
  if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
    throw new CosError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
  return cred;
}
