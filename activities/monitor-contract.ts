/** Types of the readMonitorData activity, shared with the workflows (type-only, like contract.ts). */
import type { FunctionRef } from './contract';

export interface ReadMonitorDataInput {
  fn: FunctionRef;
  /** The published version whose metrics are read. */
  version: string;
  /** GetMonitorData's Period: 60 or 300 (the simulator also serves its fast period). */
  periodSeconds: number;
  startMs: number;
  endMs: number;
}

/** One version's figures over a window, as the metrics gate judges them. */
export interface MonitorFigures {
  invocations: number;
  errors: number;
  /** errors / invocations, in percent (0 without invocations). */
  errorRatePercent: number;
  /** Average duration over the window, weighted by invocations (0 without invocations). */
  avgDurationMs: number;
  periodSeconds: number;
  startMs: number;
  endMs: number;
}

export interface MonitorActivities {
  readMonitorData(input: ReadMonitorDataInput): Promise<MonitorFigures>;
}
