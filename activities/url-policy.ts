/**
 * Where the worker may fetch from. Package URLs (a manifest someone pushed) and GetFunctionAddress's
 * code URLs (an answer that passed through the network) are untrusted: without this a manifest could
 * make the worker read its cloud's metadata service (`http://169.254.169.254/`), a loopback admin port
 * or a host on the private network, and record what it found.
 *
 * A URL passes a `FetchPolicy` when
 * - its host matches one of the policy's patterns (`host`, `host:port`, `*.suffix`; without a port only
 *   the scheme's default port), and its scheme is https (http only where the policy allows it);
 * - every address its name resolves to is public (not loopback, link-local, private, CGNAT,
 *   multicast, documentation or otherwise reserved), and the connection then goes to the address
 *   that was checked (`pinnedLookup`), so a DNS answer that changes between check and connect
 *   (rebinding) cannot move it.
 * The trusted hosts (the simulator named by SCF_ENDPOINT) are the one exception: exact `host:port`,
 * http allowed, any address.
 * Each redirect hop is checked again by the caller (download.ts).
 */
import { promises as dns } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Tencent COS domains: `<bucket>-<appid>.cos.<region>.myqcloud.com`, the older `<bucket>-<appid>.cos<r>.myqcloud.com` (GetFunctionAddress's seed page), accelerated/CDN `*.file.myqcloud.com`, and `*.tencentcos.cn`. */
export const COS_HOST_PATTERNS: readonly string[] = ['*.myqcloud.com', '*.tencentcos.cn'];

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a name resolves to (the `dns.lookup` view, as connections see it). */
export type LookupAll = (hostname: string) => Promise<ResolvedAddress[]>;

const systemLookup: LookupAll = async (hostname) =>
  (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** A URL the policy refuses (not retryable: the same URL is refused again). */
export class UrlRefused extends Error {
  override name = 'UrlRefused';
}

const NON_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local: cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NON_PUBLIC.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: would reach any IPv4 address, private ones included
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23], // IETF special purpose (Teredo, ORCHID, ...)
  ['2001:db8::', 32],
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10],
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC.addSubnet(net, bits, 'ipv6');
}

/** Whether `ip` (a literal address) is a public unicast address. */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  return !NON_PUBLIC.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}

/** The URL without its query and fragment: what logs and error messages may show of a (possibly signed) URL. */
export function redactUrl(url: string | URL): string {
  let u: URL;
  try {
    u = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return String(url).replace(/[?#].*$/s, '');
  }
  return `${u.protocol}//${u.host}${u.pathname}`;
}

const PATTERN_RE = /^(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}))?$/;

/** Checks `host`, `host:port`, `*.suffix` patterns (lowercase); returns the problem, or undefined. */
export function hostPatternProblem(pattern: string): string | undefined {
  const m = PATTERN_RE.exec(pattern);
  if (!m) return `"${pattern}" is not a host, host:port or *.suffix pattern`;
  if (m[1] && !m[2].includes('.')) return `"${pattern}" would match every host under a top-level domain; name a longer suffix`;
  if (m[3] && Number(m[3]) > 65535) return `"${pattern}" has a port over 65535`;
  return undefined;
}

function matches(pattern: string, url: URL): boolean {
  const m = PATTERN_RE.exec(pattern);
  if (!m) return false;
  const [, wildcard, name, port] = m;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if ((port ?? '') !== url.port) return false;
  return wildcard ? host.endsWith(`.${name}`) : host === name;
}

export interface FetchPolicyOptions {
  /** Host patterns (`host`, `host:port`, `*.suffix`) fetched over https. */
  hosts: readonly string[];
  /** What the list is called in messages, e.g. `SCF_PACKAGE_HOSTS`. */
  listName: string;
  /** Exact `host:port` hosts (the simulator named by SCF_ENDPOINT): http allowed, any address. */
  trustedHosts?: readonly string[];
  /** Also plain http for `hosts` (GetFunctionAddress answers http:// COS URLs, per its seed page). */
  allowHttp?: boolean;
  /** Injected in tests; default `dns.lookup` (all addresses). */
  lookup?: LookupAll;
}

export class FetchPolicy {
  private readonly lookup: LookupAll;
  constructor(readonly options: FetchPolicyOptions) {
    this.lookup = options.lookup ?? systemLookup;
  }

  private describeAllowed(): string {
    const trusted = this.options.trustedHosts ?? [];
    const hosts = this.options.hosts.length ? this.options.hosts.join(', ') : 'none';
    return `only ${trusted.length ? `${trusted.join(', ')} or ` : ''}hosts on ${this.options.listName} (${hosts}) may be contacted`;
  }

  /**
   * Checks one hop: scheme, host, and every resolved address. Returns the address to connect to.
   * Throws `UrlRefused` (a policy refusal), or the lookup's own error (DNS failure: may be transient).
   */
  async check(url: URL): Promise<ResolvedAddress> {
    const shown = redactUrl(url);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UrlRefused(`refusing ${url.protocol} URL ${shown}: only https`);
    if (url.username || url.password) throw new UrlRefused(`refusing ${shown}: credentials in a URL are not allowed`);
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const trusted = (this.options.trustedHosts ?? []).includes(url.host);
    if (!trusted) {
      if (!this.options.hosts.some((p) => matches(p, url))) throw new UrlRefused(`refusing to download from ${url.host}: ${this.describeAllowed()}`);
      if (url.protocol === 'http:' && !this.options.allowHttp) {
        throw new UrlRefused(`refusing ${shown}: plain http can be read and changed on the way; use https://`);
      }
    }
    const literal = isIP(hostname);
    const addresses: ResolvedAddress[] = literal ? [{ address: hostname, family: literal === 6 ? 6 : 4 }] : await this.lookup(hostname);
    if (addresses.length === 0) throw new Error(`${hostname} resolved to no address`);
    if (!trusted) {
      const bad = addresses.find((a) => !isPublicAddress(a.address));
      if (bad) {
        throw new UrlRefused(
          `refusing to download from ${url.host}: it ${literal ? 'is' : `resolves to ${bad.address}, which is`} not a public address (loopback, link-local, private or reserved)`,
        );
      }
    }
    return addresses[0];
  }
}

/** A `lookup` for http(s).request that always answers the checked address (no second DNS query). */
export function pinnedLookup(resolved: ResolvedAddress): LookupFunction {
  return ((_hostname: string, options: { all?: boolean } | number | undefined, callback: (...args: unknown[]) => void) => {
    const cb = typeof options === 'function' ? (options as (...args: unknown[]) => void) : callback;
    if (typeof options === 'object' && options?.all) cb(null, [{ address: resolved.address, family: resolved.family }]);
    else cb(null, resolved.address, resolved.family);
  }) as LookupFunction;
}
