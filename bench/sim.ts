/**
 * The bench's handle on the simulator child process (bench/sim-process.ts): its endpoint and the
 * admin API over HTTP (`/_admin/<method>`, see simulator/admin.ts).
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { RequestLogEntry } from '../simulator';

export interface BenchSimulator {
  endpoint: string;
  url: string;
  pid: number;
  seedFunction(functionName: string, region: string): Promise<void>;
  setRateLimits(limits: Record<string, number>): Promise<void>;
  requestLog(): Promise<RequestLogEntry[]>;
  clearRequestLog(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBenchSimulator(): Promise<BenchSimulator> {
  const child = fork(path.join(__dirname, 'sim-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ endpoint: string; url: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { endpoint: string; url: string }));
    child.once('exit', (code) => reject(new Error(`simulator process exited with code ${code} before listening`)));
    child.once('error', reject);
  });

  const admin = async (method: 'GET' | 'POST', name: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${ready.url}/_admin/${name}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const out = (await res.json()) as unknown;
    if (!res.ok) throw new Error(`simulator admin ${name}: HTTP ${res.status} ${JSON.stringify(out)}`);
    return out;
  };

  return {
    endpoint: ready.endpoint,
    url: ready.url,
    pid: child.pid!,
    async seedFunction(functionName, region) {
      await admin('POST', 'seedFunction', {
        region,
        namespace: 'default',
        functionName,
        files: { 'index.js': 'exports.main_handler = async (event) => ({ ok: true, event });\n' },
        handler: 'index.main_handler',
        runtime: 'Nodejs18.15',
      });
    },
    async setRateLimits(limits) {
      await admin('POST', 'setRateLimits', limits);
    },
    async requestLog() {
      return (await admin('GET', 'requestLog')) as RequestLogEntry[];
    },
    async clearRequestLog() {
      await admin('POST', 'clearRequestLog', {});
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.send('stop');
      await exited;
    },
  };
}
