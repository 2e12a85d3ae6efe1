import { checkPackage, checkHandler, checkMemory, checkRuntime, checkTimeout } from './actions/common';
import type { Sim } from './context';
import type { CallTarget, FaultSettings } from './faults';
import { publishNow } from './actions/functions';
import { makeVersion, scfTime, type FunctionState, type NamespaceState } from './model';
import { isScfRegion } from './regions';
import type { RequestLog, RequestLogEntry } from './request-log';
import type { Delays, HeldTransition } from './state-machine';
import { createZip } from './zip';
import type { TrafficGenerator, TrafficInput, TrafficStatus } from './traffic';

export interface SeedFunctionInput {
  secretId?: string;
  region: string;
  namespace?: string;
  functionName: string;
  files?: Record<string, string>;
  zip?: Buffer;
  handler?: string;
  runtime?: string;
  memorySize?: number;
  timeout?: number;
  environment?: Record<string, string>;
  triggers?: Array<{ type: string; name: string; qualifier?: string; desc?: string }>;
  description?: string;
  /** Publish this many numbered versions of the seeded code ("1".."n"), all Active. */
  publishVersions?: number;
}

export interface FunctionTarget { secretId?: string; region: string; namespace?: string; functionName: string }

/** Model view of one function for tests (includes CodeSha256 of $LATEST and every version). */
export interface FunctionModelView {
  functionName: string;
  namespace: string;
  region: string;
  status: string;
  statusReasons: Array<{ ErrorCode: string; ErrorMessage: string }>;
  codeSha256: string;
  handler: string;
  runtime: string;
  memorySize: number;
  timeout: number;
  environment: Record<string, string>;
  description: string;
  versions: Array<{ version: string; codeSha256: string; status: string; description: string }>;
  aliases: Array<{ name: string; functionVersion: string; weights: Array<{ Version: string; Weight: number }> }>;
  triggers: Array<{ type: string; name: string }>;
  held: boolean;
}

export interface SimulatorAdmin {
  seedFunction(input: SeedFunctionInput): void;
  seedNamespace(input: { secretId?: string; region: string; namespace: string; description?: string }): void;
  putCosObject(input: { bucket: string; key: string; region: string; body: Buffer }): void;
  /** Creates a COS bucket (`<name>-<appid>`) in a region; idempotent. */
  createCosBucket(input: { bucket: string; region: string }): void;
  /** The account's (default: the simulator's first) bucket `scf-release-<appid>` in `region`, created when needed; returns its name. */
  defaultCosBucket(region: string, secretId?: string): string;
  /** The objects in the simulated COS (for tests). */
  listCosObjects(): Array<{ region: string; bucket: string; key: string; size: number }>;
  setFaults(f: FaultSettings): void;
  failNext(input: { action: string; count: number; code: string; message?: string; region?: string; functionName?: string }): void;
  loseResponse(input: { action: string; count: number; region?: string; functionName?: string }): void;
  dropConnection(input: { action: string; count: number; region?: string; functionName?: string }): void;
  /**
   * The next `count` matching calls wait before they are handled, until releaseCalls (or clearFaults);
   * a held call whose caller hangs up meanwhile is not performed (logged ABANDONED).
   */
  holdCall(input: { action: string; count: number; region?: string; functionName?: string }): void;
  /** The calls held now (see holdCall). */
  heldCalls(): CallTarget[];
  releaseCalls(): void;
  /** Clears rules and settings, and releases held calls. */
  clearFaults(): void;
  holdInUpdating(input: FunctionTarget & { ms?: number }): void;
  /**
   * Arms a hold: the next create (CreateFunction/CopyFunction target), update (code or configuration),
   * publish or delete of the function stays Creating/Updating/Publishing/Deleting until releaseHold,
   * however slow the machine. The function need not exist yet.
   */
  holdNext(input: FunctionTarget & { transition: HeldTransition }): void;
  /** Ends a hold (and drops holds armed with holdNext that have not taken effect). */
  releaseHold(input: FunctionTarget): void;
  failNextUpdate(input: FunctionTarget & { errorCode?: string; errorMessage?: string }): void;
  failNextPublish(input: FunctionTarget & { errorCode?: string; errorMessage?: string }): void;
  setDelays(d: Partial<Delays>): void;
  setRateLimits(l: Partial<Record<string, number>>): void;
  requestLog(): RequestLogEntry[];
  clearRequestLog(): void;
  state(): unknown;
  getFunction(region: string, namespace: string, functionName: string, secretId?: string): FunctionModelView | undefined;
  /** Resolves when the function is in one of `statuses` (or gone when statuses includes 'Deleted'). */
  waitForStatus(input: FunctionTarget & { statuses: string[]; timeoutMs?: number }): Promise<string>;
  /** Cloud Monitor settings (see SimulatorOptions.monitor); `fastPeriodSeconds: undefined` turns the fast period off. */
  setMonitor(input: { fastPeriodSeconds?: number }): void;
  /** Starts invoking a function through its alias at a rate (simulator/traffic.ts); returns the run's id. */
  startTraffic(input: TrafficInput): string;
  stopTraffic(id: string): TrafficStatus;
  trafficStatus(id: string): TrafficStatus;
}

