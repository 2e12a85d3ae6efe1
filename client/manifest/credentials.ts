/**
 * Values that look like credentials. A manifest's events, expectations and descriptions become
 * workflow input, which Temporal keeps in history in clear for as long as the namespace retains it,
 * so the client refuses them (exit 64, the field's path named) unless the manifest lists the path
 * under `notSecrets` (test data that only looks like a key), and offers `${env:SCF_EVENT_*}`
 * references instead (env-references.ts), which the worker resolves inside the verification activity.
 *
 * The same detector is used by the tests' history scanner (test/harness/history-secrets.ts), so what
 * the client refuses and what the tests look for in history are one definition.
 *
 * Looks like a credential:
 * - a Tencent Cloud SecretId (`AKID` and at least 13 more letters or digits) anywhere in a string;
 * - a signed URL's signature parameter (`sign=`, `q-signature=`, `Signature=`, `X-Amz-Signature=`, ...);
 * - a key named like a credential (secret, password, passwd, pwd, token, credential, private, or the
 *   word key: `apiKey`, `secret_key`, not `monkey`) holding a value of `LONG_VALUE` characters or
 *   more, not counting `${env:...}` references.
 * JSON text inside a string (an event written as JSON text) is read as JSON and looked into as well.
 */
import { withoutEnvReferences } from './env-references';

export interface CredentialFinding {
  /** e.g. `verification[0].event.SecretKey`. */
  path: string;
  /** What it looks like, e.g. `a Tencent SecretId (AKID...)`. */
  looksLike: string;
}

/** A Tencent Cloud SecretId: `AKID` followed by letters and digits (36 characters in all, usually). */
export const TENCENT_SECRET_ID = /AKID[A-Za-z0-9]{13,}/;
/** Query parameters that carry a signature or a temporary credential (COS, S3, SCF's own signed URLs). */
export const SIGNED_URL_PARAMETER = /[?&](sign|q-signature|q-ak|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-cos-security-token)=/i;
/** Shorter values under a credential-like key are let through (flags, ids, `true`). */
export const LONG_VALUE = 8;

const CREDENTIAL_WORD = /secret|passw(?:or)?d|pwd|token|credential|private/i;

/** `apiKey`, `secret_key`, `x-api-key`, `KEY`; not `monkey`, `keyboard` or `keys_seen`'s `keys`. */
function isCredentialKey(key: string): boolean {
  if (CREDENTIAL_WORD.test(key)) return true;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .map((w) => w.toLowerCase());
  return words.some((w) => w === 'key' || /^(api|access|auth|signing|encryption|master)key$/.test(w));
}

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

function stringLooksLike(text: string): string | undefined {
  if (TENCENT_SECRET_ID.test(text)) return 'a Tencent SecretId (AKID...)';
  const signed = SIGNED_URL_PARAMETER.exec(text);
  if (signed) return `a signed URL (${signed[1]}=...)`;
  return undefined;
}

/**
 * Calls `fn` with every leaf (string, number, boolean, null) of `value` and its path, looking into JSON
 * text of objects and lists as if it were the value itself; `key` is the nearest object key above.
 */
export function forEachLeaf(value: unknown, path: string, fn: (leaf: unknown, path: string, key: string | undefined) => void): void {
  const visit = (node: unknown, at: string, key: string | undefined, depth: number): void => {
    if (depth > 64) return; // deeper than any real event; the size limits bound the rest
    const inner = typeof node === 'string' ? asJsonContainer(node) : undefined;
    if (inner !== undefined) return visit(inner, at, key, depth + 1);
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, keyPath(at, i), key, depth + 1));
    if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) visit(v, keyPath(at, k), k, depth + 1);
      return;
    }
    fn(node, at, key);
  };
  visit(value, path, undefined, 0);
}

/** What a leaf under `key` looks like, when it looks like a credential. */
export function credentialLooksLike(leaf: unknown, key: string | undefined): string | undefined {
  if (typeof leaf === 'string') {
    const looksLike = stringLooksLike(leaf);
    if (looksLike) return looksLike;
    if (key !== undefined && isCredentialKey(key) && withoutEnvReferences(leaf).trim().length >= LONG_VALUE) {
      return `a credential (a key named ${JSON.stringify(key)} with a ${leaf.length}-character value)`;
    }
  }
  if ((typeof leaf === 'number' || typeof leaf === 'bigint') && key !== undefined && isCredentialKey(key) && String(leaf).length >= LONG_VALUE) {
    return `a credential (a key named ${JSON.stringify(key)} with a long number)`;
  }
  return undefined;
}

/** Every credential-looking value in `value`, with its path below `path`. */
export function findCredentials(value: unknown, path = ''): CredentialFinding[] {
  const found: CredentialFinding[] = [];
  forEachLeaf(value, path, (leaf, at, key) => {
    const looksLike = credentialLooksLike(leaf, key);
    if (looksLike) found.push({ path: at, looksLike });
  });
  return found;
}
