/**
 * The activities' configuration, read once at worker start from the environment.
 *
 * | variable                  | meaning                                                                  | default |
 * |---------------------------|--------------------------------------------------------------------------|---------|
 * | `SCF_ENDPOINT`            | API host override, `host[:port]` or `http(s)://host[:port]` (simulator)  | SCF's own (`scf.tencentcloudapi.com`) |
 * | `SCF_PROTOCOL`            | `https` or `http`; taken from `SCF_ENDPOINT` when it has a scheme (both: they must agree) | `https` |
 * | `SCF_CREDENTIALS`         | `default` (env → profile file → CVM role), `env`, `profile`, `cvm-role`  | `default` |
 * | `SCF_ACCOUNT`             | a label for the account (keys the client cache and the rate limiter)     | `default` |
 * | `SCF_REQUEST_TIMEOUT`     | per-request timeout, in the one duration grammar (`30s`, `1m`; a bare number is seconds); at most 10m. `SCF_TIMEOUT_MS` is refused (renamed) | `30s` |
 * | `SCF_RATE_LIMITS`         | per-action overrides, `PublishVersion=10,GetFunction=50` (requests/s); unknown action names are refused | the documented limits |
 * | `SCF_RATE_LIMIT_SHARE`    | this worker's share of the account's limits, `0 < share <= 1`            | `1` |
 * | `SCF_ARTIFACT_DIR`        | where snapshots and downloaded packages are kept                         | `.data/artifacts` |
 * | `SCF_MAX_DOWNLOAD_BYTES`  | cap on any download (snapshots, http(s) packages)                        | `536870912` (512 MiB) |
 * | `SCF_PACKAGE_HOSTS`       | hosts https packages may come from: `host`, `host:port`, `*.suffix`, comma-separated | the COS domains (`*.myqcloud.com`, `*.tencentcos.cn`) |
 * | `SCF_PACKAGE_DIR`         | the one directory local packages (paths, file://) may come from; must exist | none: local packages refused |
 * | `SCF_COS_BUCKET`          | COS bucket (`name-appid`) for undo snapshots (and the client's staged packages) | none: snapshots stay on this worker's disk |
 * | `SCF_COS_REGION`          | its region; required with `SCF_COS_BUCKET`                                | none |
 * | `SCF_COS_PREFIX`          | key prefix; objects are `<prefix>/sha256/<hex>.zip`                       | `scf-release` |
 * | `SCF_COS_ENDPOINT`        | a private COS-compatible endpoint, `host:port` or `http://host:port` (the simulator) | the simulator's own host when `SCF_ENDPOINT` is one, else Tencent COS |
 * | `SCF_EXPECTED_TRANSITION` | how long SCF takes to finish an update/publish/copy (duration): waitForActive polls first after it, then every 100 ms growing 1.5× to 2.5 s | `300ms` |
 *
 * Secrets are NOT part of this config: `TENCENTCLOUD_SECRET_ID` / `TENCENTCLOUD_SECRET_KEY` /
 * `TENCENTCLOUD_SESSION_TOKEN`, the profile file `~/.tencentcloud/credentials` and the CVM role are
 * read by the SDK's own credential providers when a request is signed, so they never appear in
 * this object, in logs or in workflow history.
 *
 * Package sources (url-policy.ts): packages and GetFunctionAddress URLs are fetched only from public
 * addresses. When `SCF_ENDPOINT` names a host outside `tencentcloudapi.com` (the simulator), that
 * `host:port` is trusted as well: packages and code URLs from it, over http, on loopback.
 *
 * Cross-worker rate limits: the limiter is per worker process. The tight-limit actions are also held
 * by the server, across workers (a task queue per action, worker/create-worker.ts); for the 100/s
 * actions, when N workers share one account, `SCF_RATE_LIMIT_SHARE=1/N` keeps their sum under.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { checkDuration, DURATION_GRAMMAR } from '../workflows/durations';
import { DEFAULT_COS_PREFIX, type CosSettings } from './cos-client';
import type { ScfAction } from './scf-client';
import { COS_HOST_PATTERNS, hostPatternProblem } from './url-policy';

export type CredentialSource = 'default' | 'env' | 'profile' | 'cvm-role';

export interface ScfConfig {
  /** `host[:port]` without scheme; undefined = the SDK's default endpoint. */
  endpoint?: string;
  protocol: 'http://' | 'https://';
  credentials: CredentialSource;
  account: string;
  timeoutMs: number;
  /** Requests per second per action, after overrides (before the share is applied). */
  rateLimits: Record<string, number>;
  /**
   * This worker's share of the account's limits: fixed by SCF_RATE_LIMIT_SHARE, or `auto` (unset): the
   * worker sets its own, 1 / the worker processes polling its task queue (worker/peer-share.ts).
   */
  rateLimitShare: number | 'auto';
  artifactDir: string;
  maxDownloadBytes: number;
  /** Host patterns for https packages (SCF_PACKAGE_HOSTS). */
  packageHosts: string[];
  /** Absolute; the only directory local packages may come from (SCF_PACKAGE_DIR). */
  packageDir?: string;
  /** `host:port` of SCF_ENDPOINT when it is not Tencent's (the simulator): trusted for packages and code URLs. */
  simulatorHost?: string;
  /** Where undo snapshots are kept durably (SCF_COS_*); undefined: only in artifactDir. */
  cos?: CosSettings;
  /** SCF_EXPECTED_TRANSITION: when waitForActive polls first after a change. */
  expectedTransitionMs: number;
}

