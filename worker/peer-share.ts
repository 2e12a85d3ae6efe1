/**
 * Each worker sets its own share of the account's SCF limits: 1 / the worker processes the Temporal
 * server sees polling the release task queue. No operator arithmetic (`SCF_RATE_LIMIT_SHARE=1/N`,
 * wrong as soon as a worker is added or dies): N workers together stay under each action's limit,
 * including the 100/s actions no server-side queue limit covers (GetFunction polls,
 * UpdateFunctionCode) and the bursts the server's queue limiter lets through to several workers.
 *
 * Counted every PEER_CHECK_MS from the live activity pollers of the main queue (client/worker-presence.ts:
 * distinct identities seen within its liveness window), this worker included even before its first
 * poll shows. A dead worker counts until it ages out: the others are slower for a while, never over
 * the limit; a new one is seen within PEER_CHECK_MS, and until then the AIMD slowdown on throttled
 * answers absorbs the overlap. A failed check keeps the share it had.
 */
import type { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { RateLimiter } from '../activities/rate-limiter';
import { livePollers } from '../client/worker-presence';

/** How often the workers are counted. */
export const PEER_CHECK_MS = 10_000;

export interface PeerShareOptions {
  connection: Pick<NativeConnection, 'workflowService'>;
  namespace: string;
  taskQueue: string;
  limiter: RateLimiter;
  logger: Logger;
}

/** The worker processes polling `taskQueue`'s activities now (at least 1: this one). */
export async function countPollingWorkers(options: Pick<PeerShareOptions, 'connection' | 'namespace' | 'taskQueue'>, now = new Date()): Promise<number> {
  const identities = await livePollers(options.connection.workflowService, { namespace: options.namespace, taskQueue: options.taskQueue, kind: 'activity' }, now);
  return Math.max(1, new Set(identities).size);
}

/** Sets the limiter's share now and every PEER_CHECK_MS; stop() ends it. */
export function startPeerShare(options: PeerShareOptions): { stop(): void } {
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
  void check();
  const timer = setInterval(() => void check(), PEER_CHECK_MS);
  timer.unref();
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
