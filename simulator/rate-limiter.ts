/** Per-account, per-action request limits over a fixed one-second window, as SCF documents them. */
export const DEFAULT_RATE_LIMITS: Record<string, number> = {
  UpdateFunctionCode: 100,
  GetFunction: 100,
  PublishVersion: 20,
  CopyFunction: 20,
  GetFunctionAddress: 20,
  CreateAlias: 20,
  GetAlias: 20,
  ListAliases: 20,
  CreateFunction: 10,
  // The trigger pages: CreateTrigger/DeleteTrigger 100 per second, UpdateTriggerStatus 20.
  CreateTrigger: 100,
  DeleteTrigger: 100,
  // Cloud Monitor's GetMonitorData: 20 per second.
  GetMonitorData: 20,
  InvokeFunction: 10000,
  Invoke: 10000,
};
const DEFAULT_RATE_LIMIT = 20;

export class RateLimiter {
  private overrides: Record<string, number> = {};
  private scale = 1;
  private windows = new Map<string, { second: number; count: number }>();

  constructor(limits?: Partial<Record<string, number>>) {
    if (limits) this.set(limits);
  }

  /** Per-action overrides; the special key `scale` multiplies every limit; `default` sets the fallback. */
  set(limits: Partial<Record<string, number>>): void {
    for (const [k, v] of Object.entries(limits)) {
      if (v === undefined) continue;
      if (k === 'scale') this.scale = v;
      else this.overrides[k] = v;
    }
  }

  limitFor(action: string): number {
    const base = this.overrides[action] ?? DEFAULT_RATE_LIMITS[action] ?? this.overrides['default'] ?? DEFAULT_RATE_LIMIT;
    return Math.max(0, Math.floor(base * this.scale));
  }

  /** Counts the call; returns false when it is over the limit. */
  take(account: string, action: string, nowMs = Date.now()): boolean {
    const key = `${account}\u0000${action}`;
    const second = Math.floor(nowMs / 1000);
    let w = this.windows.get(key);
    if (!w || w.second !== second) {
      w = { second, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return w.count <= this.limitFor(action);
  }
}
