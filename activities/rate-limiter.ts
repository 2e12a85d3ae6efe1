/**
 * Client-side rate limiting for SCF calls: one token bucket per (account, action), shared by every
 * activity of the worker, consulted BEFORE each call.
 *
 * - Rate: the documented per-second limit of the action × `share` (this worker's part of the account,
 *   `SCF_RATE_LIMIT_SHARE`) × `headroom` (0.9 by default, room for clock differences and for other
 *   callers). Burst: `burstSeconds` worth of tokens (0.1 s), so that in any one-second window the
 *   bucket lets through at most about the limit, whether the server counts in fixed or sliding windows.
 * - Waiters are served first in, first out. A waiter whose AbortSignal fires (activity cancelled) leaves
 *   the queue at once and its promise rejects with the signal's reason.
 * - AIMD: `onThrottle()` (a `RequestLimitExceeded*` answer) multiplies the rate by `decrease` (0.5), at most
 *   once per `decreaseCooldownMs` so one burst of throttled answers counts once, never below
 *   `minFraction` of the base rate. The rate then recovers linearly: `recoverPerSecond` of the base rate
 *   per second, starting `recoveryDelayMs` after the last decrease.
 *
 * Across workers: the buckets live in one process. The tight-limit actions' activities run on task
 * queues whose rate the Temporal server enforces across all workers (workflows/definitions.ts
 * RATE_LIMITED_ACTIONS, worker/create-worker.ts), so this bucket only smooths and, through AIMD, slows
 * down for other callers on the account. For the 100/s actions (GetFunction polls, UpdateFunctionCode)
 * it is the only limit. The share is set by the worker itself (worker/peer-share.ts: 1 / the worker
 * processes the server sees polling its task queue) unless `SCF_RATE_LIMIT_SHARE` fixes it.
 */
import { DEFAULT_RATE_LIMIT, DOCUMENTED_RATE_LIMITS } from './config';

export interface RateLimiterOptions {
  /** Requests per second per action (defaults: the documented limits; others `DEFAULT_RATE_LIMIT`). */
  limits?: Record<string, number>;
  share?: number;
  headroom?: number;
  burstSeconds?: number;
  minFraction?: number;
  decrease?: number;
  decreaseCooldownMs?: number;
  recoveryDelayMs?: number;
  recoverPerSecond?: number;
  now?: () => number;
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export interface BucketStats {
  baseRate: number;
  rate: number;
  tokens: number;
  waiting: number;
  throttles: number;
  granted: number;
}

export class TokenBucket {
  baseRate: number;
  rate: number;
  private tokens: number;
  private last: number;
  private lastDecrease = -Infinity;
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  throttles = 0;
  granted = 0;

  constructor(
    baseRate: number,
    private readonly o: Required<Omit<RateLimiterOptions, 'limits' | 'share' | 'headroom'>>,
  ) {
    this.baseRate = baseRate;
    this.rate = baseRate;
    this.tokens = this.capacity();
    this.last = o.now();
  }

  private capacity(): number {
    return Math.max(1, this.rate * this.o.burstSeconds);
  }

  private refill(): void {
    const now = this.o.now();
    const dt = Math.max(0, now - this.last) / 1000;
    this.last = now;
    if (this.rate < this.baseRate && now - this.lastDecrease >= this.o.recoveryDelayMs) {
      this.rate = Math.min(this.baseRate, this.rate + this.baseRate * this.o.recoverPerSecond * dt);
    }
    this.tokens = Math.min(this.capacity(), this.tokens + this.rate * dt);
  }

