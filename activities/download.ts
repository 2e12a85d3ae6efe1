/**
 * Streams an http(s) URL to a file: size-capped, hashed on the way, cancellable, and only from where
 * its `FetchPolicy` allows (url-policy.ts): the first URL and every redirect (at most 3) are checked,
 * and each connection goes to the address the check resolved. Messages name host and path, never the
 * query string (GetFunctionAddress URLs are signed).
 */
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { abortError } from './context';
import { type FetchPolicy, pinnedLookup, redactUrl, type ResolvedAddress, UrlRefused } from './url-policy';

export class DownloadError extends Error {
  override name = 'DownloadError';
  /** The HTTP status, when the server answered with one other than 200. */
  readonly status?: number;
  /** The body is (or was declared) bigger than `maxBytes`. */
  readonly tooLarge: boolean;
  constructor(
    message: string,
    /** false for answers that will not change on retry (404, too large, wrong host). */
    readonly retryable: boolean,
    extra: { status?: number; tooLarge?: boolean } = {},
  ) {
    super(message);
    this.status = extra.status;
    this.tooLarge = extra.tooLarge ?? false;
  }
}

/** Per-request socket timeout. */
const TIMEOUT_MS = 60_000;
/** Redirects followed (each one checked by the policy). */
const MAX_REDIRECTS = 3;

export interface DownloadOptions {
  maxBytes: number;
  signal?: AbortSignal;
  /** Decides every hop: scheme, host, resolved addresses. */
  policy: FetchPolicy;
}

export interface DownloadResult {
  sha256: string;
  bytes: number;
}

export async function downloadToFile(url: string, dest: string, opts: DownloadOptions): Promise<DownloadResult> {
  let current = parseUrl(url);
  for (let redirects = 0; ; redirects++) {
    const address = await checkHop(current, opts.policy);
    const outcome = await getOnce(current, address, dest, opts);
    if (outcome.kind === 'done') return outcome.result;
    if (redirects >= MAX_REDIRECTS) throw new DownloadError(`too many redirects downloading from ${current.host}`, false);
    current = parseUrl(outcome.location, current);
  }
}

function parseUrl(text: string, base?: URL): URL {
  try {
    return new URL(text, base);
  } catch {
    throw new DownloadError(`not a valid URL: ${redactUrl(text).slice(0, 200)}`, false);
  }
}

async function checkHop(url: URL, policy: FetchPolicy): Promise<ResolvedAddress> {
  try {
    return await policy.check(url);
  } catch (err) {
    if (err instanceof UrlRefused) throw new DownloadError(err.message, false);
    // A DNS failure (ENOTFOUND, EAI_AGAIN) can be transient.
    throw new DownloadError(`cannot resolve ${url.hostname}: ${(err as Error).message}`, true);
  }
}

type Outcome = { kind: 'done'; result: DownloadResult } | { kind: 'redirect'; location: string };

function getOnce(url: URL, address: ResolvedAddress, dest: string, opts: DownloadOptions): Promise<Outcome> {
  const signal = opts.signal;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<Outcome>((resolve, reject) => {
    let settled = false;
    let out: ReturnType<typeof createWriteStream> | undefined;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      req.destroy();
      out?.destroy();
      fs.rm(dest, { force: true }).finally(() => reject(err));
    };
    const onAbort = () => fail(abortError(signal!));
    const req = lib.get(url, { timeout: TIMEOUT_MS, lookup: pinnedLookup(address) }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve({ kind: 'redirect', location: res.headers.location });
        return;
      }
      if (status !== 200) {
        res.resume();
        fail(new DownloadError(`HTTP ${status} from ${url.host}${url.pathname}`, status >= 500 || status === 429, { status }));
        return;
      }
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > opts.maxBytes) {
        res.resume();
        fail(new DownloadError(`${url.host}${url.pathname} is ${declared} bytes, over the ${opts.maxBytes}-byte cap`, false, { tooLarge: true }));
        return;
      }
      const hash = createHash('sha256');
      let bytes = 0;
      out = createWriteStream(dest);
      out.on('error', fail);
      res.on('error', fail);
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > opts.maxBytes) {
          fail(new DownloadError(`${url.host}${url.pathname} is over the ${opts.maxBytes}-byte cap`, false, { tooLarge: true }));
          return;
        }
        hash.update(chunk);
      });
      res.pipe(out);
      out.on('finish', () => {
        if (settled) return;
        if (!res.complete) {
          fail(new DownloadError(`connection closed before the end of ${url.host}${url.pathname}`, true));
          return;
        }
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve({ kind: 'done', result: { sha256: hash.digest('hex'), bytes } });
      });
    });
    req.on('timeout', () => fail(new DownloadError(`timeout downloading from ${url.host}`, true)));
    req.on('error', (err) => fail(new DownloadError(`download from ${url.host} failed: ${err.message}`, true)));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
