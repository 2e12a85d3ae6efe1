export interface RequestLogEntry {
  time: string;
  action: string;
  region: string;
  namespace?: string;
  function?: string;
  qualifier?: string;
  /** 'OK' or the error code answered (also for lost responses: what would have been answered). */
  outcome: string;
  requestId: string;
  secretId?: string;
  /** The action ran but its response was destroyed (loseResponse). */
  lost?: boolean;
  /** The connection was dropped before the action ran (dropConnection). */
  dropped?: boolean;
  durationMs: number;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  constructor(private readonly cap = 100_000) {}
  add(e: RequestLogEntry): void {
    this.entries.push(e);
    if (this.entries.length > this.cap) this.entries.splice(0, this.entries.length - this.cap);
  }
  all(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }
  clear(): void {
    this.entries = [];
  }
}