/** The documented per-second limits of each action (per account). Others: `DEFAULT_RATE_LIMIT`. */
export const DOCUMENTED_RATE_LIMITS: Readonly<Record<string, number>> = {
  UpdateFunctionCode: 100,
  GetFunction: 100,
  PublishVersion: 20,
  CopyFunction: 20,
  GetFunctionAddress: 20,
  CreateAlias: 20,
  GetAlias: 20,
  UpdateAlias: 20,
  DeleteAlias: 20,
  ListAliases: 20,
  CreateFunction: 10,
  CreateTrigger: 100,
  DeleteTrigger: 100,
  InvokeFunction: 10000,
  Invoke: 10000,
};
export const DEFAULT_RATE_LIMIT = 20;

/** The actions the activities call (`ScfActionMap` in scf-client.ts; the type keeps the two in step). */
const CALLED_ACTIONS: Record<ScfAction, true> = {
  GetFunction: true,
  UpdateFunctionCode: true,
  PublishVersion: true,
  ListVersionByFunction: true,
  CopyFunction: true,
  GetFunctionAddress: true,
  InvokeFunction: true,
  CreateAlias: true,
  GetAlias: true,
  UpdateAlias: true,
  DeleteAlias: true,
  DeleteFunction: true,
  ListFunctions: true,
  ListTriggers: true,
  CreateTrigger: true,
  DeleteTrigger: true,
};

/** The action names `SCF_RATE_LIMITS` accepts: the documented limits and every action the activities call. */
export const RATE_LIMITED_ACTIONS: readonly string[] = [...new Set([...Object.keys(DOCUMENTED_RATE_LIMITS), ...Object.keys(CALLED_ACTIONS)])].sort();

