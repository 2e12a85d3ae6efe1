import { seededRandom } from './random';

export interface FaultSettings {
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

interface CallTarget { action: string; region: string; functionName?: string }

interface FaultRule {
  kind: 'failNext' | 'loseResponse' | 'dropConnection';
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
  private rand: () => number;

  /** Seeds the PRNG once: with `settings.seed` when given, else with the simulator's `seed`. */
  constructor(settings: FaultSettings | undefined, seed: number) {
    this.rand = seededRandom(settings?.seed ?? seed);
    this.settings = { ...settings };
  }

  set(s: FaultSettings): void {
    if (s.seed !== undefined) this.rand = seededRandom(s.seed);
    this.settings = { ...this.settings, ...s };
  }

  addRule(rule: FaultRule): void {
    if (rule.remaining > 0) this.rules.push(rule);
  }

  /** Drops every rule and setting (the PRNG keeps its state). */
  clear(): void {
    this.rules = [];
    this.settings = {};
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

  latency(): number {
    const base = this.settings.latencyMs ?? 0;
    const jitter = this.settings.latencyJitterMs ?? 0;
    return base + (jitter > 0 ? Math.floor(this.rand() * jitter) : 0);
  }
}
