/**
 * Several worker processes on one account. The limiter is per process; across workers the design is a
 * static share (`SCF_RATE_LIMIT_SHARE=1/N` on each of N workers) plus each bucket's slowdown on throttle.
 * Each configuration fires the same burst (the same total of calls of one action, split round robin
 * between the processes) from every process at the same instant, 20 ms into a fresh one-second window:
 *   alone      one process, share 1 (the single-worker baseline);
 *   share 1    N processes, share 1 each: misconfigured, each believes it has the whole limit;
 *   share 1/N  N processes, share 1/N each: the documented setup.
 * The processes (bench/cross-worker-process.ts) are forked once and reused; every run gets a fresh
 * limiter and fresh activities in each of them. Counts come from the simulator's request log (what
 * SCF would have seen), with the same helpers as the single-process bursts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { DOCUMENTED_RATE_LIMITS } from '../activities/config';
import { isThrottle, REGION } from './clients';
import type { ChildMessage, CrossWorkerAction, LimiterEnd, RunOrder, RunReport } from './cross-worker-process';
import { actionLogStats, fixedWindowMinimumS, type ActionLogStats } from './rate-limit-burst';
import type { BenchSimulator } from './sim';
import { round } from './util';

export interface CrossWorkerScenario {
  name: string;
  action: CrossWorkerAction;
  /** Calls in the burst, in total over all processes. */
  calls: number;
  /** Functions the calls are spread over (round robin). PublishVersion: one call per function. */
  functions: number;
  /** Numbers of processes to compare (each with share 1, then 1/N), after the single process. */
  workers: number[];
}

export type CrossWorkerConfig = 'alone' | 'share-1' | 'share-1/N';

export interface CrossWorkerResult extends ActionLogStats {
  scenario: string;
  action: CrossWorkerAction;
  config: CrossWorkerConfig;
  workers: number;
  share: number;
  calls: number;
  /** The account's limit for the action, enforced by the simulator and known to every limiter. */
  limit: number;
  /** From the common start to the end of the last call of any process. */
  wallMs: number;
  fixedWindowMinimumS: number;
  wallVsMinimum: number | null;
  succeeded: number;
  failed: number;
  handedToTemporalRetry: number;
  /** How late the latest process actually started after the common instant (timer lateness). */
  startSkewMs: number;
  /**
   * Per one-second window, from the one the burst started in: OK answers of `action`, and throttled
   * answers of any action (publishVersion's ListVersionByFunction included).
   */
  okByWindow: number[];
  throttledByWindow: number[];
  /** Each process's limiter at the end, per action. */
  limiters: Array<Record<string, LimiterEnd>>;
}

/** The worker processes, forked once, each answering one run at a time. */
class WorkerPool {
  private constructor(private readonly children: ChildProcess[]) {}

  static async start(count: number, endpoint: string, warmFn: string): Promise<WorkerPool> {
    const children = Array.from({ length: count }, () =>
      fork(path.join(__dirname, 'cross-worker-process.ts'), [endpoint, warmFn], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const pool = new WorkerPool(children);
    try {
      await Promise.all(children.map((c) => pool.next(c, 'ready')));
    } catch (err) {
      await pool.stop();
      throw err;
    }
    return pool;
  }

  /** The next message of `type` from `child`; rejects on an error message or an exit. */
  private next<T extends ChildMessage['type']>(child: ChildProcess, type: T): Promise<Extract<ChildMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: ChildMessage) => {
        if (m.type !== type && m.type !== 'error') return;
        cleanup();
        if (m.type === 'error') reject(new Error(`cross-worker process ${child.pid}: ${m.message}`));
        else resolve(m as Extract<ChildMessage, { type: T }>);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`cross-worker process ${child.pid} exited with code ${code}`));
      };
      const cleanup = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  }

  /** Sends one order to each of the first `orders.length` processes; resolves with their reports. */
  run(orders: RunOrder[]): Promise<RunReport[]> {
    return Promise.all(
      orders.map((o, k) => {
        const child = this.children[k]!;
        const answer = this.next(child, 'result');
        child.send(o);
        return answer;
      }),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map((c) => {
        if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
        const exited = new Promise<void>((r) => c.once('exit', () => r()));
        if (c.connected) c.send('stop');
        else c.kill();
        return exited;
      }),
    );
  }
}

export function crossWorkerFunctionNames(s: CrossWorkerScenario): string[] {
  return Array.from({ length: s.functions }, (_, i) => `bench-xw-${s.name}-${i}`);
}

const WARM_FN = 'bench-xw-warm-up';

/** 20 ms into the next one-second window that is at least 300 ms away (time for the orders to arrive). */
function nextWindowStart(): number {
  const now = Date.now();
  let w = Math.floor(now / 1000) + 1;
  if (w * 1000 - now < 300) w += 1;
  return w * 1000 + 20;
}

