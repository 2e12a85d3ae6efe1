/**
 * `npm run bench`: the rate-limit burst (raw / naive retry / activities), several worker processes on
 * one account (static share), the limiter's overhead at a high limit, and the memory of a large burst,
 * all against a local SCF simulator (never Tencent Cloud). Prints markdown tables and writes bench/results/latest.json. `--quick`: smaller sizes,
 * for checking the bench itself.
 *
 * Only ratios and counts within one run are meaningful; nothing here asserts an absolute time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCrossWorker, type CrossWorkerScenario } from './cross-worker';
import { runMemory } from './memory';
import { runOverhead } from './overhead';
import { runBurst, type BurstScenario, type WayResult } from './rate-limit-burst';
import { burstTable, crossWorkerTable, memoryTable, overheadTable } from './report';
import { startBenchSimulator } from './sim';

const quick = process.argv.includes('--quick');
const log = (line: string) => process.stderr.write(line + '\n');

const SCENARIOS: BurstScenario[] = quick
  ? [
      { name: 'address', action: 'GetFunctionAddress', calls: 60, functions: 10, limit: 20 },
      { name: 'get', action: 'GetFunction', calls: 150, functions: 10, limit: 100 },
      { name: 'publish', action: 'PublishVersion', calls: 30, functions: 30, limit: 20 },
      { name: 'address-shared', action: 'GetFunctionAddress', calls: 40, functions: 10, limit: 20, enforcedLimit: 10 },
    ]
  : [
      { name: 'address', action: 'GetFunctionAddress', calls: 200, functions: 20, limit: 20 },
      { name: 'get', action: 'GetFunction', calls: 300, functions: 30, limit: 100 },
      { name: 'publish', action: 'PublishVersion', calls: 60, functions: 60, limit: 20 },
      // Half the account's GetFunctionAddress quota used by someone else: the limiter still believes
      // 20/s, the simulator allows 10/s. Exercises the slowdown on throttle and the internal retries.
      { name: 'address-shared', action: 'GetFunctionAddress', calls: 100, functions: 20, limit: 20, enforcedLimit: 10 },
    ];
const CROSS_WORKER: CrossWorkerScenario[] = quick
  ? [
      { name: 'address', action: 'GetFunctionAddress', calls: 40, functions: 10, workers: [2, 4] },
      { name: 'publish', action: 'PublishVersion', calls: 40, functions: 40, workers: [4] },
    ]
  : [
      // 8: per-process buckets of 2.25/s, where the bucket's floor of one token of burst shows.
      { name: 'address', action: 'GetFunctionAddress', calls: 200, functions: 20, workers: [2, 4, 8] },
      { name: 'publish', action: 'PublishVersion', calls: 100, functions: 100, workers: [2, 4, 8] },
    ];
const OVERHEAD = quick ? { calls: 500, concurrency: 16, rounds: 3 } : { calls: 1000, concurrency: 16, rounds: 9 };
const MEMORY_CALLS = quick ? 500 : 3000;

async function main(): Promise<void> {
  const t0 = performance.now();
  const loadBefore = os.loadavg()[0]!;
  const sim = await startBenchSimulator();
  log(`simulator (pid ${sim.pid}) at ${sim.url}`);
  try {
    log('rate-limit bursts:');
    const bursts: WayResult[] = [];
    for (const s of SCENARIOS) bursts.push(...(await runBurst(sim, s, log)));
    log('several worker processes on one account:');
    const crossWorker = await runCrossWorker(sim, CROSS_WORKER, log);
    log('limiter overhead at a high limit:');
    const overhead = await runOverhead(sim, OVERHEAD, log);
    log('memory of a large burst:');
    const memory = await runMemory(sim, MEMORY_CALLS, log);
    const totalSeconds = Math.round((performance.now() - t0) / 100) / 10;

    const meta = {
      date: new Date().toISOString(),
      command: `npm run bench${quick ? ' -- --quick' : ''}`,
      quick,
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      totalSeconds,
      /** 1-minute load average before and after: other work on the machine skews the timings. */
      loadAverage: [Math.round(loadBefore * 100) / 100, Math.round(os.loadavg()[0]! * 100) / 100],
    };
    const md = [
      `## scf-release bench — ${meta.date.slice(0, 10)}, ${meta.cpus} cores (${meta.cpuModel}), Node ${meta.node}, \`${meta.command}\`, ${totalSeconds} s, load average ${meta.loadAverage[0]} → ${meta.loadAverage[1]}`,
      '',
      '### Bursts above the rate limit (raw / naive retry / activities)',
      '',
      burstTable(bursts),
      '',
      '### Several worker processes on one account (static share)',
      '',
      crossWorkerTable(crossWorker),
      '',
      '### Limiter overhead at a high limit',
      '',
      overheadTable(overhead),
      '',
      '### Memory of a large burst',
      '',
      memoryTable(memory),
      '',
    ].join('\n');
    process.stdout.write(md);
    const dir = path.join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'latest.json'), JSON.stringify({ meta, bursts, crossWorker, overhead, memory }, null, 2) + '\n');
    log(`wrote ${path.relative(process.cwd(), path.join(dir, 'latest.json'))}`);
  } finally {
    await sim.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
