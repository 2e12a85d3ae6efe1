/**
 * The one definition of "looks like a credential", used on every side: the client refuses manifest
 * values it matches (client/manifest/value-checks.ts, package.ts's signed-URL check), the worker
 * scrubs what it matches out of error messages and verdict details (`scrubSecrets`, used by
 * error-table.ts and verification.ts), and the tests' history scanner (test/harness/history-secrets.ts)
 * looks for it in every decoded payload. So what the client refuses, what the worker scrubs and
 * what the tests look for cannot drift apart. Pure: no Node I/O (the client bundles it too).
 *
 * Looks like a credential:
 * - a Tencent Cloud SecretId (`AKID` and at least 10 more letters or digits) anywhere in a string;
 * - a signed URL's signature or temporary-credential parameter (`SIGNED_URL_PARAMETERS`);
 * - an HTTP `Bearer`/`Basic` credential (`Bearer eyJ...`, 16 or more token characters);
 * - a key named like a credential (`isCredentialKey`: secret, password, token, signature,
 *   authorization, cookie, session, ... or the word key) holding a value: the client refuses such
 *   values of 8 characters or more (`${env:...}` references not counted), the scrubber hides any.
 */
import { EVENT_ENV_REFERENCE } from './verification-rules';

/** What a scrubbed value is replaced with. */
export const HIDDEN = '***';

/** The deepest nesting the walkers look into; anything deeper is refused (client) or reported (scanner). */
export const MAX_NESTING = 64;

/** Shorter values under a credential-like key are let through by the client (flags, ids, `true`). */
const LONG_VALUE = 8;

/** A Tencent Cloud SecretId: `AKID` followed by letters and digits (36 characters in all, usually). */
const SECRET_ID = /AKID[A-Za-z0-9]{10,}/g;

/** An HTTP credential: `Bearer <token>` or `Basic <base64>` (RFC 7235 token68 characters). */
const HTTP_CREDENTIAL = /\b(Bearer|Basic) [A-Za-z0-9._~+/-]{16,}=*/g;

/** Query parameters that carry a signature or a temporary credential (COS, S3, SCF's own signed URLs, generic). */
export const SIGNED_URL_PARAMETERS = [
  'sign',
  'q-signature',
  'q-ak',
  'signature',
  'token',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'x-cos-security-token',
] as const;
const SIGNED_NAMES = SIGNED_URL_PARAMETERS.join('|');
/** A signed-URL parameter inside text, with its value (group 1: `?name`/`&name`). */
const SIGNED_URL_PARAMETER = new RegExp(`([?&](?:${SIGNED_NAMES}))=[^&\\s"'#<>\\\\]*`, 'gi');

/** Whether a URL's query parameter `name` carries a signature or a credential. */
export function isSignedUrlParameter(name: string): boolean {
  return (SIGNED_URL_PARAMETERS as readonly string[]).includes(name.toLowerCase());
}

/** Words that make a key a credential's, anywhere in its name. */
const CREDENTIAL_WORD = /secret|passw(?:or)?d|pwd|token|credential|private|signature|authorization|cookie|session/i;

/** `apiKey`, `secret_key`, `x-api-key`, `KEY`, `Authorization`, `Cookie`; not `monkey`, `keyboard` or `keys`. */
export function isCredentialKey(key: string): boolean {
  if (CREDENTIAL_WORD.test(key)) return true;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .map((w) => w.toLowerCase());
  return words.some((w) => w === 'key' || /^(api|access|auth|signing|encryption|master)key$/.test(w));
}

const matches = (re: RegExp, text: string) => {
  re.lastIndex = 0;
  const m = re.exec(text);
  re.lastIndex = 0;
  return m;
};

/** What a piece of text looks like when, whatever key holds it, it is a credential. */
function textLooksLike(text: string): string | undefined {
  if (matches(SECRET_ID, text)) return 'a Tencent SecretId (AKID...)';
  const signed = matches(SIGNED_URL_PARAMETER, text);
  if (signed) return `a signed URL (${signed[1].slice(1)}=...)`;
  const http = matches(HTTP_CREDENTIAL, text);
  if (http) return `a bearer token (${http[1]} ...)`;
  return undefined;
}

/** What a leaf under `key` (the nearest object key above it) looks like, when it looks like a credential. */
export function credentialLooksLike(leaf: unknown, key: string | undefined): string | undefined {
  if (typeof leaf === 'string') {
    const looksLike = textLooksLike(leaf);
    if (looksLike) return looksLike;
    if (key !== undefined && isCredentialKey(key) && leaf.replace(EVENT_ENV_REFERENCE, '').trim().length >= LONG_VALUE) {
      return `a credential (a key named ${JSON.stringify(key)} with a ${leaf.length}-character value)`;
    }
  }
  if ((typeof leaf === 'number' || typeof leaf === 'bigint') && key !== undefined && isCredentialKey(key) && String(leaf).length >= LONG_VALUE) {
    return `a credential (a key named ${JSON.stringify(key)} with a long number)`;
  }
  return undefined;
}