const positiveInt = (name: string) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a positive integer`)
    .transform(Number)
    .refine((n) => n > 0, `${name} must be > 0`);

/** docker-compose passes an unset optional variable as `${VAR:-}`, i.e. empty: that means unset. */
const unsetWhenEmpty = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);

const envSchema = z.object({
  SCF_ENDPOINT: z.string().trim().min(1).optional(),
  SCF_PROTOCOL: z.enum(['http', 'https', 'http://', 'https://']).optional(),
  SCF_CREDENTIALS: z.enum(['default', 'env', 'profile', 'cvm-role']).optional(),
  SCF_ACCOUNT: z.string().trim().min(1).optional(),
  SCF_REQUEST_TIMEOUT: z.string().optional(),
  SCF_RATE_LIMITS: z.string().optional(),
  SCF_RATE_LIMIT_SHARE: z.string().optional(),
  SCF_ARTIFACT_DIR: z.string().trim().min(1).optional(),
  SCF_MAX_DOWNLOAD_BYTES: positiveInt('SCF_MAX_DOWNLOAD_BYTES').optional(),
  SCF_PACKAGE_HOSTS: z.string().optional(),
  SCF_PACKAGE_DIR: z.string().trim().min(1).optional(),
  SCF_COS_BUCKET: unsetWhenEmpty(z.string().trim().regex(/^[a-z0-9][a-z0-9-]*-\d+$/, 'SCF_COS_BUCKET must be <name>-<appid>, e.g. scf-release-1250000000').optional()),
  SCF_COS_REGION: unsetWhenEmpty(z.string().trim().regex(/^[a-z]{2,}(-[a-z0-9]+)+$/, 'SCF_COS_REGION must be a region such as ap-guangzhou').optional()),
  SCF_COS_PREFIX: unsetWhenEmpty(z.string().trim().optional()),
  SCF_COS_ENDPOINT: unsetWhenEmpty(z.string().trim().min(1).optional()),
  SCF_EXPECTED_TRANSITION: z.string().optional(),
});

export class ScfConfigError extends Error {
  override name = 'ScfConfigError';
}

/**
 * `PublishVersion=10,GetFunction=50` (also accepts `;` and `:`). Action names are checked against
 * `RATE_LIMITED_ACTIONS` (case-sensitive), so a typo fails the start instead of being ignored.
 */
export function parseRateLimits(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!text || !text.trim()) return out;
  for (const part of text.split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]+)\s*[=:]\s*(\d+(?:\.\d+)?)$/.exec(part);
    if (!m || Number(m[2]) <= 0) {
      throw new ScfConfigError(`SCF_RATE_LIMITS: "${part}" is not Action=requestsPerSecond (e.g. PublishVersion=10)`);
    }
    if (!RATE_LIMITED_ACTIONS.includes(m[1])) {
      throw new ScfConfigError(`SCF_RATE_LIMITS: "${m[1]}" is not an SCF action this worker rate-limits; valid names: ${RATE_LIMITED_ACTIONS.join(', ')}`);
    }
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/** A request timeout past this is a typo (most often milliseconds written as a bare number, i.e. seconds). */
export const MAX_REQUEST_TIMEOUT_MS = 600_000;

/** `SCF_REQUEST_TIMEOUT` in the one duration grammar (workflows/durations.ts); default 30 s. */
function parseRequestTimeout(env: NodeJS.ProcessEnv, text: string | undefined): number {
  if (env.SCF_TIMEOUT_MS !== undefined) {
    throw new ScfConfigError(
      `SCF_TIMEOUT_MS was renamed SCF_REQUEST_TIMEOUT, which takes ${DURATION_GRAMMAR}; e.g. SCF_REQUEST_TIMEOUT=${env.SCF_TIMEOUT_MS.trim()}ms`,
    );
  }
  if (text === undefined || text.trim() === '') return 30_000;
  const checked = checkDuration(text, MAX_REQUEST_TIMEOUT_MS);
  if ('problem' in checked) throw new ScfConfigError(`SCF_REQUEST_TIMEOUT: ${checked.problem}`);
  if (checked.ms === 0) throw new ScfConfigError('SCF_REQUEST_TIMEOUT: must be more than 0 (e.g. 30s)');
  return checked.ms;
}

/** A transition expected to take longer than this is a typo; waitForActive gives up after 5 min anyway. */
const MAX_EXPECTED_TRANSITION_MS = 60_000;

/** `SCF_EXPECTED_TRANSITION` in the one duration grammar; default 300 ms (the simulator's transitions). */
function parseExpectedTransition(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return 300;
  const checked = checkDuration(text, MAX_EXPECTED_TRANSITION_MS);
  if ('problem' in checked) throw new ScfConfigError(`SCF_EXPECTED_TRANSITION: ${checked.problem}`);
  return checked.ms;
}

/** Unset, empty or `auto`: the worker sets its share itself (worker/peer-share.ts). */
function parseShare(text: string | undefined): number | 'auto' {
  if (text === undefined || text.trim() === '' || text.trim().toLowerCase() === 'auto') return 'auto';
  const frac = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const value = frac ? Number(frac[1]) / Number(frac[2]) : Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new ScfConfigError(`SCF_RATE_LIMIT_SHARE must be auto (the default: 1 / the workers polling) or a number in (0, 1], e.g. 0.5; got "${text}"`);
  }
  return value;
}

/** `*.example.com, downloads.example.org:8443`; empty or unset: the COS domains. */
export function parsePackageHosts(text: string | undefined): string[] {
  const patterns = (text ?? '').split(',').map((p) => p.trim().toLowerCase()).filter(Boolean);
  for (const p of patterns) {
    const problem = hostPatternProblem(p);
    if (problem) throw new ScfConfigError(`SCF_PACKAGE_HOSTS: ${problem} (e.g. *.cos.ap-guangzhou.myqcloud.com, downloads.example.com)`);
  }
  return patterns.length ? patterns : [...COS_HOST_PATTERNS];
}

function packageDir(text: string | undefined, cwd: string): string | undefined {
  if (!text) return undefined;
  const dir = path.resolve(cwd, text);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new ScfConfigError(`SCF_PACKAGE_DIR: no directory at ${dir}`);
  return dir;
}

/** `host:port` of a private COS endpoint: SCF_COS_ENDPOINT (http only), else the simulator's host. */
function cosEndpoint(text: string | undefined, simulatorHost: string | undefined): string | undefined {
  if (!text) return simulatorHost;
  const m = /^(?:(https?):\/\/)?([^/\s]+?)\/?$/.exec(text);
  if (!m || m[1] === 'https') throw new ScfConfigError(`SCF_COS_ENDPOINT must be host:port or http://host:port of a COS-compatible endpoint (unset for Tencent COS); got "${text}"`);
  return m[2];
}

