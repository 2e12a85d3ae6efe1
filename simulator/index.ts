import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { adminHttp, createAdmin, type SimulatorAdmin } from './admin';
import type { Sim } from './context';
import { cosEndpointOptions, COS_DOMAIN_SUFFIX, createCosApi } from './cos/api';
import { CosStore } from './cos/store';
import { Faults, type FaultSettings } from './faults';
import { Invoker, type InvokerOptions } from './invoke/invoker';
import { Store } from './model';
import { MetricsStore } from './monitor/metrics';
import { TrafficGenerator } from './traffic';
import { seededRandom } from './random';
import { RateLimiter } from './rate-limiter';
import { RequestLog } from './request-log';
import { createServer, signCodePath } from './server';
import { StateMachine, type Delays } from './state-machine';

export type { SimulatorAdmin, SeedFunctionInput, FunctionModelView, FunctionTarget } from './admin';
export type { FaultSettings } from './faults';
export type { RequestLogEntry } from './request-log';
export type { Delays } from './state-machine';
export { DEFAULT_RATE_LIMITS } from './rate-limiter';
export { SCF_REGIONS } from './regions';
export { createZip } from './zip';
export { buildTc3Authorization, buildV1Signature } from './signature';
export { cosEndpointOptions, COS_DOMAIN_SUFFIX } from './cos/api';
export { cosSignature } from './cos/signature';

export interface SimulatorOptions {
  host?: string;
  port?: number;
  credentials?: Array<{ secretId: string; secretKey: string; token?: string }>;
  delays?: Partial<Delays>;
  rateLimits?: Partial<Record<string, number>>;
  faults?: FaultSettings;
  seed?: number;
  dataDir?: string;
  logger?: Logger;
  /** Lifetime of GetFunctionAddress URLs (default 1800 s). */
  codeUrlTtlSeconds?: number;
  /** Invoke runner options (test-only start-up delay). */
  invoke?: InvokerOptions;
  /**
   * Cloud Monitor: `fastPeriodSeconds` is a simulator-only Period that GetMonitorData accepts besides
   * SCF's 60 and 300 (e.g. 1), so tests and demos need not wait for minute buckets. Off by default.
   */
  monitor?: { fastPeriodSeconds?: number };
}

export const DEFAULT_CREDENTIALS = {
  secretId: 'AKIDsimulator00000000000000000000000',
  secretKey: 'simulatorSecretKey000000000000000',
} as const;

export interface RunningSimulator {
  url: string;
  endpoint: string;
  admin: SimulatorAdmin;
  /** cos-nodejs-sdk-v5 options (`Protocol`, `Ip`, `Domain`) that send its requests to this simulator's COS. */
  cosEndpointOptions: { Protocol: 'http:'; Ip: string; Domain: string };
  /** The domain COS hosts have here: `<bucket>.cos.<region>.<suffix>`. */
  cosDomainSuffix: string;
  stop(): Promise<void>;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const host = opts.host ?? '127.0.0.1';
  const creds = opts.credentials?.length ? opts.credentials : [{ ...DEFAULT_CREDENTIALS }];
  const credentials = new Map(creds.map((c) => [c.secretId, { ...c }]));
  const seed = opts.seed ?? 1;
  const store = new Store();
  const cos = new CosStore();
  const codeBlobs = new Map<string, Buffer>();
  const urlSecret = randomBytes(32).toString('hex');
  const ttl = opts.codeUrlTtlSeconds ?? 1800;
  const stateFile = opts.dataDir ? path.join(opts.dataDir, 'scf-simulator-state.json') : undefined;
  let baseUrl = '';

  let saveTimer: NodeJS.Timeout | undefined;
  const saveNow = () => {
    if (!stateFile) return;
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    mkdirSync(path.dirname(stateFile), { recursive: true });
    const tmp = stateFile + '.tmp';
    writeFileSync(tmp, JSON.stringify({ store: store.snapshot(true), cos: cos.snapshot() }));
    renameSync(tmp, stateFile);
  };
  const changed = () => {
    if (!stateFile || saveTimer) return;
    saveTimer = setTimeout(saveNow, 50);
  };
  if (stateFile && existsSync(stateFile)) {
    const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
    store.restore(saved.store);
    cos.restore(saved.cos);
  }

  const sim: Sim = {
    store,
    sm: new StateMachine(opts.delays, changed),
    invoker: new Invoker(logger, opts.invoke),
    cos,
    faults: new Faults(opts.faults, seed),
    limiter: new RateLimiter(opts.rateLimits),
    logger,
    routingRandom: seededRandom(seed ^ 0x5eed),
    metrics: new MetricsStore(),
    monitor: {},
    codeUrl(sha, code) {
      codeBlobs.set(sha, code);
      const expires = Math.floor(Date.now() / 1000) + ttl;
      return `${baseUrl}/_code/${sha}.zip?Expires=${expires}&Signature=${signCodePath(urlSecret, sha, expires)}`;
    },
    changed,
  };
  const log = new RequestLog();
  const traffic = new TrafficGenerator(sim, creds[0]!.secretId);
  const admin = createAdmin(sim, log, creds[0]!.secretId, traffic);
  if (opts.monitor) admin.setMonitor(opts.monitor);
  const cosApi = createCosApi({ cos, credentials, appIdOf: (secretId) => store.account(secretId).appId, changed, logger });
  const server = createServer({
    sim, log, credentials, logger, codeBlobs, urlSecret, cosApi,
    admin: (method, name, query, body) => adminHttp(admin, method, name, query, body),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  baseUrl = `http://${hostPart}:${port}`;
  logger.info({ url: baseUrl }, 'SCF simulator listening');

  let stopped: Promise<void> | undefined;
  return {
    url: baseUrl,
    endpoint: `${hostPart}:${port}`,
    admin,
    cosEndpointOptions: cosEndpointOptions(`${hostPart}:${port}`),
    cosDomainSuffix: COS_DOMAIN_SUFFIX,
    stop() {
      stopped ??= (async () => {
        sim.sm.stop();
        traffic.stopAll();
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeAllConnections();
        await Promise.all([closed, sim.invoker.stop()]);
        if (saveTimer) clearTimeout(saveTimer);
        if (stateFile) saveNow();
      })();
      return stopped;
    },
  };
}
