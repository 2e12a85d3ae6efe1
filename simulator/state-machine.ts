import type { FunctionState, FunctionStatus, StatusReason, VersionState } from './model';

export interface Delays { createMs: number; updateMs: number; publishMs: number; deleteMs: number }
const DEFAULT_DELAYS: Delays = { createMs: 300, updateMs: 300, publishMs: 300, deleteMs: 300 };

/** A transition a hold can keep from ending: the function stays Creating/Updating/Publishing/Deleting. */
export type HeldTransition = 'create' | 'update' | 'publish' | 'delete';

/**
 * One function kept in a transitional state. `transition` says which one it holds (holdInUpdating
 * holds updates; holdNext arms any of the three); `settle` is the end the transition reached while
 * held, applied when the hold is released.
 */
interface Hold { transition: HeldTransition; timer?: NodeJS.Timeout; settle?: () => void }

/**
 * Asynchronous status transitions, as the real service does them:
 * Creating → Active, Updating → Active|UpdateFailed, Publishing → Active|PublishFailed, Deleting → gone.
 * Also owns the admin-controlled holds ("stay in Updating", "hold the next create/update/publish")
 * and injected update/publish failures. A hold armed in advance (holdNext) takes effect as the
 * transition starts, so a test sees the transitional state however slow the machine is.
 */
export class StateMachine {
  delays: Delays;
  private timers = new Set<NodeJS.Timeout>();
  private holds = new Map<FunctionState, Hold>();
  private inflight = new Map<FunctionState, number>();
  private failNext = new Map<string, { kind: 'update' | 'publish'; reason: StatusReason }>();
  /** `${transition}|${key}`: the next such transition of that function is held until released. */
  private armed = new Set<string>();

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
    this.armed.clear();
  }

  /** Arms a hold: the next `transition` of the function `key` names stays in its transitional state until released. */
  holdNext(key: string, transition: HeldTransition): void {
    this.armed.add(`${transition}|${key}`);
  }

  /** Drops holds armed for `key` that have not taken effect yet. */
  disarm(key: string): void {
    for (const t of ['create', 'update', 'publish', 'delete'] as const) this.armed.delete(`${t}|${key}`);
  }

  /** Starts the hold armed for this transition of `key`, if any. */
  private takeArmed(fn: FunctionState, key: string, transition: HeldTransition): void {
    if (!this.armed.delete(`${transition}|${key}`)) return;
    const old = this.holds.get(fn);
    if (old?.timer) clearTimeout(old.timer);
    this.holds.set(fn, { transition });
  }

  /** Runs `end` now, or keeps it for the release of a hold on this transition. */
  private endOrKeep(fn: FunctionState, transition: HeldTransition, end: () => void): void {
    const hold = this.holds.get(fn);
    if (hold && hold.transition === transition) hold.settle = end;
    else end();
  }

  /** Mutating calls are only accepted on a function in one of these states. */
  static isSettled(fn: FunctionState, allowFailed = true): boolean {
    return fn.status === 'Active' || (allowFailed && (fn.status === 'UpdateFailed' || fn.status === 'PublishFailed'));
  }

  create(fn: FunctionState, key: string): void {
    fn.status = 'Creating';
    fn.latest.status = 'Creating';
    const gen = ++fn.generation;
    this.takeArmed(fn, key, 'create');
    this.after(this.delays.createMs, () =>
      this.endOrKeep(fn, 'create', () => {
        if (fn.generation !== gen || fn.status !== 'Creating') return;
        fn.status = 'Active';
        fn.latest.status = 'Active';
      }),
    );
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
    this.takeArmed(fn, key, 'update');
    this.after(this.delays.updateMs, () => {
      this.inflight.set(fn, (this.inflight.get(fn) ?? 1) - 1);
      if (fn.generation !== gen || fn.status !== 'Updating') return;
      let final: { status: FunctionStatus; reasons: StatusReason[] };
      if (injected) final = { status: 'UpdateFailed', reasons: [injected.reason] };
      else {
        apply();
        final = { status: 'Active', reasons: [] };
      }
      this.endOrKeep(fn, 'update', () => {
        if (fn.status === 'Updating') this.finish(fn, final);
      });
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
    this.takeArmed(fn, key, 'publish');
    this.after(this.delays.publishMs, () => this.endOrKeep(fn, 'publish', () => {
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
    }));
  }

  delete(fn: FunctionState, key: string, remove: () => void): void {
    fn.status = 'Deleting';
    ++fn.generation;
    this.releaseHold(fn, false);
    this.takeArmed(fn, key, 'delete');
    this.after(this.delays.deleteMs, () => this.endOrKeep(fn, 'delete', remove));
  }

  hold(fn: FunctionState, ms?: number): void {
    let h = this.holds.get(fn);
    if (!h) {
      h = { transition: 'update' };
      this.holds.set(fn, h);
    }
    if (h.timer) clearTimeout(h.timer);
    if (fn.status === 'Active' || fn.status === 'UpdateFailed') {
      fn.status = 'Updating';
      fn.latest.status = 'Updating';
      ++fn.generation;
      h.settle = () => {
        if (fn.status === 'Updating') this.finish(fn, { status: 'Active', reasons: [] });
      };
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
    if (h.settle) h.settle();
    else if (h.transition === 'update' && (this.inflight.get(fn) ?? 0) === 0 && fn.status === 'Updating') {
      this.finish(fn, { status: 'Active', reasons: [] });
    } // else the running transition ends it, finding no hold
  }

  isHeld(fn: FunctionState): boolean {
    return this.holds.has(fn);
  }
}
