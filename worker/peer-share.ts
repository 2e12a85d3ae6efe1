/**
 * Each worker sets its own share of the account's SCF limits: 1 / the worker processes the Temporal
 * server sees polling the release task queue. No operator arithmetic (`SCF_RATE_LIMIT_SHARE=1/N`,
 * wrong as soon as a worker is added or dies): N workers together stay under each action's limit,
 * including the 100/s actions no server-side queue limit covers (GetFunction polls,
 * UpdateFunctionCode) and the bursts the server's queue limiter lets through to several workers.
 *
 * Counted every PEER_CHECK_MS from DescribeTaskQueue (activity pollers of the main queue): distinct
 * identities (each process polls with one, `<pid>@<host>` unless set) seen within LIVE_POLLER_MS, this
 * worker included even before its first poll shows. A dead worker counts until it ages out: the others
 * are slower for a while, never over the limit; a new one is seen within PEER_CHECK_MS, and until then
 * the AIMD slowdown on throttled answers absorbs the overlap. A failed check keeps the share it had.
 */
import { temporal } from '@temporalio/proto';
import type { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { RateLimiter } from '../activities/rate-limiter';

/** How often the workers are counted. */
export const PEER_CHECK_MS = 10_000;
/** A poller last seen longer ago than this is gone (an idle worker re-polls at least every ~70 s). */
export const LIVE_POLLER_MS = 2 * 60_000;

export interface PeerShareOptions {
  connection: Pick<NativeConnection, 'workflowService'>;
  namespace: string;
  taskQueue: string;
  limiter: RateLimiter;
  logger: Logger;
  intervalMs?: number;
  now?: () => number;
}

/** The worker processes polling `taskQueue`'s activities now (at least 1: this one). */
export async function countPollingWorkers(options: Pick<PeerShareOptions, 'connection' | 'namespace' | 'taskQueue' | 'now'>): Promise<number> {
  const now = (options.now ?? Date.now)();
  const { pollers } = await options.connection.workflowService.describeTaskQueue({
    namespace: options.namespace,
    taskQueue: { name: options.taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  });
  const live = new Set(
    (pollers ?? [])
      .filter((p) => now - Number(p.lastAccessTime?.seconds ?? 0) * 1000 < LIVE_POLLER_MS)
      .map((p) => p.identity ?? ''),
  );
  return Math.max(1, live.size);
}

/** Sets the limiter's share now and every intervalMs; stop() ends it. */
export function startPeerShare(options: PeerShareOptions): { stop(): void; ready: Promise<void> } {
  let stopped = false;
  const check = async () => {
    try {
      const workers = await countPollingWorkers(options);
      const share = 1 / workers;
      if (stopped || share === options.limiter.currentShare()) return;
      options.limiter.setShare(share);
      options.logger.info({ workers, share }, `rate limits: this worker takes 1/${workers} of each SCF limit (${workers} worker process(es) poll ${options.taskQueue})`);
    } catch (err) {
      options.logger.warn({ err }, 'rate limits: could not count the workers polling the task queue; keeping the current share');
    }
  };
  const ready = check();
  const timer = setInterval(() => void check(), options.intervalMs ?? PEER_CHECK_MS);
  timer.unref();
  return {
    ready,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
