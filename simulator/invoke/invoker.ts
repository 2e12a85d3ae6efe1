import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { readZip } from '../zip';

/** The `Result` object of InvokeFunction/Invoke, field names as in scf_models.d.ts. */
interface InvokeResult {
  Log: string;
  RetMsg: string;
  ErrMsg: string;
  MemUsage: number;
  Duration: number;
  BillDuration: number;
  FunctionRequestId: string;
  InvokeResult: number;
}

interface InvokeInput {
  code: Buffer;
  codeSha256: string;
  handler: string;
  runtime: string;
  memorySize: number;
  timeout: number; // seconds
  environment: Record<string, string>;
  functionName: string;
  namespace: string;
  version: string;
  region: string;
  appId: string;
  uin: string;
  event: unknown;
  logType: 'None' | 'Tail';
}

interface Worker {
  key: string;
  child: ChildProcess;
  busy: boolean;
  ready: Promise<void>;
  stderr: string;
  lastUsed: number;
  /** Why the runner can no longer be used (its IPC channel or a pipe failed); set once. */
  lost?: Error;
  onResult?: (msg: RunnerResult) => void;
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  onLost?: (err: Error) => void;
}

export interface InvokerOptions {
  /**
   * Test-only: each runner waits this long before it reports ready, as on a loaded machine. The
   * function's timeout runs from ready, so this must not fail an invocation.
   */
  runnerStartDelayMs?: number;
}

/** What runner.js sends back for one invocation (see its `finish`). */
type RunnerResult = { type: 'result'; id: string; durationMs: number; memUsage: number; log: string } & (
  | { ok: true; value: string }
  | { ok: false; error: { name: string; message: string; stack: string } }
);

/** How one invocation on a runner ended. `delivered`: the event reached the runner (so the function may have run). */
type RunOutcome =
  | { kind: 'result'; m: RunnerResult }
  | { kind: 'timeout' }
  | { kind: 'exit'; code: number | null; signal: string | null }
  | { kind: 'lost'; error: Error; delivered: boolean };

/** The `type` of an IPC message from runner.js (`ready` or `result`). */
function messageType(m: unknown): unknown {
  return typeof m === 'object' && m !== null ? (m as { type?: unknown }).type : undefined;
}

function isRunnerResult(m: unknown): m is RunnerResult {
  return messageType(m) === 'result';
}

const RUNNER = path.join(__dirname, 'runner.js');
/** A runner not ready within this is taken as failed to start (it bounds a hang; it is not the function's timeout). */
const RUNNER_START_TIMEOUT_MS = 60_000;
const MAX_PER_KEY = 4;
const MAX_TOTAL = 8;
const LOG_TAIL = 4096;

export class Invoker {
  private root: string;
  private workers = new Map<string, Worker[]>();
  private waiters = new Map<string, Array<() => void>>();
  private stopped = false;

  constructor(
    private readonly logger: Logger,
    private readonly options: InvokerOptions = {},
  ) {
    this.root = mkdtempSync(path.join(tmpdir(), 'scf-sim-'));
  }

  /** The live runner processes (for tests and diagnostics). */
  runnerProcesses(): ChildProcess[] {
    return [...this.workers.values()].flat().map((w) => w.child);
  }