async function runConfig(
  sim: BenchSimulator,
  pool: WorkerPool,
  s: CrossWorkerScenario,
  config: CrossWorkerConfig,
  workers: number,
  runNo: number,
): Promise<CrossWorkerResult> {
  const share = config === 'share-1/N' ? 1 / workers : 1;
  const names = crossWorkerFunctionNames(s);
  const limit = DOCUMENTED_RATE_LIMITS[s.action]!;
  await sim.clearRequestLog();
  const startAt = nextWindowStart();
  const orders: RunOrder[] = Array.from({ length: workers }, (_, k) => ({
    type: 'run',
    runId: `${s.name}-${runNo}`,
    action: s.action,
    share,
    // Call i goes to process i mod N, on function i mod functions.
    functions: Array.from({ length: s.calls }, (_, i) => i)
      .filter((i) => i % workers === k)
      .map((i) => names[i % names.length]!),
    tag: `bench-xw-${s.name}-${runNo}-p${k}`,
    startAt,
  }));
  const reports = await pool.run(orders);
  const endedAt = Math.max(...reports.map((r) => r.endedAt));
  const wallMs = endedAt - startAt;
  const log = await sim.requestLog();
  const fromLog = actionLogStats(log, s.action, limit, { first: Math.floor(startAt / 1000), last: Math.floor(endedAt / 1000) });
  const failed = reports.reduce((n, r) => n + r.failed, 0);
  const windowCount = Math.floor(endedAt / 1000) - Math.floor(startAt / 1000) + 1;
  const okByWindow = new Array<number>(windowCount).fill(0);
  const throttledByWindow = new Array<number>(windowCount).fill(0);
  for (const e of log) {
    const w = Math.floor(Date.parse(e.time) / 1000) - Math.floor(startAt / 1000);
    if (w < 0 || w >= windowCount) continue;
    if (e.action === s.action && e.outcome === 'OK') okByWindow[w]! += 1;
    else if (isThrottle(e.outcome)) throttledByWindow[w]! += 1;
  }
  const minimum = fixedWindowMinimumS(s.calls, limit);
  return {
    scenario: s.name,
    action: s.action,
    config,
    workers,
    share: round(share, 4),
    calls: s.calls,
    limit,
    wallMs,
    fixedWindowMinimumS: minimum,
    wallVsMinimum: failed === 0 && minimum > 0 ? round(wallMs / 1000 / minimum, 2) : null,
    succeeded: reports.reduce((n, r) => n + r.succeeded, 0),
    failed,
    handedToTemporalRetry: reports.reduce((n, r) => n + r.handedToTemporalRetry, 0),
    startSkewMs: Math.max(...reports.map((r) => r.startedAt - startAt)),
    okByWindow,
    throttledByWindow,
    limiters: reports.map((r) => r.limiter),
    ...fromLog,
  };
}

export const configLabel = (r: Pick<CrossWorkerResult, 'config' | 'workers'>) =>
  r.config === 'alone' ? '1 × share 1 (alone)' : r.config === 'share-1' ? `${r.workers} × share 1` : `${r.workers} × share 1/${r.workers}`;

/** Seeds the functions, forks the processes, then runs every scenario's configurations one after the other. */
export async function runCrossWorker(sim: BenchSimulator, scenarios: CrossWorkerScenario[], log: (line: string) => void): Promise<CrossWorkerResult[]> {
  await sim.seedFunction(WARM_FN, REGION);
  for (const s of scenarios) for (const name of crossWorkerFunctionNames(s)) await sim.seedFunction(name, REGION);
  const most = Math.max(1, ...scenarios.flatMap((s) => s.workers));
  const pool = await WorkerPool.start(most, sim.endpoint, WARM_FN);
  try {
    const out: CrossWorkerResult[] = [];
    let runNo = 0;
    for (const s of scenarios) {
      const configs: Array<[CrossWorkerConfig, number]> = [['alone', 1], ...s.workers.flatMap((n): Array<[CrossWorkerConfig, number]> => [['share-1', n], ['share-1/N', n]])];
      for (const [config, workers] of configs) {
        const r = await runConfig(sim, pool, s, config, workers, runNo++);
        const rates = r.limiters.map((l) => `${l[s.action]!.finalRate}/${l[s.action]!.baseRate}`).join(' ');
        log(
          `  ${s.name} ${configLabel(r)}: ${r.wallMs} ms, ${r.succeeded}/${r.calls} ok, ${r.scfCalls} SCF calls, ${r.scfThrottled} throttled, ` +
            `${r.handedToTemporalRetry} handed to Temporal's retry, limiters' rate ${rates}, start skew ${r.startSkewMs} ms`,
        );
        out.push(r);
      }
    }
    return out;
  } finally {
    await pool.stop();
  }
}
