/**
 * One worker process of the cross-worker bench (bench/cross-worker.ts). Forked once with
 * `<endpoint> <warm-up function>`, it warms up, says `ready`, then runs each burst it is sent with a
 * FRESH `RateLimiter({ share })` and fresh activities, as a worker started with
 * `SCF_RATE_LIMIT_SHARE=<share>` would, firing all of its calls at once at the wall-clock instant
 * `startAt`, so that every process of a configuration starts together.
 *
 * A call the activities give up on with a throttle (after the gateway's own retries) is retried here
 * the way Temporal would retry the activity: after the failure's `nextRetryDelay`
 * (`throttleRetryDelayMs(attempt)`), up to the profile's `maximumAttempts` (workflows/activity-profiles.ts:
 * `read` 8, `mutation` 12). In a real deployment that retry may land on another worker; here it stays
 * in the same process.
 */
import { RateLimiter } from '../activities/rate-limiter';
import { throttleRetryDelayMs } from '../activities/error-table';
import { benchActivities, errorCode, isThrottle, NAMESPACE, REGION, ACCOUNT } from './clients';
import { round, sleep } from './util';

export type CrossWorkerAction = 'GetFunctionAddress' | 'PublishVersion';

/** maximumAttempts of the activity profile each action's activity runs under. */
export const TEMPORAL_MAX_ATTEMPTS: Record<CrossWorkerAction, number> = { GetFunctionAddress: 8, PublishVersion: 12 };

export interface RunOrder {
  type: 'run';
  runId: string;
  action: CrossWorkerAction;
  share: number;
  /** The function of each of this process's calls. */
  functions: string[];
  /** Unique per run and process: publishVersion's release id is `${tag}-${i}`. */
  tag: string;
  /** Epoch ms at which to fire the burst. */
  startAt: number;
}

export interface LimiterEnd {
  throttles: number;
  finalRate: number;
  baseRate: number;
}

export interface RunReport {
  type: 'result';
  runId: string;
  pid: number;
  calls: number;
  succeeded: number;
  failed: number;
  /** Activity attempts that failed with a throttle and were retried as Temporal would. */
  handedToTemporalRetry: number;
  /** Epoch ms: when the burst actually started (timer lateness) and when its last call ended. */
  startedAt: number;
  endedAt: number;
  /** The limiter's bucket per action this run used (publishVersion also lists versions). */
  limiter: Record<string, LimiterEnd>;
}

export type ChildMessage = { type: 'ready'; pid: number } | RunReport | { type: 'error'; runId?: string; message: string };

async function warmUp(endpoint: string, fnName: string): Promise<void> {
  const acts = benchActivities(endpoint, new RateLimiter());
  const fn = { region: REGION, namespace: NAMESPACE, functionName: fnName };
  try {
    for (let i = 0; i < 5; i++) await acts.activities.getFunction({ fn });
  } finally {
    acts.dispose();
  }
}

async function run(endpoint: string, order: RunOrder): Promise<RunReport> {
  const limiter = new RateLimiter({ share: order.share });
  const acts = benchActivities(endpoint, limiter);
  let succeeded = 0;
  let failed = 0;
  let handedToTemporalRetry = 0;
  const maxAttempts = TEMPORAL_MAX_ATTEMPTS[order.action];

  const activity = (i: number) => {
    const fn = { region: REGION, namespace: NAMESPACE, functionName: order.functions[i]! };
    return order.action === 'GetFunctionAddress'
      ? acts.activities.getFunctionAddress({ fn })
      : acts.activities.publishVersion({ fn, releaseId: `${order.tag}-${i}` });
  };
  const withTemporalRetry = async (i: number): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await activity(i);
        return;
      } catch (err) {
        if (!isThrottle(errorCode(err)) || attempt >= maxAttempts) throw err;
        handedToTemporalRetry += 1;
        await sleep(throttleRetryDelayMs(attempt));
      }
    }
  };

  await sleep(Math.max(0, order.startAt - Date.now()));
  const startedAt = Date.now();
  await Promise.all(
    order.functions.map((_, i) =>
      withTemporalRetry(i).then(
        () => void (succeeded += 1),
        () => void (failed += 1),
      ),
    ),
  );
  const endedAt = Date.now();
  acts.dispose();
  const ends: Record<string, LimiterEnd> = {};
  for (const action of order.action === 'PublishVersion' ? ['PublishVersion', 'ListVersionByFunction'] : [order.action]) {
    const s = limiter.stats(ACCOUNT, action);
    ends[action] = { throttles: s.throttles, finalRate: round(s.rate, 2), baseRate: round(s.baseRate, 2) };
  }
  return {
    type: 'result',
    runId: order.runId,
    pid: process.pid,
    calls: order.functions.length,
    succeeded,
    failed,
    handedToTemporalRetry,
    startedAt,
    endedAt,
    limiter: ends,
  };
}

async function main(): Promise<void> {
  const [endpoint, warmFn] = process.argv.slice(2);
  if (!endpoint || !warmFn || !process.send) throw new Error('usage: fork(cross-worker-process.ts, [<endpoint>, <warm-up function>]) with IPC');
  const send = (m: ChildMessage) => process.send!(m);
  process.on('message', (m: RunOrder | 'stop') => {
    if (m === 'stop') process.exit(0);
    run(endpoint, m).then(send, (err) => send({ type: 'error', runId: m.runId, message: (err as Error).stack ?? String(err) }));
  });
  process.on('disconnect', () => process.exit(0));
  await warmUp(endpoint, warmFn);
  send({ type: 'ready', pid: process.pid });
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`cross-worker-process: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
