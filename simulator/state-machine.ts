import type { FunctionState, FunctionStatus, StatusReason, VersionState } from './model';

export interface Delays { createMs: number; updateMs: number; publishMs: number; deleteMs: number }
const DEFAULT_DELAYS: Delays = { createMs: 300, updateMs: 300, publishMs: 300, deleteMs: 300 };

interface Hold { timer?: NodeJS.Timeout; pendingFinal?: { status: FunctionStatus; reasons: StatusReason[] } }

/**
 * Asynchronous status transitions, as the real service does them:
 * Creating → Active, Updating → Active|UpdateFailed, Publishing → Active|PublishFailed, Deleting → gone.
 * Also owns the admin-controlled holds ("stay in Updating") and injected update/publish failures.
 */
export class StateMachine {
  delays: Delays;
  private timers = new Set<NodeJS.Timeout>();
  private holds = new Map<FunctionState, Hold>();
  private inflight = new Map<FunctionState, number>();
  private failNext = new Map<string, { kind: 'update' | 'publish'; reason: StatusReason }>();

  constructor(delays: Partial<Delays> | undefined, private readonly onChange: () => void) {
    this.delays = { ...DEFAULT_DELAYS, ...delays };
  }

  private after(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
      this.onChange();
    }, Math.max(0, ms));
    this.timers.add(t);
    return t;
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const h of this.holds.values()) if (h.timer) clearTimeout(h.timer);
    this.holds.clear();
  }

  /** Mutating calls are only accepted on a function in one of these states. */
  static isSettled(fn: FunctionState, allowFailed = true): boolean {
    return fn.status === 'Active' || (allowFailed && (fn.status === 'UpdateFailed' || fn.status === 'PublishFailed'));
  }

  create(fn: FunctionState): void {
    fn.status = 'Creating';
    fn.latest.status = 'Creating';
    const gen = ++fn.generation;
    this.after(this.delays.createMs, () => {
      if (fn.generation !== gen || fn.status !== 'Creating') return;
      fn.status = 'Active';
      fn.latest.status = 'Active';
    });
  }

  failNextFor(key: string, kind: 'update' | 'publish', reason: StatusReason): void {
    this.failNext.set(`${kind}|${key}`, { kind, reason });
  }

  /** Starts an update: the function is Updating now; `apply` runs when the update succeeds. */
  update(fn: FunctionState, key: string, apply: () => void): void {
    fn.status = 'Updating';
    fn.latest.status = 'Updating';
    fn.statusReasons = [];
    const gen = ++fn.generation;
    this.inflight.set(fn, (this.inflight.get(fn) ?? 0) + 1);
    const injected = this.failNext.get(`update|${key}`);
    if (injected) this.failNext.delete(`update|${key}`);
    this.after(this.delays.updateMs, () => {
      this.inflight.set(fn, (this.inflight.get(fn) ?? 1) - 1);
      if (fn.generation !== gen || fn.status !== 'Updating') return;
      let final: { status: FunctionStatus; reasons: StatusReason[] };
      if (injected) final = { status: 'UpdateFailed', reasons: [injected.reason] };
      else {
        apply();
        final = { status: 'Active', reasons: [] };
      }
      const hold = this.holds.get(fn);
      if (hold) hold.pendingFinal = final;
      else this.finish(fn, final);
    });
  }

  private finish(fn: FunctionState, final: { status: FunctionStatus; reasons: StatusReason[] }): void {
    fn.status = final.status;
    fn.statusReasons = final.reasons;
    fn.latest.status = final.status === 'UpdateFailed' ? 'Active' : final.status;
    fn.modTime = fn.latest.modTime;
  }

  publish(fn: FunctionState, key: string, version: VersionState): void {
    fn.status = 'Publishing';
    version.status = 'Publishing';
    fn.statusReasons = [];
    const gen = ++fn.generation;
    const injected = this.failNext.get(`publish|${key}`);
    if (injected) this.failNext.delete(`publish|${key}`);
    this.after(this.delays.publishMs, () => {
      if (injected) {
        fn.versions.delete(version.version);
        if (fn.generation === gen && fn.status === 'Publishing') {
          fn.status = 'PublishFailed';
          fn.statusReasons = [injected.reason];
        }
        return;
      }
      version.status = 'Active';
      if (fn.generation === gen && fn.status === 'Publishing') fn.status = 'Active';
    });
  }

  delete(fn: FunctionState, remove: () => void): void {
    fn.status = 'Deleting';
    ++fn.generation;
    this.releaseHold(fn, false);
    this.after(this.delays.deleteMs, remove);
  }

  hold(fn: FunctionState, ms?: number): void {
    let h = this.holds.get(fn);
    if (!h) {
      h = {};
      this.holds.set(fn, h);
    }
    if (h.timer) clearTimeout(h.timer);
    if (fn.status === 'Active' || fn.status === 'UpdateFailed') {
      fn.status = 'Updating';
      fn.latest.status = 'Updating';
      ++fn.generation;
      h.pendingFinal = { status: 'Active', reasons: [] };
    }
    if (ms !== undefined) {
      h.timer = setTimeout(() => {
        this.releaseHold(fn);
        this.onChange();
      }, ms);
    }
  }

  releaseHold(fn: FunctionState, settle = true): void {
    const h = this.holds.get(fn);
    if (!h) return;
    if (h.timer) clearTimeout(h.timer);
    this.holds.delete(fn);
    if (!settle) return;
    if ((this.inflight.get(fn) ?? 0) > 0) return; // the running update settles it
    if (fn.status === 'Updating') this.finish(fn, h.pendingFinal ?? { status: 'Active', reasons: [] });
  }

  isHeld(fn: FunctionState): boolean {
    return this.holds.has(fn);
  }
}
