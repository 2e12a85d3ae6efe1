/**
 * The traffic generator (admin API `startTraffic`, CLI `scf-release sim traffic`): invokes a function
 * through its alias at a given rate with given events, as live callers would, so a canary meets
 * traffic its probes do not send. Each call runs through the InvokeFunction action itself (alias
 * routing, real execution, metrics), without the HTTP and signature layers.
 */
import { randomUUID } from 'node:crypto';
import { InvokeFunction } from './actions/invoke';
import type { CallCtx, Sim } from './context';
import { ApiError } from './errors';
import { Params } from './params';

export interface TrafficInput {
  secretId?: string;
  region: string;
  namespace?: string;
  functionName: string;
  alias: string;
  /** Invocations started per second (at most 1000). */
  ratePerSecond: number;
  /** The events (JSON text), used in turn. */
  events: string[];
  /** Stop after this many invocations; without it (and without durationSeconds) it runs until stopped. */
  count?: number;
  durationSeconds?: number;
}

export interface TrafficStatus {
  id: string;
  state: 'running' | 'done' | 'stopped';
  /** Invocations that ran. */
  sent: number;
  /** Of those, how many the function failed (ErrMsg set). */
  errors: number;
  /** Calls refused before the function ran (an API error), with the last code. */
  failedCalls: number;
  lastErrorCode?: string;
}

const MAX_RATE = 1000;
const MAX_EVENTS = 100;

export class TrafficGenerator {
  private runs = new Map<string, { status: TrafficStatus; timer?: NodeJS.Timeout }>();

  constructor(private readonly sim: Sim, private readonly defaultSecretId: string) {}

  start(input: TrafficInput): string {
    const rate = input.ratePerSecond;
    if (!Number.isFinite(rate) || rate <= 0 || rate > MAX_RATE) throw new Error(`ratePerSecond must be in (0, ${MAX_RATE}]`);
    if (!Array.isArray(input.events) || input.events.length === 0 || input.events.length > MAX_EVENTS) throw new Error(`events must hold 1 to ${MAX_EVENTS} JSON texts`);
    for (const e of input.events) {
      try {
        JSON.parse(e);
      } catch {
        throw new Error(`event ${String(e).slice(0, 80)} is not JSON`);
      }
    }
    const secretId = input.secretId ?? this.defaultSecretId;
    const namespace = input.namespace ?? 'default';
    const fn = this.sim.store.findFunction(secretId, input.region, namespace, input.functionName);
    if (!fn) throw new Error(`no function ${input.region}/${namespace}/${input.functionName}`);
    if (!fn.aliases.has(input.alias)) throw new Error(`function ${input.functionName} has no alias ${input.alias}`);
    const id = randomUUID();
    const status: TrafficStatus = { id, state: 'running', sent: 0, errors: 0, failedCalls: 0 };
    const run: { status: TrafficStatus; timer?: NodeJS.Timeout } = { status };
    this.runs.set(id, run);
    const limit = input.count ?? (input.durationSeconds !== undefined ? Math.ceil(input.durationSeconds * rate) : Infinity);
    let started = 0;
    let inFlight = 0;
    const finishIfDone = () => {
      if (status.state === 'running' && started >= limit && inFlight === 0) {
        status.state = 'done';
        this.clear(run);
      }
    };
    const fire = () => {
      if (status.state !== 'running' || started >= limit) return;
      const event = input.events[started % input.events.length]!;
      started++;
      inFlight++;
      void this.invokeOnce(secretId, input.region, namespace, input.functionName, input.alias, event)
        .then((failed) => {
          if (status.state === 'stopped') return;
          status.sent++;
          if (failed) status.errors++;
        }, (err: unknown) => {
          status.failedCalls++;
          status.lastErrorCode = err instanceof ApiError ? err.code : 'InternalError';
        })
        .finally(() => {
          inFlight--;
          finishIfDone();
        });
    };
    run.timer = setInterval(fire, Math.max(1, Math.round(1000 / rate)));
    fire();
    return id;
  }

  private async invokeOnce(secretId: string, region: string, namespace: string, functionName: string, alias: string, event: string): Promise<boolean> {
    const ctx: CallCtx = {
      sim: this.sim, secretId, account: this.sim.store.account(secretId), region, requestId: randomUUID(), note: {},
      params: new Params({ FunctionName: functionName, Namespace: namespace, Qualifier: alias, Event: event }, false),
    };
    const r = (await InvokeFunction(ctx)) as { Result?: { ErrMsg?: string } };
    return !!r.Result?.ErrMsg;
  }

  private clear(run: { timer?: NodeJS.Timeout }): void {
    if (run.timer) clearInterval(run.timer);
    run.timer = undefined;
  }

  stop(id: string): TrafficStatus {
    const run = this.runs.get(id);
    if (!run) throw new Error(`no traffic run ${id}`);
    if (run.status.state === 'running') run.status.state = 'stopped';
    this.clear(run);
    return { ...run.status };
  }

  status(id: string): TrafficStatus {
    const run = this.runs.get(id);
    if (!run) throw new Error(`no traffic run ${id}`);
    return { ...run.status };
  }

  stopAll(): void {
    for (const id of this.runs.keys()) this.stop(id);
  }
}