  private codeDir(sha: string, code: Buffer): string {
    const dir = path.join(this.root, sha);
    if (existsSync(path.join(dir, '.extracted'))) return dir;
    mkdirSync(dir, { recursive: true });
    for (const e of readZip(code)) {
      const target = path.join(dir, e.name);
      if (!target.startsWith(dir + path.sep)) continue;
      if (e.isDirectory) mkdirSync(target, { recursive: true });
      else {
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, e.data());
      }
    }
    writeFileSync(path.join(dir, '.extracted'), '');
    return dir;
  }

  private spawn(key: string, input: InvokeInput, codeDir: string): Worker {
    const env: Record<string, string> = {
      ...input.environment,
      SCF_RUNTIME: input.runtime,
      SCF_FUNCTIONNAME: input.functionName,
      SCF_FUNCTIONVERSION: input.version,
      SCF_NAMESPACE: input.namespace,
      SCF_MEMORY_SIZE: String(input.memorySize),
      SCF_TIMEOUT: String(input.timeout),
      SCF_USER_CODE_ROOT: codeDir,
      TENCENTCLOUD_REGION: input.region,
      TENCENTCLOUD_APPID: input.appId,
      TENCENTCLOUD_UIN: input.uin,
      TZ: 'UTC',
    };
    const startDelay = this.options.runnerStartDelayMs ?? 0;
    const child = fork(RUNNER, startDelay > 0 ? [`--start-delay-ms=${startDelay}`] : [], {
      cwd: codeDir,
      env,
      execArgv: [`--max-old-space-size=${Math.max(16, input.memorySize)}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const w: Worker = { key, child, busy: false, stderr: '', lastUsed: Date.now(), ready: Promise.resolve() };
    w.ready = new Promise<void>((resolve, reject) => {
      const startTimer = setTimeout(() => {
        const err = new Error(`runner not ready within ${RUNNER_START_TIMEOUT_MS} ms`);
        reject(err);
        this.lose(w, err);
      }, RUNNER_START_TIMEOUT_MS);
      const onMsg = (m: unknown) => {
        if (messageType(m) === 'ready') {
          clearTimeout(startTimer);
          child.off('message', onMsg);
          resolve();
        }
      };
      child.on('message', onMsg);
      child.once('exit', () => {
        clearTimeout(startTimer);
        reject(new Error(`runner exited during start: ${w.stderr.slice(-500)}`));
      });
    });
    w.ready.catch(() => undefined);
    // No error of a runner (its IPC channel, its pipes, the process itself) may end the simulator:
    // each one retires that runner, and the invocation it was serving fails like a crashed container.
    child.on('error', (err) => this.lose(w, err));
    // A closed channel mid-invoke is followed by the exit (or the timeout) that settles the call; an idle
    // runner without a channel is retired now, so no invocation is ever sent to it.
    child.on('disconnect', () => {
      w.lost ??= new Error('runner IPC channel closed');
      if (!w.busy) this.kill(w);
    });
    child.stdout?.on('error', (err) => this.lose(w, err));
    child.stderr?.on('error', (err) => this.lose(w, err));
    child.stderr?.on('data', (d: Buffer) => {
      w.stderr = (w.stderr + d.toString()).slice(-8192);
    });
    child.stdout?.on('data', () => undefined);
    child.on('message', (m: unknown) => {
      if (isRunnerResult(m)) w.onResult?.(m);
    });
    child.on('exit', (code, signal) => {
      this.remove(w);
      w.onExit?.(code, signal);
    });
    const list = this.workers.get(key) ?? [];
    list.push(w);
    this.workers.set(key, list);
    return w;
  }

  /** Takes `w` out of its pool and wakes one waiter for the freed slot; a no-op when it was already out. */
  private remove(w: Worker): void {
    const list = this.workers.get(w.key);
    const i = list ? list.indexOf(w) : -1;
    if (!list || i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.workers.delete(w.key);
    this.wake(w.key);
  }

  /** A runner that failed (IPC or pipe error): retired at once, and the invocation it serves is told. */
  private lose(w: Worker, err: Error): void {
    w.lost ??= err;
    this.logger.warn({ err, pid: w.child.pid }, 'invoke runner lost');
    const onLost = w.onLost;
    this.kill(w);
    onLost?.(err);
  }

  /** Ends a worker for good: out of the pool now (its later exit event then finds nothing to remove). */
  private kill(w: Worker): void {
    w.onExit = undefined;
    w.onLost = undefined;
    this.remove(w);
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  }

  private wake(key: string): void {
    const q = this.waiters.get(key);
    const next = q?.shift();
    if (q && q.length === 0) this.waiters.delete(key);
    next?.();
  }

  private total(): number {
    let n = 0;
    for (const l of this.workers.values()) n += l.length;
    return n;
  }

  private evictIdle(): void {
    let victim: Worker | undefined;
    for (const l of this.workers.values()) for (const w of l) if (!w.busy && (!victim || w.lastUsed < victim.lastUsed)) victim = w;
    if (victim) this.kill(victim);
  }

  private async acquire(key: string, input: InvokeInput): Promise<Worker> {
    for (;;) {
      if (this.stopped) throw new Error('simulator stopped');
      const list = this.workers.get(key) ?? [];
      const idle = list.find((w) => !w.busy && !w.lost);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (list.length < MAX_PER_KEY) {
        if (this.total() >= MAX_TOTAL) this.evictIdle();
        const w = this.spawn(key, input, this.codeDir(input.codeSha256, input.code));
        w.busy = true;
        return w;
      }
      await new Promise<void>((resolve) => {
        const q = this.waiters.get(key) ?? [];
        q.push(resolve);
        this.waiters.set(key, q);
      });
    }
  }

  private release(w: Worker): void {
    if (w.lost) return this.kill(w);
    w.busy = false;
    w.lastUsed = Date.now();
    w.onResult = undefined;
    w.onExit = undefined;
    w.onLost = undefined;
    this.wake(w.key);
  }

  async invoke(input: InvokeInput): Promise<InvokeResult> {
    const requestId = randomUUID();
    const key = JSON.stringify([input.codeSha256, input.handler, input.runtime, input.memorySize, input.timeout, input.environment, input.functionName, input.namespace, input.version, input.region]);
    const base = { FunctionRequestId: requestId };
    const timeoutMs = input.timeout * 1000;
    let w: Worker;
    let started: number;
    let msg: RunOutcome;
    // A runner lost before it got the event never ran the function: the call goes to a fresh runner (once).
    for (let attempt = 1; ; attempt++) {
      w = await this.acquire(key, input);
      const run = await this.runOn(w, input, requestId, timeoutMs);
      started = run.started;
      msg = run.outcome;
      if (msg.kind !== 'lost' || msg.delivered || attempt >= 2) break;
    }
    const header = `START RequestId: ${requestId}\nEvent RequestId: ${requestId}\n`;
    const footer = (duration: number, mem: number) =>
      `\nEND RequestId: ${requestId}\nReport RequestId: ${requestId} Duration:${duration.toFixed(2)}ms Memory:${input.memorySize}MB MemUsage:${(mem / 1048576).toFixed(6)}MB`;
    const tail = (s: string) => (input.logType === 'Tail' ? (s.length > LOG_TAIL ? s.slice(s.length - LOG_TAIL) : s) : '');
    const errMsg = (statusCode: number, errorMessage: string, stackTrace = '', errorCode = -1) =>
      JSON.stringify({ errorCode, errorMessage, stackTrace, statusCode });

    if (msg.kind === 'timeout') {
      this.kill(w);
      const d = timeoutMs;
      return {
        ...base, InvokeResult: -1, RetMsg: '', MemUsage: 0, Duration: d, BillDuration: d,
        ErrMsg: errMsg(433, `Invoking task timed out after ${input.timeout} seconds`),
        Log: tail(header + `Invoking task timed out after ${input.timeout} seconds` + footer(d, 0)),
      };
    }
    if (msg.kind === 'exit' || msg.kind === 'lost') {
      const d = Date.now() - started;
      const exit = msg.kind === 'exit' ? msg : undefined;
      const oom = /heap out of memory|Allocation failed|Reached heap limit/i.test(w.stderr) || exit?.signal === 'SIGABRT' || exit?.code === 134;
      const text = oom
        ? `Memory limit exceeded: the function used more than ${input.memorySize} MB`
        : exit
          ? `Process exited before completing request (code ${exit.code ?? 'null'}, signal ${exit.signal ?? 'null'})`
          : `Process exited before completing request (${msg.kind === 'lost' ? msg.error.message : ''})`;
      return {
        ...base, InvokeResult: -1, RetMsg: '', MemUsage: oom ? input.memorySize * 1048576 : 0, Duration: d, BillDuration: Math.max(1, Math.ceil(d)),
        ErrMsg: errMsg(oom ? 434 : 430, text, w.stderr.slice(-1000)),
        Log: tail(header + text + footer(d, 0)),
      };
    }
    const m = msg.m;
    const duration = Math.round(m.durationMs * 1000) / 1000;
    const bill = Math.max(1, Math.ceil(m.durationMs));
    const log = tail(header + m.log + footer(duration, m.memUsage));
    if (m.memUsage > input.memorySize * 1048576) {
      this.kill(w);
      return { ...base, InvokeResult: -1, RetMsg: '', MemUsage: m.memUsage, Duration: duration, BillDuration: bill,
        ErrMsg: errMsg(434, `Memory limit exceeded: the function used ${(m.memUsage / 1048576).toFixed(1)} MB of ${input.memorySize} MB`), Log: log };
    }
    this.release(w);
    if (m.ok) {
      return { ...base, InvokeResult: 0, RetMsg: m.value, ErrMsg: '', MemUsage: m.memUsage, Duration: duration, BillDuration: bill, Log: log };
    }
    return {
      ...base, InvokeResult: -1, RetMsg: '', MemUsage: m.memUsage, Duration: duration, BillDuration: bill,
      ErrMsg: errMsg(430, m.error.message, m.error.stack), Log: log,
    };
  }

  /**
   * Sends one invocation to `w` once it is ready and waits for its outcome. The function's timeout
   * starts when the runner is ready: forking and loading it is the platform's start-up, which SCF does
   * not bill or count against the timeout (a loaded machine must not fail a function that would pass).
   */
  private runOn(w: Worker, input: InvokeInput, requestId: string, timeoutMs: number): Promise<{ started: number; outcome: RunOutcome }> {
    let started = Date.now();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let delivered = false;
      const done = (outcome: RunOutcome) => {
        if (timer) clearTimeout(timer);
        w.onResult = undefined;
        w.onExit = undefined;
        w.onLost = undefined;
        resolve({ started, outcome });
      };
      w.onResult = (m) => done({ kind: 'result', m });
      w.onExit = (code, signal) => done({ kind: 'exit', code, signal });
      w.onLost = (error) => done({ kind: 'lost', error, delivered });
      if (w.lost) return this.lose(w, w.lost);
      w.ready.then(
        () => {
          if (w.lost) return this.lose(w, w.lost);
          started = Date.now();
          timer = setTimeout(() => done({ kind: 'timeout' }), timeoutMs);
          if (!w.child.connected) return this.lose(w, new Error('runner IPC channel closed'));
          w.child.send(
            {
              type: 'invoke',
              id: requestId,
              codeDir: path.join(this.root, input.codeSha256),
              handler: input.handler,
              event: input.event,
              deadline: started + timeoutMs,
              context: {
                callbackWaitsForEmptyEventLoop: false,
                memory_limit_in_mb: input.memorySize,
                time_limit_in_ms: timeoutMs,
                request_id: requestId,
                function_name: input.functionName,
                function_version: input.version,
                namespace: input.namespace,
                tencentcloud_region: input.region,
                tencentcloud_appid: input.appId,
                tencentcloud_uin: input.uin,
                environment: JSON.stringify(input.environment),
              },
            },
            (err) => {
              if (err) this.lose(w, err);
              else delivered = true;
            },
          );
        },
        () => undefined, // a runner that failed to start exits (onExit) or was killed for it (onExit, via the exit event)
      );
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const exits: Promise<void>[] = [];
    for (const list of this.workers.values()) {
      for (const w of list) {
        exits.push(new Promise<void>((r) => (w.child.exitCode !== null || w.child.signalCode !== null ? r() : w.child.once('exit', () => r()))));
        w.child.kill('SIGKILL');
      }
    }
    for (const q of this.waiters.values()) for (const r of q) r();
    this.waiters.clear();
    await Promise.all(exits);
    this.workers.clear();
    try {
      rmSync(this.root, { recursive: true, force: true });
    } catch (e) {
      this.logger.debug({ err: e }, 'could not remove invoke temp dir');
    }
  }
}
