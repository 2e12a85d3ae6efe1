import type { Logger } from 'pino';
import type { CosStore } from './cos/store';
import type { Faults } from './faults';
import type { Invoker } from './invoke/invoker';
import type { MetricsStore } from './monitor/metrics';
import type { AccountState, Store } from './model';
import type { Params } from './params';
import type { RateLimiter } from './rate-limiter';
import type { StateMachine } from './state-machine';

/** Everything an action handler can reach. */
export interface Sim {
  store: Store;
  sm: StateMachine;
  invoker: Invoker;
  cos: CosStore;
  faults: Faults;
  limiter: RateLimiter;
  logger: Logger;
  routingRandom: () => number;
  /** What invocations ran, for GetMonitorData. */
  metrics: MetricsStore;
  /** Cloud Monitor settings: `fastPeriodSeconds` is a simulator-only Period GetMonitorData accepts besides 60 and 300. */
  monitor: { fastPeriodSeconds?: number };
  /** A signed, expiring download URL for this code package. */
  codeUrl(sha256: string, code: Buffer): string;
  /** Called after a state change so that a dataDir snapshot can be written. */
  changed(): void;
}

/** What the request log records about a call (filled in by handlers as they learn it). */
export interface CallNote { namespace?: string; functionName?: string; qualifier?: string }

export interface CallCtx {
  sim: Sim;
  secretId: string;
  account: AccountState;
  region: string;
  requestId: string;
  params: Params;
  note: CallNote;
}

export type ActionHandler = (c: CallCtx) => Promise<Record<string, unknown>> | Record<string, unknown>;
