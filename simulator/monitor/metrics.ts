/**
 * What the simulator really ran, per invocation, for its Cloud Monitor (GetMonitorData): the metrics
 * SCF publishes under QCE/SCF_V2, computed from these records per period bucket.
 */

/** One invocation the simulator ran. */
export interface InvocationRecord {
  secretId: string;
  region: string;
  namespace: string;
  functionName: string;
  /** The version that ran ($LATEST or a number). */
  version: string;
  /** The alias the call named ($DEFAULT included), when it named one. */
  alias?: string;
  /** When it ended (ms since the epoch). */
  atMs: number;
  durationMs: number;
  /** The function failed: ErrMsg was set (threw, timed out, out of memory, exited). */
  error: boolean;
  /** The status code in ErrMsg (433 timeout, 434 memory, 430 user error), 200 on success. */
  statusCode: number;
}

/** The QCE/SCF_V2 metrics the simulator serves, and how each is computed from one bucket's records. */
export const SCF_METRICS: Readonly<Record<string, (records: InvocationRecord[]) => number>> = {
  Invocation: (rs) => rs.length,
  Error: (rs) => rs.filter((r) => r.error).length,
  Duration: (rs) => rs.reduce((a, r) => a + r.durationMs, 0) / rs.length,
  Http2xx: (rs) => rs.filter((r) => !r.error).length,
  Http432: (rs) => rs.filter((r) => r.statusCode === 432).length,
  Http433: (rs) => rs.filter((r) => r.statusCode === 433).length,
  Http434: (rs) => rs.filter((r) => r.statusCode === 434).length,
  Http4xx: (rs) => rs.filter((r) => r.statusCode >= 400 && r.statusCode < 500).length,
  FunctionErrorPercentage: (rs) => (100 * rs.filter((r) => r.error).length) / rs.length,
  // The simulator throttles no invocation (API rate limits answer before anything runs).
  Throttle: () => 0,
};

/** The dimensions a QCE/SCF_V2 instance is named by. */
export interface ScfDimensions {
  functionName: string;
  namespace: string;
  version?: string;
  alias?: string;
}

/** Records kept (the oldest go first; up to a tenth more between trims): hours of test traffic, bounded memory. */
const MAX_RECORDS = 500_000;

export class MetricsStore {
  private records: InvocationRecord[] = [];

  record(r: InvocationRecord): void {
    this.records.push(r);
    // Trimmed in batches of a tenth: one splice per 50,000 invocations at the cap, not one per invocation.
    if (this.records.length > MAX_RECORDS * 1.1) this.records.splice(0, this.records.length - MAX_RECORDS);
  }

  /**
   * One metric for one instance: per `periodS` bucket (aligned to the epoch) that holds invocations in
   * [startS, endS], its timestamp (seconds) and value. Buckets without invocations have no point.
   */
  series(input: { secretId: string; region: string; metric: string; dims: ScfDimensions; periodS: number; startS: number; endS: number }): {
    timestamps: number[];
    values: number[];
  } {
    const compute = SCF_METRICS[input.metric];
    if (!compute) throw new Error(`unknown metric ${input.metric}`);
    const { dims } = input;
    const buckets = new Map<number, InvocationRecord[]>();
    for (const r of this.records) {
      if (r.secretId !== input.secretId || r.region !== input.region || r.functionName !== dims.functionName || r.namespace !== dims.namespace) continue;
      if (dims.version !== undefined && r.version !== dims.version) continue;
      if (dims.alias !== undefined && r.alias !== dims.alias) continue;
      const s = r.atMs / 1000;
      if (s < input.startS || s > input.endS) continue;
      const bucket = Math.floor(s / input.periodS) * input.periodS;
      let list = buckets.get(bucket);
      if (!list) buckets.set(bucket, (list = []));
      list.push(r);
    }
    const timestamps = [...buckets.keys()].sort((a, b) => a - b);
    return { timestamps, values: timestamps.map((t) => compute(buckets.get(t)!)) };
  }
}

/** The statusCode inside an invocation's ErrMsg JSON (the simulator's and SCF's shape); 200 without an error. */
export function statusCodeOf(errMsg: string): number {
  if (!errMsg) return 200;
  try {
    const code = (JSON.parse(errMsg) as { statusCode?: unknown }).statusCode;
    return typeof code === 'number' ? code : 430;
  } catch {
    return 430;
  }
}
