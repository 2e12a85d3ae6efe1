import { randomUUID } from 'node:crypto';
import { sha256Hex } from './hash';

/** In-memory model of SCF: account (SecretId) → region → namespace → function → versions/aliases. */

export type FunctionStatus =
  | 'Creating' | 'CreateFailed' | 'Active' | 'Updating' | 'UpdateFailed' | 'Publishing' | 'PublishFailed' | 'Deleting' | 'DeleteFailed';

export interface StatusReason { ErrorCode: string; ErrorMessage: string }
export interface EnvVar { Key: string; Value: string }

export interface VersionState {
  version: string; // "$LATEST" or "1", "2", ...
  code: Buffer;
  codeSha256: string;
  handler: string;
  runtime: string;
  memorySize: number;
  timeout: number;
  environment: EnvVar[];
  description: string;
  status: FunctionStatus;
  addTime: string;
  modTime: string;
}

/** A trigger as GetFunction/ListTriggers show it (field names as in scf_models.d.ts `Trigger`). */
export interface TriggerState {
  Type: string; TriggerName: string; TriggerDesc: string; AddTime: string; ModTime: string; Enable: number; Qualifier: string;
  CustomArgument?: string; Description?: string; AvailableStatus?: string;
}

export interface VersionWeight { Version: string; Weight: number }
export interface VersionMatch { Version: string; Key: string; Method: string; Expression: string }
export interface AliasState {
  name: string;
  functionVersion: string;
  additionalVersionWeights: VersionWeight[];
  additionalVersionMatches: VersionMatch[];
  description: string;
  addTime: string;
  modTime: string;
}

export interface FunctionState {
  functionId: string;
  name: string;
  namespace: string;
  region: string;
  status: FunctionStatus;
  statusReasons: StatusReason[];
  latest: VersionState;
  versions: Map<string, VersionState>;
  nextVersion: number;
  aliases: Map<string, AliasState>;
  triggers: TriggerState[];
  addTime: string;
  modTime: string;
  /** Bumped on every mutation so stale timers know they lost the race. */
  generation: number;
}

export interface NamespaceState { name: string; description: string; addTime: string; modTime: string; functions: Map<string, FunctionState> }
interface RegionState { namespaces: Map<string, NamespaceState> }
export interface AccountState { secretId: string; appId: string; uin: string; regions: Map<string, RegionState> }

/**
 * The JSON form of the store (`Store.snapshot`, the simulator's dataDir state file). The optional fields
 * are ones `restore` defaults when a saved file lacks them; `Code` (base64) is there with includeCode only.
 */
interface VersionSnapshot {
  Version: string; CodeSha256: string; CodeSize: number; Handler: string; Runtime: string; MemorySize: number; Timeout: number;
  Environment?: EnvVar[]; Description?: string; Status: FunctionStatus; AddTime: string; ModTime: string; Code?: string;
}
interface FunctionSnapshot {
  functionId: string; status: FunctionStatus; statusReasons?: StatusReason[]; addTime: string; modTime: string;
  nextVersion: number; triggers?: TriggerState[]; latest: VersionSnapshot; versions?: VersionSnapshot[]; aliases?: AliasState[];
}
interface NamespaceSnapshot { description: string; addTime: string; modTime: string; functions?: Record<string, FunctionSnapshot> }
interface AccountSnapshot { secretId: string; appId: string; uin: string; regions?: Record<string, { namespaces?: Record<string, NamespaceSnapshot> }> }
interface StoreSnapshot { accounts?: AccountSnapshot[] }

/** SCF's time format: "YYYY-MM-DD HH:mm:ss" in China Standard Time. */
export function scfTime(ms = Date.now()): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
}

/**
 * CodeSha256 per package Buffer: publishing, configuration updates, copies and seeds reuse the Buffer
 * of the version they start from, so its bytes are hashed once, not on every new version. Keyed by the
 * Buffer itself (never a codeSha256 passed along with it); code Buffers are not written after they are stored.
 */
const codeShaCache = new WeakMap<Buffer, string>();
function codeSha256(code: Buffer): string {
  let sha = codeShaCache.get(code);
  if (sha === undefined) {
    sha = sha256Hex(code);
    codeShaCache.set(code, sha);
  }
  return sha;
}

export function makeVersion(input: {
  version: string; code: Buffer; handler: string; runtime: string; memorySize: number; timeout: number;
  environment: EnvVar[]; description: string; status?: FunctionStatus;
}): VersionState {
  const now = scfTime();
  return {
    version: input.version,
    code: input.code,
    codeSha256: codeSha256(input.code),
    handler: input.handler,
    runtime: input.runtime,
    memorySize: input.memorySize,
    timeout: input.timeout,
    environment: input.environment.map((v) => ({ Key: v.Key, Value: v.Value })),
    description: input.description,
    status: input.status ?? 'Active',
    addTime: now,
    modTime: now,
  };
}

export class Store {
  readonly accounts = new Map<string, AccountState>();

