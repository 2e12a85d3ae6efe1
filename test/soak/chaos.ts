/**
 * The chaos driver: a plan drawn up front from a seeded PRNG (so a seed names a run), bounded in
 * count and time, then carried out while the releases run. It SIGKILLs worker processes and starts
 * replacements, restarts the dev server, and injects SCF faults through the simulator's admin API.
 * Events run one at a time, in plan order; `stop()` skips what is left.
 */
import { seededRandom } from '../../simulator/random';

export type FaultKind = 'throttling' | 'internalError' | 'latency' | 'droppedConnection' | 'lostResponse' | 'stuckUpdating' | 'updateFailed';
export const FAULT_KINDS: readonly FaultKind[] = ['throttling', 'internalError', 'latency', 'droppedConnection', 'lostResponse', 'stuckUpdating', 'updateFailed'];

export type ChaosEvent =
  | { atMs: number; kind: 'kill-worker'; pick: number }
  | { atMs: number; kind: 'restart-server' }
  | { atMs: number; kind: 'fault'; fault: FaultKind; pick: number };

export interface ChaosPlanOptions {
  seed: number;
  /** Chaos happens in [startMs, windowMs] after the batch starts. */
  startMs: number;
  windowMs: number;
  kills: number;
  restarts: number;
  faultsPerKind: number;
}

/** Draws the plan; restarts fall in the first half of the window so they happen while releases run. */
export function planChaos(o: ChaosPlanOptions): ChaosEvent[] {
  const rand = seededRandom(o.seed);
  const at = (from: number, to: number) => Math.round(from + rand() * (to - from));
  const events: ChaosEvent[] = [];
  for (let i = 0; i < o.kills; i++) events.push({ atMs: at(o.startMs, o.windowMs), kind: 'kill-worker', pick: Math.floor(rand() * 1_000_000) });
  for (let i = 0; i < o.restarts; i++) events.push({ atMs: at(o.startMs, o.startMs + (o.windowMs - o.startMs) / 2), kind: 'restart-server' });
  for (const fault of FAULT_KINDS) {
    for (let i = 0; i < o.faultsPerKind; i++) events.push({ atMs: at(o.startMs, o.windowMs), kind: 'fault', fault, pick: Math.floor(rand() * 1_000_000) });
  }
  return events.sort((a, b) => a.atMs - b.atMs);
}

/** What the driver acts on: the runner supplies these (worker pool, dev server, simulator admin). */
export interface ChaosTargets {
  killWorker(pick: number): Promise<{ pid: number; at: number } | undefined>;
  restartServer(): Promise<{ downMs: number }>;
  admin(name: string, body: unknown): Promise<unknown>;
  /** Functions and regions that exist from the start (for holds and failed updates). */
  seeded: Array<{ region: string; functionName: string }>;
  log(line: string): void;
}

export interface ChaosFigures {
  kills: Array<{ pid: number; at: number }>;
  restarts: Array<{ at: number; downMs: number }>;
  faults: Record<FaultKind, number>;
  /** Events that failed to apply (e.g. the admin call failed), with why. */
  failed: string[];
  skipped: number;
}

/** A rate fault lasts this long; the next one of its kind replaces it. */
const RATE_FAULT_MS = 8_000;
/** Actions every release calls, so that a one-shot rule is consumed while the batch runs. */
const MUTATIONS = ['UpdateFunctionCode', 'PublishVersion', 'UpdateFunctionCode', 'PublishVersion', 'CopyFunction', 'UpdateAlias'];
const READS = ['GetFunction', 'ListVersionByFunction', 'GetFunctionAddress', 'InvokeFunction'];

export class ChaosDriver {
  readonly figures: ChaosFigures = {
    kills: [],
    restarts: [],
    faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
    failed: [],
    skipped: 0,
  };
  private stopped = false;
  private wake: () => void = () => {};
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly plan: ChaosEvent[],
    private readonly targets: ChaosTargets,
  ) {}

  /** Runs the plan from now; resolves when it is done or stopped. */
  async run(): Promise<void> {
    const start = Date.now();
    for (const [i, event] of this.plan.entries()) {
      const wait = start + event.atMs - Date.now();
      // A stop() that landed while the last event was applied has already called wake(): check
      // before waiting again, or nothing would wake this wait.
      if (wait > 0 && !this.stopped) await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (this.stopped) {
        this.figures.skipped = this.plan.length - i;
        return;
      }
      await this.apply(event).catch((err: unknown) => {
        this.figures.failed.push(`${describe(event)}: ${(err as Error).message}`);
      });
    }
  }

  /** Skips the rest of the plan and ends the timed rate faults now. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private later(ms: number, action: () => Promise<unknown>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action().catch(() => undefined);
    }, ms);
    this.timers.add(timer);
  }

  private async apply(event: ChaosEvent): Promise<void> {
    const t = this.targets;
    if (event.kind === 'kill-worker') {
      const killed = await t.killWorker(event.pick);
      if (killed) {
        this.figures.kills.push(killed);
        t.log(`chaos: SIGKILLed worker ${killed.pid}`);
      }
      return;
    }
    if (event.kind === 'restart-server') {
      const at = Date.now();
      t.log('chaos: restarting the Temporal dev server');
      const { downMs } = await t.restartServer();
      this.figures.restarts.push({ at, downMs });
      t.log(`chaos: dev server back after ${downMs} ms`);
      return;
    }
    const pick = event.pick;
    const of = <T>(xs: readonly T[]) => xs[pick % xs.length]!;
    const target = of(t.seeded);
    switch (event.fault) {
      case 'throttling':
        await t.admin('setFaults', { throttleRate: 0.3 });
        this.later(RATE_FAULT_MS, () => t.admin('setFaults', { throttleRate: 0 }));
        break;
      case 'internalError':
        await t.admin('setFaults', { internalErrorRate: 0.1 });
        this.later(RATE_FAULT_MS, () => t.admin('setFaults', { internalErrorRate: 0 }));
        break;
      case 'latency':
        await t.admin('setFaults', { latencyMs: 200, latencyJitterMs: 800 });
        this.later(RATE_FAULT_MS, () => t.admin('setFaults', { latencyMs: 0, latencyJitterMs: 0 }));
        break;
      case 'droppedConnection':
        await t.admin('dropConnection', { action: of([...MUTATIONS, ...READS]), count: 1 + (pick % 3) });
        break;
      case 'lostResponse':
        await t.admin('loseResponse', { action: of(MUTATIONS), count: 1 + (pick % 2) });
        break;
      case 'stuckUpdating':
        await t.admin('holdInUpdating', { ...target, ms: 3_000 + (pick % 5_000) });
        break;
      case 'updateFailed':
        await t.admin('failNextUpdate', { ...target, errorCode: 'InternalError.System', errorMessage: 'soak: injected UpdateFailed' });
        break;
    }
    this.figures.faults[event.fault] += 1;
    t.log(`chaos: ${describe(event)}${event.fault === 'stuckUpdating' || event.fault === 'updateFailed' ? ` on ${target.region}/${target.functionName}` : ''}`);
  }
}

function describe(event: ChaosEvent): string {
  return event.kind === 'fault' ? `fault ${event.fault}` : event.kind;
}