/** `parent.key`, `parent[0]`, `parent."odd key"`: the path syntax every refusal uses. */
function keyPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const plain = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return parent ? `${parent}.${plain}` : plain;
}

/** A string that is JSON text of an object or a list, read; anything else undefined. */
function asJsonContainer(text: string): unknown {
  const trimmed = text.trim();
  if (!/^[[{]/.test(trimmed)) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

export interface WalkOptions {
  /** Called with the path of a node nested deeper than MAX_NESTING, which is not looked into. */
  tooDeep?: (path: string) => void;
  /** Called with each object key and its path; when it returns true, the value under it is not looked into. */
  skipKey?: (key: string, path: string) => boolean;
}

/**
 * Calls `fn` with every leaf (string, number, boolean, null) of `value` and its path, looking into JSON
 * text of objects and lists as if it were the value itself; `key` is the nearest object key above.
 * A node nested deeper than MAX_NESTING is not looked into: `tooDeep` gets its path, so a caller can
 * refuse it rather than let what is below pass unseen.
 */
export function forEachLeaf(
  value: unknown,
  path: string,
  fn: (leaf: unknown, path: string, key: string | undefined) => void,
  options: WalkOptions = {},
): void {
  const visit = (node: unknown, at: string, key: string | undefined, depth: number): void => {
    if (depth > MAX_NESTING) return options.tooDeep?.(at);
    const inner = typeof node === 'string' ? asJsonContainer(node) : undefined;
    if (inner !== undefined) return visit(inner, at, key, depth + 1);
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, keyPath(at, i), key, depth + 1));
    if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        const childPath = keyPath(at, k);
        if (!options.skipKey?.(k, childPath)) visit(v, childPath, k, depth + 1);
      }
      return;
    }
    fn(node, at, key);
  };
  visit(value, path, undefined, 0);
}

/**
 * `key<sep>value` in text: a key (a word not preceded by another word character), an optional closing
 * quote (plain or backslash-escaped, as in JSON text inside a JSON string), `:` or `=`, and a value:
 * a backslash-escaped string, a quoted string, an HTTP credential, or a bare word. A quoted value cut
 * short (the text ends inside it) still counts, to its end.
 */
const KEY_VALUE =
  /(?<![\w-])([A-Za-z_][\w-]*)(\\?["']?\s*[:=]\s*)(\\"(?:(?!\\")[^])*(?:\\"|$)|"(?:[^"\\]|\\.)*"?|'[^']*'?|(?:Bearer|Basic)\s+[^\s"',;&}\\]+|[^\s"',;&}\\]+)/gi;

/** `value` with its content hidden, its quotes (plain or escaped) kept. */
function hideQuoted(value: string): string {
  const quote = ['\\"', '"', "'"].find((q) => value.startsWith(q));
  if (!quote) return HIDDEN;
  const closed = value.length >= 2 * quote.length && value.endsWith(quote);
  return quote + HIDDEN + (closed ? quote : '');
}

/** Every credential-keyed value in `text` hidden. */
function hideKeyedValues(text: string): string {
  let out = '';
  let last = 0;
  KEY_VALUE.lastIndex = 0;
  for (let m = KEY_VALUE.exec(text); m; m = KEY_VALUE.exec(text)) {
    const [whole, key, separator, value] = m;
    if (!isCredentialKey(key)) {
      // Not a credential's key: look again right after it (its "value" may be the next key).
      KEY_VALUE.lastIndex = m.index + key.length;
      continue;
    }
    out += text.slice(last, m.index) + key + separator + hideQuoted(value);
    last = m.index + whole.length;
  }
  return out + text.slice(last);
}

/**
 * `text` with anything that looks like a credential hidden: values of credential-named keys
 * (`SecretKey=`, `"password":"..."`, `\"token\":\"...\"`, `Authorization: Bearer ...`), SecretIds,
 * HTTP credentials and signed URLs' parameters. The separator must hold `=` or `:`, so prose ("set
 * TENCENTCLOUD_SECRET_ID and ...", "check your signature is correct") is left readable. Linear in the
 * text; meant for messages and excerpts (callers cut long text to a window first, then scrub, then cut).
 */
export function scrubSecrets(text: string): string {
  return hideKeyedValues(text)
    .replace(SIGNED_URL_PARAMETER, `$1=${HIDDEN}`)
    .replace(HTTP_CREDENTIAL, `$1 ${HIDDEN}`)
    .replace(SECRET_ID, `AKID${HIDDEN}`);
}