  account(secretId: string): AccountState {
    let a = this.accounts.get(secretId);
    if (!a) {
      const digits = sha256Hex(Buffer.from(secretId)).replace(/[a-f]/g, '').padEnd(20, '7');
      a = { secretId, appId: '125' + digits.slice(0, 7), uin: '1000' + digits.slice(7, 15), regions: new Map() };
      this.accounts.set(secretId, a);
    }
    return a;
  }

  region(secretId: string, region: string): RegionState {
    const a = this.account(secretId);
    let r = a.regions.get(region);
    if (!r) {
      const now = scfTime();
      r = { namespaces: new Map([['default', { name: 'default', description: 'default namespace', addTime: now, modTime: now, functions: new Map() }]]) };
      a.regions.set(region, r);
    }
    return r;
  }

  namespace(secretId: string, region: string, ns: string): NamespaceState | undefined {
    return this.region(secretId, region).namespaces.get(ns);
  }

  findFunction(secretId: string, region: string, ns: string, name: string): FunctionState | undefined {
    return this.namespace(secretId, region, ns)?.functions.get(name);
  }

  newFunction(input: { name: string; namespace: string; region: string; latest: VersionState; status: FunctionStatus }): FunctionState {
    const now = scfTime();
    return {
      functionId: 'lam-' + randomUUID().replace(/-/g, '').slice(0, 8),
      name: input.name,
      namespace: input.namespace,
      region: input.region,
      status: input.status,
      statusReasons: [],
      latest: input.latest,
      versions: new Map(),
      nextVersion: 1,
      aliases: new Map(),
      triggers: [],
      addTime: now,
      modTime: now,
      generation: 0,
    };
  }

  /** JSON snapshot (no secrets beyond the SecretId that names an account). */
  snapshot(includeCode = false): StoreSnapshot {
    const ver = (v: VersionState): VersionSnapshot => ({
      Version: v.version, CodeSha256: v.codeSha256, CodeSize: v.code.length, Handler: v.handler, Runtime: v.runtime,
      MemorySize: v.memorySize, Timeout: v.timeout, Environment: v.environment, Description: v.description,
      Status: v.status, AddTime: v.addTime, ModTime: v.modTime,
      ...(includeCode ? { Code: v.code.toString('base64') } : {}),
    });
    return {
      accounts: [...this.accounts.values()].map((a) => ({
        secretId: a.secretId, appId: a.appId, uin: a.uin,
        regions: Object.fromEntries([...a.regions].map(([rn, r]) => [rn, {
          namespaces: Object.fromEntries([...r.namespaces].map(([nn, n]) => [nn, {
            description: n.description, addTime: n.addTime, modTime: n.modTime,
            functions: Object.fromEntries([...n.functions].map(([fn, f]) => [fn, {
              functionId: f.functionId, status: f.status, statusReasons: f.statusReasons, addTime: f.addTime, modTime: f.modTime,
              nextVersion: f.nextVersion, triggers: f.triggers,
              latest: ver(f.latest),
              versions: [...f.versions.values()].map(ver),
              aliases: [...f.aliases.values()],
            }])),
          }])),
        }])),
      })),
    };
  }

  /** Restores a snapshot made with includeCode=true; transitional states settle to their end state. */
  restore(snap: StoreSnapshot | undefined): void {
    this.accounts.clear();
    const settle = (s: FunctionStatus): FunctionStatus =>
      s === 'Creating' || s === 'Updating' || s === 'Publishing' ? 'Active' : s;
    const ver = (v: VersionSnapshot): VersionState => ({
      version: v.Version, code: Buffer.from(v.Code ?? '', 'base64'), codeSha256: v.CodeSha256, handler: v.Handler, runtime: v.Runtime,
      memorySize: v.MemorySize, timeout: v.Timeout, environment: v.Environment ?? [], description: v.Description ?? '',
      status: settle(v.Status), addTime: v.AddTime, modTime: v.ModTime,
    });
    for (const a of snap?.accounts ?? []) {
      this.account(a.secretId);
      for (const [rn, r] of Object.entries(a.regions ?? {})) {
        const region = this.region(a.secretId, rn);
        for (const [nn, n] of Object.entries(r.namespaces ?? {})) {
          const ns: NamespaceState = { name: nn, description: n.description, addTime: n.addTime, modTime: n.modTime, functions: new Map() };
          region.namespaces.set(nn, ns);
          for (const [fn, f] of Object.entries(n.functions ?? {})) {
            if (f.status === 'Deleting') continue;
            ns.functions.set(fn, {
              functionId: f.functionId, name: fn, namespace: nn, region: rn, status: settle(f.status), statusReasons: f.statusReasons ?? [],
              latest: ver(f.latest), versions: new Map((f.versions ?? []).map((v) => [v.Version, ver(v)])),
              nextVersion: f.nextVersion, aliases: new Map((f.aliases ?? []).map((al) => [al.name, al])),
              triggers: f.triggers ?? [], addTime: f.addTime, modTime: f.modTime, generation: 0,
            });
          }
        }
      }
    }
  }
}
