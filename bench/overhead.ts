/**
 * What the limiter (and the rest of the activity layer) costs when it does not have to wait: the
 * same GetFunction calls against a limit far above what one process reaches (10000/s, the
 * InvokeFunction class; set on both the simulator and the limiter), three ways:
 *   raw          SDK client.request
 *   gateway      the activity without a limiter (ScfGateway: log line, error mapping, response mapping)
 *   activities   the activity with the limiter (what a worker runs)
 * Rounds rotate the order; the median round of each way is reported. The limiter's own cost is
 * `activities − gateway`; the whole layer's is `activities − raw`.
 *
 * GetFunction rather than InvokeFunction: the simulator's InvokeFunction runs the function's code in a
 * child runner, whose time would drown the microseconds measured here. The limiter does not care
 * which action it counts; only the limit matters.
 */
import { RateLimiter } from '../activities/rate-limiter';
import { benchActivities, NAMESPACE, rawClient, REGION } from './clients';
import type { BenchSimulator } from './sim';
import { median, pool, round } from './util';

export const HIGH_LIMIT = 10_000;
const FN = 'bench-overhead';

export type OverheadWay = 'raw' | 'gateway' | 'activities';

export interface OverheadResult {
  calls: number;
  concurrency: number;
  rounds: number;
  limit: number;
  /** Median round, per way. */
  perWay: Record<OverheadWay, { wallUsPerCall: number; wallUsRange: [number, number]; cpuUsPerCall: number; callsPerSecond: number }>;
  limiterAddedWallUsPerCall: number;
  limiterAddedCpuUsPerCall: number;
  layerAddedWallUsPerCall: number;
  layerAddedCpuUsPerCall: number;
  /** activities wall time / raw wall time (median rounds). */
  activitiesVsRawWall: number;
  /** Highest calls/s reached vs the limiter's rate: below 1 means the limiter never had to wait. */
  peakRateVsLimiterRate: number;
  throttled: number;
  /** TokenBucket.acquire() alone, an uncontended bucket, vs `await Promise.resolve()`. */
  bucketAcquireUs: number;
  bucketAcquireAddedUs: number;
}

async function timed(calls: number, concurrency: number, call: () => Promise<unknown>) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await pool(calls, concurrency, async () => void (await call()));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** µs per `await bucket.acquire()` on a bucket that never runs out, and per `await Promise.resolve()`. */
async function bucketMicro(iterations: number): Promise<{ acquireUs: number; baselineUs: number }> {
  const bucket = new RateLimiter({ limits: { Bench: 1e12 } }).bucket('bench', 'Bench');
  const run = async (f: () => Promise<void>) => {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) await f();
    return ((performance.now() - t0) * 1000) / iterations;
  };
  const acquires: number[] = [];
  const baselines: number[] = [];
  for (let r = 0; r < 5; r++) {
    baselines.push(await run(() => Promise.resolve()));
    acquires.push(await run(() => bucket.acquire()));
  }
  return { acquireUs: median(acquires), baselineUs: median(baselines) };
}

export async function runOverhead(
  sim: BenchSimulator,
  opts: { calls: number; concurrency: number; rounds: number },
  log: (line: string) => void,
): Promise<OverheadResult> {
  await sim.seedFunction(FN, REGION);
  await sim.setRateLimits({ GetFunction: HIGH_LIMIT });
  const limiter = new RateLimiter({ limits: { GetFunction: HIGH_LIMIT } });
  const client = rawClient(sim.endpoint);
  const gateway = benchActivities(sim.endpoint, undefined);
  const activities = benchActivities(sim.endpoint, limiter);
  const fn = { region: REGION, namespace: NAMESPACE, functionName: FN };
  const ways: Record<OverheadWay, () => Promise<unknown>> = {
    raw: () => client.request('GetFunction', { FunctionName: FN, Namespace: NAMESPACE }),
    gateway: () => gateway.activities.getFunction({ fn }),
    activities: () => activities.activities.getFunction({ fn }),
  };
  const order: OverheadWay[] = ['raw', 'gateway', 'activities'];
  try {
    // Warm-up: JIT, connections, the bucket.
    for (const w of order) await timed(Math.min(500, opts.calls), opts.concurrency, ways[w]);
    await sim.clearRequestLog();
    const samples: Record<OverheadWay, Array<{ wallMs: number; cpuMs: number }>> = { raw: [], gateway: [], activities: [] };
    for (let r = 0; r < opts.rounds; r++) {
      const rotated = [...order.slice(r % 3), ...order.slice(0, r % 3)];
      for (const w of rotated) samples[w].push(await timed(opts.calls, opts.concurrency, ways[w]));
    }
    const entries = await sim.requestLog();
    const throttled = entries.filter((e) => e.outcome !== 'OK').length;
    const perWay = {} as OverheadResult['perWay'];
    for (const w of order) {
      const wall = median(samples[w].map((s) => s.wallMs));
      const cpu = median(samples[w].map((s) => s.cpuMs));
      const perCall = (ms: number) => round((ms * 1000) / opts.calls, 1);
      perWay[w] = {
        wallUsPerCall: perCall(wall),
        wallUsRange: [perCall(Math.min(...samples[w].map((s) => s.wallMs))), perCall(Math.max(...samples[w].map((s) => s.wallMs)))],
        cpuUsPerCall: round((cpu * 1000) / opts.calls, 1),
        callsPerSecond: round(opts.calls / (wall / 1000), 0),
      };
      log(`  overhead ${w}: ${perWay[w].wallUsPerCall} µs/call wall, ${perWay[w].cpuUsPerCall} µs/call CPU, ${perWay[w].callsPerSecond} calls/s`);
    }
    const peak = Math.max(...order.map((w) => perWay[w].callsPerSecond));
    const micro = await bucketMicro(200_000);
    return {
      calls: opts.calls,
      concurrency: opts.concurrency,
      rounds: opts.rounds,
      limit: HIGH_LIMIT,
      perWay,
      limiterAddedWallUsPerCall: round(perWay.activities.wallUsPerCall - perWay.gateway.wallUsPerCall, 1),
      limiterAddedCpuUsPerCall: round(perWay.activities.cpuUsPerCall - perWay.gateway.cpuUsPerCall, 1),
      layerAddedWallUsPerCall: round(perWay.activities.wallUsPerCall - perWay.raw.wallUsPerCall, 1),
      layerAddedCpuUsPerCall: round(perWay.activities.cpuUsPerCall - perWay.raw.cpuUsPerCall, 1),
      activitiesVsRawWall: round(perWay.activities.wallUsPerCall / perWay.raw.wallUsPerCall, 3),
      peakRateVsLimiterRate: round(peak / limiter.rateFor('GetFunction'), 3),
      throttled,
      bucketAcquireUs: round(micro.acquireUs, 3),
      bucketAcquireAddedUs: round(micro.acquireUs - micro.baselineUs, 3),
    };
  } finally {
    gateway.dispose();
    activities.dispose();
    await sim.setRateLimits({ GetFunction: 100 });
  }
}
