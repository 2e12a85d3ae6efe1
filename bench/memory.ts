/** Peak RSS growth of one large burst (bench/memory-process.ts), raw vs through the activities. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REGION } from './clients';
import { MEMORY_FN } from './memory-process';
import type { BenchSimulator } from './sim';
import { round } from './util';

const run = promisify(execFile);

export interface MemoryResult {
  calls: number;
  raw: { peakRssDeltaMiB: number; failed: number; wallMs: number };
  activities: { peakRssDeltaMiB: number; failed: number; wallMs: number };
  /** activities peak RSS delta / raw peak RSS delta. */
  activitiesVsRaw: number;
}

async function once(mode: 'raw' | 'activities', calls: number, endpoint: string) {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(__dirname, 'memory-process.ts'), mode, String(calls), endpoint], {
    maxBuffer: 1 << 20,
  });
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as { failed: number; wallMs: number; peakRssDelta: number };
  return { peakRssDeltaMiB: round(r.peakRssDelta / 2 ** 20, 1), failed: r.failed, wallMs: round(r.wallMs, 0) };
}

export async function runMemory(sim: BenchSimulator, calls: number, log: (line: string) => void): Promise<MemoryResult> {
  await sim.seedFunction(MEMORY_FN, REGION);
  await sim.setRateLimits({ GetFunction: 10_000 });
  try {
    const raw = await once('raw', calls, sim.endpoint);
    log(`  memory raw: +${raw.peakRssDeltaMiB} MiB peak RSS for ${calls} calls at once (${raw.failed} failed)`);
    const activities = await once('activities', calls, sim.endpoint);
    log(`  memory activities: +${activities.peakRssDeltaMiB} MiB peak RSS for ${calls} calls at once (${activities.failed} failed)`);
    return { calls, raw, activities, activitiesVsRaw: round(activities.peakRssDeltaMiB / Math.max(0.1, raw.peakRssDeltaMiB), 2) };
  } finally {
    await sim.setRateLimits({ GetFunction: 100 });
  }
}