export function createAdmin(sim: Sim, log: RequestLog, defaultSecretId: string, traffic: TrafficGenerator): SimulatorAdmin {
  const find = (t: FunctionTarget): FunctionState => {
    const fn = sim.store.findFunction(t.secretId ?? defaultSecretId, t.region, t.namespace ?? 'default', t.functionName);
    if (!fn) throw new Error(`no function ${t.region}/${t.namespace ?? 'default'}/${t.functionName}`);
    return fn;
  };
  const key = (t: FunctionTarget) => `${t.secretId ?? defaultSecretId}|${t.region}|${t.namespace ?? 'default'}|${t.functionName}`;
  const ensureNamespace = (secretId: string, region: string, name: string, description = ''): NamespaceState => {
    const namespaces = sim.store.region(secretId, region).namespaces;
    let ns = namespaces.get(name);
    if (!ns) {
      const now = scfTime();
      ns = { name, description, addTime: now, modTime: now, functions: new Map() };
      namespaces.set(name, ns);
    }
    return ns;
  };
  /** An admin call that changes what a dataDir snapshot holds (store or COS): a snapshot follows it. */
  const persisting = <A extends unknown[]>(call: (...args: A) => void) => (...args: A): void => {
    call(...args);
    sim.changed();
  };

  const admin: SimulatorAdmin = {
    seedFunction: persisting((input) => {
      if (!isScfRegion(input.region)) throw new Error(`unsupported region ${input.region}`);
      const nsName = input.namespace ?? 'default';
      const ns = ensureNamespace(input.secretId ?? defaultSecretId, input.region, nsName);
      const handler = input.handler ?? 'index.main_handler';
      const runtime = input.runtime ?? 'Nodejs18.15';
      const memorySize = input.memorySize ?? 128;
      const timeout = input.timeout ?? 3;
      checkHandler(handler);
      checkRuntime(runtime);
      checkMemory(memorySize);
      checkTimeout(timeout);
      const zip = input.zip ?? createZip(input.files ?? { 'index.js': "exports.main_handler = async (event) => ({ ok: true, event });\n" });
      checkPackage(zip, handler, runtime);
      const latest = makeVersion({
        version: '$LATEST', code: zip, handler, runtime, memorySize, timeout, description: input.description ?? '',
        environment: Object.entries(input.environment ?? {}).map(([Key, Value]) => ({ Key, Value })),
      });
      const old = ns.functions.get(input.functionName);
      if (old) {
        old.generation++;
        sim.sm.releaseHold(old, false);
      }
      const fn = sim.store.newFunction({ name: input.functionName, namespace: nsName, region: input.region, latest, status: 'Active' });
      const now = scfTime();
      fn.triggers = (input.triggers ?? []).map((t) => ({
        Type: t.type, TriggerName: t.name, TriggerDesc: t.desc ?? '', AddTime: now, ModTime: now, Enable: 1, Qualifier: t.qualifier ?? '$DEFAULT',
      }));
      for (let i = 0; i < (input.publishVersions ?? 0); i++) publishNow(fn, latest.description);
      ns.functions.set(input.functionName, fn);
    }),
    seedNamespace: persisting((input) => {
      ensureNamespace(input.secretId ?? defaultSecretId, input.region, input.namespace, input.description);
    }),
    putCosObject: persisting((input) => sim.cos.put(input)),
    createCosBucket: persisting((input) => sim.cos.createBucket(input.bucket, input.region)),
    defaultCosBucket(region, secretId) {
      if (!isScfRegion(region)) throw new Error(`unsupported region ${region}`);
      const bucket = `scf-release-${sim.store.account(secretId ?? defaultSecretId).appId}`;
      if (!sim.cos.bucket(bucket, region)) {
        sim.cos.createBucket(bucket, region);
        sim.changed();
      }
      return bucket;
    },
    listCosObjects: () => sim.cos.list(),
    setFaults(f) {
      sim.faults.set(f);
    },
    failNext(input) {
      sim.faults.addRule({ kind: 'failNext', action: input.action, remaining: input.count, code: input.code, message: input.message, region: input.region, functionName: input.functionName });
    },
    loseResponse(input) {
      sim.faults.addRule({ kind: 'loseResponse', action: input.action, remaining: input.count, region: input.region, functionName: input.functionName });
    },
    dropConnection(input) {
      sim.faults.addRule({ kind: 'dropConnection', action: input.action, remaining: input.count, region: input.region, functionName: input.functionName });
    },
    holdCall(input) {
      sim.faults.addRule({ kind: 'holdCall', action: input.action, remaining: input.count, region: input.region, functionName: input.functionName });
    },
    heldCalls: () => sim.faults.heldCalls(),
    releaseCalls() {
      sim.faults.releaseHeld();
    },
    clearFaults() {
      sim.faults.clear();
    },
    holdInUpdating: persisting((input) => sim.sm.hold(find(input), input.ms)),
    holdNext(input) {
      if (!isScfRegion(input.region)) throw new Error(`unsupported region ${input.region}`);
      if (!['create', 'update', 'publish', 'delete'].includes(input.transition)) throw new Error('holdNext: transition must be create, update, publish or delete');
      sim.sm.holdNext(key(input), input.transition);
    },
    releaseHold: persisting((input) => {
      sim.sm.disarm(key(input));
      const fn = sim.store.findFunction(input.secretId ?? defaultSecretId, input.region, input.namespace ?? 'default', input.functionName);
      if (fn) sim.sm.releaseHold(fn);
    }),
    failNextUpdate(input) {
      find(input);
      sim.sm.failNextFor(key(input), 'update', {
        ErrorCode: input.errorCode ?? 'InternalError.System',
        ErrorMessage: input.errorMessage ?? 'Injected update failure.',
      });
    },
    failNextPublish(input) {
      find(input);
      sim.sm.failNextFor(key(input), 'publish', {
        ErrorCode: input.errorCode ?? 'InternalError.System',
        ErrorMessage: input.errorMessage ?? 'Injected publish failure.',
      });
    },
    setDelays(d) {
      sim.sm.delays = { ...sim.sm.delays, ...d };
    },
    setRateLimits(l) {
      sim.limiter.set(l);
    },
    requestLog: () => log.all(),
    clearRequestLog: () => log.clear(),
    state: () => sim.store.snapshot(false),
    getFunction(region, namespace, functionName, secretId) {
      const fn = sim.store.findFunction(secretId ?? defaultSecretId, region, namespace, functionName);
      if (!fn) return undefined;
      return {
        functionName: fn.name, namespace: fn.namespace, region: fn.region, status: fn.status, statusReasons: fn.statusReasons.map((r) => ({ ...r })),
        codeSha256: fn.latest.codeSha256, handler: fn.latest.handler, runtime: fn.latest.runtime, memorySize: fn.latest.memorySize,
        timeout: fn.latest.timeout, environment: Object.fromEntries(fn.latest.environment.map((e) => [e.Key, e.Value])),
        description: fn.latest.description,
        versions: [...fn.versions.values()].map((v) => ({ version: v.version, codeSha256: v.codeSha256, status: v.status, description: v.description })),
        aliases: [...fn.aliases.values()].map((a) => ({ name: a.name, functionVersion: a.functionVersion, weights: a.additionalVersionWeights.map((w) => ({ ...w })) })),
        triggers: fn.triggers.map((t) => ({ type: t.Type, name: t.TriggerName })),
        held: sim.sm.isHeld(fn),
      };
    },
    setMonitor(input) {
      const f = input.fastPeriodSeconds;
      if (f !== undefined && (!Number.isInteger(f) || f < 1 || f >= 60)) throw new Error('fastPeriodSeconds must be a whole number of seconds from 1 to 59');
      sim.monitor.fastPeriodSeconds = f;
    },
    startTraffic: (input) => traffic.start(input),
    stopTraffic: (id) => traffic.stop(id),
    trafficStatus: (id) => traffic.status(id),
    async waitForStatus(input) {
      const deadline = Date.now() + (input.timeoutMs ?? 10_000);
      for (;;) {
        const fn = sim.store.findFunction(input.secretId ?? defaultSecretId, input.region, input.namespace ?? 'default', input.functionName);
        const status = fn ? fn.status : 'Deleted';
        if (input.statuses.includes(status)) return status;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${input.functionName} to reach ${input.statuses.join('|')} (is ${status})`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
  return admin;
}

/** /_admin/<method> over HTTP: GET for reads, POST with a JSON body for the rest (Buffers as base64). */
export async function adminHttp(admin: SimulatorAdmin, method: string, name: string, query: URLSearchParams, body: Buffer): Promise<unknown> {
  const json = body.length ? JSON.parse(body.toString('utf8')) : {};
  switch (name) {
    case 'requestLog':
      if (method === 'DELETE') return admin.clearRequestLog(), { ok: true };
      return admin.requestLog();
    case 'clearRequestLog':
      return admin.clearRequestLog(), { ok: true };
    case 'state':
      return admin.state();
    case 'heldCalls':
      return admin.heldCalls();
    case 'getFunction':
    case 'function': {
      const f = admin.getFunction(query.get('region') ?? json.region, query.get('namespace') ?? json.namespace ?? 'default', query.get('functionName') ?? json.functionName, query.get('secretId') ?? json.secretId ?? undefined);
      if (!f) throw Object.assign(new Error('function not found'), { status: 404 });
      return f;
    }
    case 'seedFunction':
      return admin.seedFunction({ ...json, zip: json.zipBase64 ? Buffer.from(json.zipBase64, 'base64') : undefined }), { ok: true };
    case 'putCosObject':
      return admin.putCosObject({ ...json, body: Buffer.from(json.bodyBase64 ?? '', 'base64') }), { ok: true };
    case 'defaultCosBucket':
      return { bucket: admin.defaultCosBucket(query.get('region') ?? json.region, query.get('secretId') ?? json.secretId ?? undefined) };
    case 'listCosObjects':
      return admin.listCosObjects();
    case 'waitForStatus':
      return { status: await admin.waitForStatus(json) };
    case 'startTraffic':
      return { id: admin.startTraffic(json) };
    case 'stopTraffic':
      return admin.stopTraffic(json.id);
    case 'trafficStatus':
      return admin.trafficStatus(query.get('id') ?? json.id);
    default: {
      const fn = (admin as unknown as Record<string, unknown>)[name];
      if (typeof fn !== 'function' || method !== 'POST') throw Object.assign(new Error(`unknown admin call ${method} ${name}`), { status: 404 });
      const out = await (fn as (x: unknown) => unknown).call(admin, json);
      return out ?? { ok: true };
    }
  }
}
