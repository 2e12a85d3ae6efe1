import { seededRandom } from './random';

/** The throttling codes API 3.0 documents (common error codes): the plain one and its variants. */
export const THROTTLE_CODES = [
  'RequestLimitExceeded', 'RequestLimitExceeded.UinLimitExceeded', 'RequestLimitExceeded.IPLimitExceeded',
  'RequestLimitExceeded.GlobalRegionUinLimitExceeded',
] as const;
export type ThrottleCode = (typeof THROTTLE_CODES)[number];

export interface FaultSettings {
  /**
   * The code a throttled call answers, random (throttleRate) or over a per-action limit: one of
   * THROTTLE_CODES (default RequestLimitExceeded).
   */
  throttleCode?: ThrottleCode;
  /** Share (0..1) of API calls answered with RequestLimitExceeded. */
  throttleRate?: number;
  /** Share (0..1) of API calls answered with InternalError (the action is not performed). */
  internalErrorRate?: number;
  /** Extra latency added before every API call is handled. */
  latencyMs?: number;
  /** Random extra latency in [0, latencyJitterMs). */
  latencyJitterMs?: number;
  /** Restricts the rate-based faults to these actions (all when absent). */
  actions?: string[];
  /** Seed for the fault PRNG (reseeds when given). */
  seed?: number;
}

export interface CallTarget { action: string; region: string; functionName?: string }

interface FaultRule {
  kind: 'failNext' | 'loseResponse' | 'dropConnection' | 'holdCall';
  action: string;
  remaining: number;
  code?: string;
  message?: string;
  region?: string;
  functionName?: string;
}

export class Faults {
  private settings: FaultSettings;
  private rules: FaultRule[] = [];
  private held: Array<{ target: CallTarget; release: () => void }> = [];
  private rand: () => number;

  /** Seeds the PRNG once: with `settings.seed` when given, else with the simulator's `seed`. */
  constructor(settings: FaultSettings | undefined, seed: number) {
    this.rand = seededRandom(settings?.seed ?? seed);
    this.settings = {};
    if (settings) this.set(settings);
  }

  set(s: FaultSettings): void {
    if (s.throttleCode !== undefined && !THROTTLE_CODES.includes(s.throttleCode)) {
      throw new Error(`throttleCode ${String(s.throttleCode)} is not a documented throttling code (${THROTTLE_CODES.join(', ')})`);
    }
    if (s.seed !== undefined) this.rand = seededRandom(s.seed);
    this.settings = { ...this.settings, ...s };
  }

  addRule(rule: FaultRule): void {
    if (rule.remaining > 0) this.rules.push(rule);
  }

  /** Drops every rule and setting and lets held calls go on (the PRNG keeps its state). */
  clear(): void {
    this.rules = [];
    this.settings = {};
    this.releaseHeld();
  }

  /**
   * Keeps a call (taken by a `holdCall` rule) waiting before it is handled: resolves 'released' when
   * releaseHeld is called, or 'abandoned' when `callerGone` resolves first (the caller hung up, e.g.
   * a killed worker), in which case the call must not be performed.
   */
  hold(target: CallTarget, callerGone: Promise<void>): Promise<'released' | 'abandoned'> {
    return new Promise((resolve) => {
      const entry = { target, release: () => resolve('released') };
      this.held.push(entry);
      void callerGone.then(() => {
        this.held = this.held.filter((h) => h !== entry);
        resolve('abandoned');
      });
    });
  }

  /** The calls being held now, oldest first. */
  heldCalls(): CallTarget[] {
    return this.held.map((h) => ({ ...h.target }));
  }

  releaseHeld(): void {
    const held = this.held;
    this.held = [];
    for (const h of held) h.release();
  }

  /** Consumes one use of the first matching rule of this kind. */
  take(kind: FaultRule['kind'], t: CallTarget): FaultRule | undefined {
    const rule = this.rules.find(
      (r) => r.kind === kind && r.remaining > 0 && (r.action === t.action || r.action === '*') &&
        (!r.region || r.region === t.region) && (!r.functionName || r.functionName === t.functionName),
    );
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule;
  }

  private applies(action: string): boolean {
    return !this.settings.actions || this.settings.actions.includes(action);
  }

  randomThrottle(action: string): boolean {
    const r = this.settings.throttleRate ?? 0;
    return r > 0 && this.applies(action) && this.rand() < r;
  }

  randomInternalError(action: string): boolean {
    const r = this.settings.internalErrorRate ?? 0;
    return r > 0 && this.applies(action) && this.rand() < r;
  }

  throttleCode(): ThrottleCode {
    return this.settings.throttleCode ?? 'RequestLimitExceeded';
  }

  latency(): number {
    const base = this.settings.latencyMs ?? 0;
    const jitter = this.settings.latencyJitterMs ?? 0;
    return base + (jitter > 0 ? Math.floor(this.rand() * jitter) : 0);
  }
}