/** SCF_COS_*: the bucket for snapshots (and staged packages), or undefined when no bucket is set. */
export function cosSettings(env: NodeJS.ProcessEnv, simulatorHost?: string): CosSettings | undefined {
  const parsed = envSchema.pick({ SCF_COS_BUCKET: true, SCF_COS_REGION: true, SCF_COS_PREFIX: true, SCF_COS_ENDPOINT: true }).safeParse(env);
  if (!parsed.success) throw new ScfConfigError(parsed.error.issues[0].message);
  const e = parsed.data;
  if (!e.SCF_COS_BUCKET) {
    if (e.SCF_COS_REGION || e.SCF_COS_PREFIX) throw new ScfConfigError('SCF_COS_REGION/SCF_COS_PREFIX are set but SCF_COS_BUCKET is not; set the bucket (name-appid) too');
    return undefined;
  }
  if (!e.SCF_COS_REGION) throw new ScfConfigError('SCF_COS_BUCKET needs SCF_COS_REGION (the bucket\'s region, e.g. ap-guangzhou)');
  const prefix = (e.SCF_COS_PREFIX ?? DEFAULT_COS_PREFIX).replace(/^\/+|\/+$/g, '');
  if (/[^A-Za-z0-9._\-/]/.test(prefix) || prefix.split('/').includes('..')) throw new ScfConfigError(`SCF_COS_PREFIX may hold letters, digits, . _ - and /; got "${e.SCF_COS_PREFIX}"`);
  const endpoint = cosEndpoint(e.SCF_COS_ENDPOINT, simulatorHost);
  return { bucket: e.SCF_COS_BUCKET, region: e.SCF_COS_REGION, prefix, ...(endpoint ? { endpoint } : {}) };
}

/** Reads and validates the configuration; throws `ScfConfigError` naming the variable that is wrong. */
export function loadScfConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): ScfConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ScfConfigError(`${first.path.join('.')}: ${first.message}`);
  }
  const e = parsed.data;
  let endpoint = e.SCF_ENDPOINT;
  let scheme: 'http' | 'https' | undefined;
  if (endpoint) {
    const m = /^(https?):\/\/(.+?)\/?$/.exec(endpoint);
    if (m) {
      scheme = m[1] as 'http' | 'https';
      endpoint = m[2];
    }
    if (/[/\s]/.test(endpoint)) throw new ScfConfigError(`SCF_ENDPOINT must be host[:port] or http(s)://host[:port]; got "${e.SCF_ENDPOINT}"`);
  }
  const declared = e.SCF_PROTOCOL?.replace('://', '') as 'http' | 'https' | undefined;
  if (declared && scheme && declared !== scheme) {
    throw new ScfConfigError(
      `SCF_PROTOCOL (${e.SCF_PROTOCOL}) disagrees with the scheme of SCF_ENDPOINT (${e.SCF_ENDPOINT}); set one of them, or make them agree`,
    );
  }
  const protocol = `${declared ?? scheme ?? 'https'}://` as ScfConfig['protocol'];
  const endpointHost = endpoint ? new URL(`${protocol}${endpoint}`) : undefined;
  const isTencent = endpointHost && /(^|\.)tencentcloudapi\.com$/i.test(endpointHost.hostname);
  const simulatorHost = endpointHost && !isTencent ? endpointHost.host : undefined;
  const cos = cosSettings(env, simulatorHost);
  return {
    endpoint,
    protocol,
    credentials: e.SCF_CREDENTIALS ?? 'default',
    account: e.SCF_ACCOUNT ?? 'default',
    timeoutMs: parseRequestTimeout(env, e.SCF_REQUEST_TIMEOUT),
    rateLimits: { ...DOCUMENTED_RATE_LIMITS, ...parseRateLimits(e.SCF_RATE_LIMITS) },
    rateLimitShare: parseShare(e.SCF_RATE_LIMIT_SHARE),
    artifactDir: path.resolve(cwd, e.SCF_ARTIFACT_DIR ?? '.data/artifacts'),
    maxDownloadBytes: e.SCF_MAX_DOWNLOAD_BYTES ?? 512 * 1024 * 1024,
    packageHosts: parsePackageHosts(e.SCF_PACKAGE_HOSTS),
    ...(e.SCF_PACKAGE_DIR ? { packageDir: packageDir(e.SCF_PACKAGE_DIR, cwd) } : {}),
    ...(simulatorHost ? { simulatorHost } : {}),
    ...(cos ? { cos } : {}),
    expectedTransitionMs: parseExpectedTransition(e.SCF_EXPECTED_TRANSITION),
  };
}