  /** Resolves when a token is granted; rejects with `signal.reason` if the signal fires first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
    this.refill();
    if (this.queue.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      this.granted += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal.reason ?? new Error('aborted'));
          this.schedule();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      this.schedule();
    });
  }

  private pump = (): void => {
    this.timer = undefined;
    this.refill();
    while (this.queue.length > 0 && this.tokens >= 1) {
      const w = this.queue.shift()!;
      this.tokens -= 1;
      this.granted += 1;
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
      w.resolve();
    }
    this.schedule();
  };

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    const waitMs = Math.max(1, Math.ceil(((1 - this.tokens) / this.rate) * 1000));
    this.timer = setTimeout(this.pump, waitMs);
  }

  /** A throttled answer: slow down (once per cooldown). */
  onThrottle(): void {
    this.throttles += 1;
    const now = this.o.now();
    this.refill();
    if (now - this.lastDecrease < this.o.decreaseCooldownMs) return;
    this.lastDecrease = now;
    this.rate = Math.max(this.baseRate * this.o.minFraction, this.rate * this.o.decrease);
    this.tokens = Math.min(this.tokens, this.capacity());
    // A pending timer was computed at the old rate; recompute.
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.schedule();
    }
  }

  /**
   * A new base rate (this worker's share changed): the current rate keeps its fraction of the base,
   * so a slowdown after a throttle carries over; the burst shrinks with it.
   */
  rebase(baseRate: number): void {
    this.refill();
    this.rate = Math.min(baseRate, this.rate * (baseRate / this.baseRate));
    this.baseRate = baseRate;
    this.tokens = Math.min(this.tokens, this.capacity());
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.schedule();
    }
  }

  stats(): BucketStats {
    this.refill();
    return {
      baseRate: this.baseRate,
      rate: this.rate,
      tokens: this.tokens,
      waiting: this.queue.length,
      throttles: this.throttles,
      granted: this.granted,
    };
  }
}

export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly limits: Record<string, number>;
  private share: number;
  private readonly headroom: number;
  private readonly bucketOptions: ConstructorParameters<typeof TokenBucket>[1];

  constructor(options: RateLimiterOptions = {}) {
    this.limits = { ...DOCUMENTED_RATE_LIMITS, ...(options.limits ?? {}) };
    this.share = RateLimiter.checkedShare(options.share ?? 1);
    this.headroom = options.headroom ?? 0.9;
    this.bucketOptions = {
      burstSeconds: options.burstSeconds ?? 0.1,
      minFraction: options.minFraction ?? 0.1,
      decrease: options.decrease ?? 0.5,
      decreaseCooldownMs: options.decreaseCooldownMs ?? 500,
      recoveryDelayMs: options.recoveryDelayMs ?? 1000,
      recoverPerSecond: options.recoverPerSecond ?? 0.1,
      now: options.now ?? (() => performance.now()),
    };
  }

  private static checkedShare(share: number): number {
    if (!(share > 0 && share <= 1)) throw new RangeError('share must be in (0, 1]');
    return share;
  }

  /** This worker's share of the account's limits now. */
  currentShare(): number {
    return this.share;
  }

  /** A new share for every bucket, existing and future (worker/peer-share.ts: 1 / the workers polling). */
  setShare(share: number): void {
    this.share = RateLimiter.checkedShare(share);
    for (const [key, bucket] of this.buckets) bucket.rebase(this.rateFor(key.slice(key.indexOf('\u0000') + 1)));
  }

  /** The configured per-second limit of an action for this worker (before AIMD). */
  rateFor(action: string): number {
    return (this.limits[action] ?? DEFAULT_RATE_LIMIT) * this.share * this.headroom;
  }

  bucket(account: string, action: string): TokenBucket {
    const key = `${account}\u0000${action}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(this.rateFor(action), this.bucketOptions);
      this.buckets.set(key, b);
    }
    return b;
  }

  acquire(account: string, action: string, signal?: AbortSignal): Promise<void> {
    return this.bucket(account, action).acquire(signal);
  }

  onThrottle(account: string, action: string): void {
    this.bucket(account, action).onThrottle();
  }

  stats(account: string, action: string): BucketStats {
    return this.bucket(account, action).stats();
  }
}
