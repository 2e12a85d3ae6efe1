/**
 * The soak's real processes, each through its public entry point: the Temporal dev server on a
 * SQLite file (client/dev/temporal-server.ts, restartable on the same file and port), the SCF
 * simulator (`scf-release sim`, with its admin API over HTTP) and worker processes
 * (`node --import tsx worker/main.ts`, configured by environment). Each one writes to a log file in
 * the soak's folder; every wait is bounded; `stop()` of each is safe to call twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { startDevServer, type RunningDevServer } from '../../client/dev/temporal-server';
import { DEFAULT_CREDENTIALS, type RequestLogEntry } from '../../simulator';
import type { SimulatorStateSnapshot } from './auditor';
import { lineReader } from '../harness/line-reader';
import { within } from '../harness/within';

const ROOT = path.resolve(__dirname, '../..');

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LoggedProcess {
  child: ChildProcess;
  pid: number;
  exited: Promise<Exit>;
  alive(): boolean;
  /** Signals the whole group (tsx may leave a child behind otherwise). */
  signal(sig: NodeJS.Signals): void;
  /** `sig` (SIGTERM), then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number, sig?: NodeJS.Signals): Promise<Exit>;
}

/**
 * `command` in its own process group, its output appended to `logFile`, `onLine` called per line;
 * `user` runs it as another user (the caller must be root): PostgreSQL refuses to run as root.
 */
export function spawnLoggedCommand(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; logFile: string; onLine?: (line: string) => void; cwd?: string; user?: { uid: number; gid: number } },
): LoggedProcess {
  const log: WriteStream = createWriteStream(options.logFile, { flags: 'a' });
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    ...options.user,
  });
  const readLines = lineReader(options.onLine ?? (() => {}));
  const consume = (chunk: Buffer) => {
    log.write(chunk);
    readLines(chunk);
  };
  child.stdout!.on('data', consume);
  child.stderr!.on('data', consume);
  const exited = new Promise<Exit>((resolve) => {
    child.on('error', (err) => {
      log.write(`could not start ${command}: ${err.message}\n`);
      resolve({ code: -1, signal: null });
    });
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  void exited.then(() => log.end());
  const alive = () => child.pid !== undefined && child.exitCode === null && child.signalCode === null;
  const signal = (sig: NodeJS.Signals) => {
    if (!alive()) return;
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // already gone
    }
  };
  const stop = async (graceMs = 15_000, sig: NodeJS.Signals = 'SIGTERM') => {
    if (!alive()) return exited;
    signal(sig);
    const timer = setTimeout(() => signal('SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return { child, pid: child.pid ?? -1, exited, alive, signal, stop };
}

/** A TypeScript entry point of this repository, run as `node --import tsx <args>`. */
function spawnLogged(args: string[], env: NodeJS.ProcessEnv, logFile: string, onLine: (line: string) => void): LoggedProcess {
  return spawnLoggedCommand(process.execPath, ['--import', 'tsx', ...args], { env, logFile, onLine });
}

// ---------------------------------------------------------------------------------------------
// Temporal dev server
// ---------------------------------------------------------------------------------------------

export interface SoakDevServer {
  address: string;
  restart(): Promise<{ downMs: number }>;
  stop(): Promise<void>;
}

/** The dev server on `<dataDir>/temporal.sqlite`; restart() stops it and starts it on the same file and port. */
export async function startSoakDevServer(options: { dataDir: string; port: number; uiPort: number }): Promise<SoakDevServer> {
  let server: RunningDevServer | undefined = await startDevServer(options);
  const address = server.address;
  return {
    address,
    async restart() {
      const from = Date.now();
      await server?.stop();
      server = undefined;
      server = await startDevServer(options);
      return { downMs: Date.now() - from };
    },
    async stop() {
      await server?.stop();
      server = undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// SCF simulator
// ---------------------------------------------------------------------------------------------

export interface SoakSimulator {
  url: string;
  pid: number;
  exited: Promise<Exit>;
  /** `/_admin/<name>`: GET without a body, POST with one. */
  admin(name: string, body?: unknown): Promise<unknown>;
  state(): Promise<SimulatorStateSnapshot>;
  requestLog(): Promise<RequestLogEntry[]>;
  stop(): Promise<void>;
}

const READY_MS = 90_000;

export async function startSoakSimulator(options: { port: number; delayMs: number; seed: number; logFile: string }): Promise<SoakSimulator> {
  let onUrl: (url: string) => void = () => {};
  const listening = new Promise<string>((resolve) => (onUrl = resolve));
  const proc = spawnLogged(
    ['client/cli.ts', 'sim', '--port', String(options.port), '--delay-ms', String(options.delayMs), '--seed', String(options.seed)],
    { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' },
    options.logFile,
    (line) => {
      const m = /SCF simulator listening on (http:\/\/\S+)/.exec(line);
      if (m) onUrl(m[1]!);
    },
  );
  const url = await within(
    Promise.race([listening, proc.exited.then((e) => Promise.reject(new Error(`the simulator exited at start (${JSON.stringify(e)}); see ${options.logFile}`)))]),
    READY_MS,
    'the simulator listening',
  ).catch(async (err) => {
    await proc.stop();
    throw err;
  });
  const admin = async (name: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${url}/_admin/${name}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const out = (await res.json()) as unknown;
    if (!res.ok) throw new Error(`simulator admin ${name}: HTTP ${res.status} ${JSON.stringify(out)}`);
    return out;
  };
  return {
    url,
    pid: proc.pid,
    exited: proc.exited,
    admin,
    state: async () => (await admin('state')) as SimulatorStateSnapshot,
    requestLog: async () => (await admin('requestLog')) as RequestLogEntry[],
    stop: async () => void (await proc.stop()),
  };
}

// ---------------------------------------------------------------------------------------------
// Worker processes
// ---------------------------------------------------------------------------------------------

export interface SoakWorker {
  pid: number;
  /** `<pid>@<host>`: the SDK's default identity, as histories record it. */
  identityPrefix: string;
  startedAt: number;
  ready: Promise<void>;
  exited: Promise<Exit>;
  alive(): boolean;
  kill(): Promise<Exit>;
  stop(): Promise<void>;
}

/**
 * The environment of a worker process against a local dev server and simulator (the soak's and the
 * fleet bench's): its own task queue and prebuilt bundle, the simulator's keys, artifacts under
 * `runDir`, packages only from `packageDir`. `extra` adds or overrides variables.
 */
export function localWorkerEnv(
  options: { temporalAddress: string; taskQueue: string; bundleFile: string; simulatorUrl: string; runDir: string; packageDir: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    SCF_RELEASE_TASK_QUEUE: options.taskQueue,
    SCF_RELEASE_WORKFLOW_BUNDLE: options.bundleFile,
    SCF_RELEASE_SHUTDOWN_GRACE_TIME: '2s',
    SCF_ENDPOINT: options.simulatorUrl,
    SCF_CREDENTIALS: 'env',
    TENCENTCLOUD_SECRET_ID: DEFAULT_CREDENTIALS.secretId,
    TENCENTCLOUD_SECRET_KEY: DEFAULT_CREDENTIALS.secretKey,
    SCF_ARTIFACT_DIR: path.join(options.runDir, 'artifacts'),
    SCF_PACKAGE_DIR: options.packageDir,
    LOG_LEVEL: 'info',
    ...extra,
  };
}

export function startSoakWorker(env: Record<string, string>, logFile: string): SoakWorker {
  let onReady: () => void = () => {};
  const readySeen = new Promise<void>((resolve) => (onReady = resolve));
  const proc = spawnLogged(
    ['worker/main.ts'],
    { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env },
    logFile,
    (line) => {
      if (/"msg":"Worker state changed"/.test(line) && /"state":"RUNNING"/.test(line)) onReady();
    },
  );
  const ready = Promise.race([
    readySeen,
    proc.exited.then((e) => Promise.reject(new Error(`worker ${proc.pid} exited (${JSON.stringify(e)}) before it was running; see ${logFile}`))),
  ]);
  ready.catch(() => undefined);
  return {
    pid: proc.pid,
    identityPrefix: `${proc.pid}@`,
    startedAt: Date.now(),
    ready,
    exited: proc.exited,
    alive: proc.alive,
    async kill() {
      proc.signal('SIGKILL');
      return proc.exited;
    },
    stop: async () => void (await proc.stop()),
  };
}
