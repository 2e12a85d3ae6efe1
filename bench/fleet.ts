/**
 * `npm run bench:fleet`: N functions, each to a primary and two targets updated in place with one
 * verification case, against the SCF simulator with its documented rate limits and 300 ms
 * transitions, one Temporal dev server, worker process(es) and the simulator on this machine, in one
 * run, three ways, interleaved:
 *   - project: N releases through the project (client/api.ts, one worker process unless --workers);
 *   - all:     a `Promise.all` script with the official SDK (bench/fleet-script.ts);
 *   - loop:    a for-loop script with the official SDK (only up to --loop-max functions: it takes
 *              about 2 s per function-region).
 * Also the single-release overhead (one function released alone with startRelease, as
 * `scf-release release` does; wall minus the four 300 ms transitions on its critical path; and the
 * same as a fleet of one) and, with --workers 1,2,4, the same N released by several worker processes together.
 *
 * Flags: --quick (N = 10 once, loop on 3 functions: CI proves the bench works), --n 10,100,500,
 * --rounds 3, --loop-max 10, --ways project,all,loop, --workers 1 (e.g. 1,2,4: the project at the largest N ≤ 100 per count),
 * --worker-heap-mib 512 (the workers' V8 old-space cap: is a peak RSS retained memory, or a heap the
 * GC let grow because nothing asked it not to?).
 * Prints markdown and writes bench/results/fleet-latest.json. Nothing here asserts a time.
 */
import { spawn } from 'node:child_process';
import { sha256Hex } from '../simulator/hash';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleReleaseWorkflows } from '../worker/workflow-bundle';
import { startFleet, startRelease } from '../client/api';
import { startDevServer } from '../client/dev/temporal-server';
import { createZip } from '../simulator/zip';
import { freePort } from '../test/harness/ports';
import { localWorkerEnv, startSoakSimulator, startSoakWorker, type SoakSimulator, type SoakWorker } from '../test/soak/processes';
import { fleetChildWorkflowId, MAX_FLEET_CONCURRENCY, type FleetResult, type ReleaseInput, type ReleaseResult } from '../workflows/definitions';
import { cpuSeconds, findPid, sampleRss } from './proc-stats';
import { releaseTimeSplit, spreadSample, type ReleaseTimeSplit } from './release-time-split';
import { median, pool, round } from './util';

const argv = process.argv.slice(2);
const flag = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const quick = argv.includes('--quick');
const SIZES = quick ? [10] : (flag('n') ?? '10,100').split(',').map(Number);
const ROUNDS = quick ? 1 : Number(flag('rounds') ?? 3);
const LOOP_MAX = quick ? 3 : Number(flag('loop-max') ?? 10);
const WORKER_COUNTS = quick ? [1] : (flag('workers') ?? '1').split(',').map(Number);
const WORKER_HEAP_MIB = flag('worker-heap-mib');
const SINGLE_ROUNDS = quick ? 1 : 5;
const WAYS = (flag('ways') ?? 'project,all,loop').split(',') as Way[];
const TRANSITION_MS = 300;
/** Longer than the liveness window in which a stopped worker still counts (client/worker-presence.ts). */
const SHARE_SETTLE_MS = 150_000;
const PRIMARY = 'ap-guangzhou';
const TARGETS = ['ap-shanghai', 'ap-singapore'];
const REGIONS = [PRIMARY, ...TARGETS];
const PUBLISH_LIMIT = 20;
/** Transitions on one release's critical path: the primary's update and publish, then each target's (in parallel). */
const CRITICAL_TRANSITIONS_MS = 4 * TRANSITION_MS;

const OLD_CODE = { 'index.js': "exports.main_handler = async (event) => ({ ok: true, version: 'v1', echo: event });\n" };
const NEW_CODE = { 'index.js': "exports.main_handler = async (event) => ({ ok: true, version: 'v2', echo: event });\n" };
const log = (line: string) => process.stderr.write(line + '\n');

type Way = 'project' | 'all' | 'loop';

interface RunResult {
  way: Way;
  n: number;
  workers: number;
  functionRegions: number;
  wallMs: number;
  tMinMs: number;
  failures: number;
  callsPerFunctionRegion: Record<string, number>;
  scfCalls: number;
  throttled: number;
  throttledShare: number;
  /** CPU-seconds per function-region by process. */
  cpuPerFunctionRegion: Record<string, number>;
  /** Per 20/s action: first and last OK answer, OK per second between them (pacing()). */
  pacing: ReturnType<typeof pacing>;
  workerPeakRssMiB?: number;
  /** Project runs: where the releases' time went (release-time-split.ts), over TIME_SPLIT_SAMPLE of them. */
  timeSplit?: ReleaseTimeSplit;
}

/** Releases per project run whose histories say where the time went (spread over the fleet). */
const TIME_SPLIT_SAMPLE = 9;

interface Stack {
  sim: SoakSimulator;
  client: Client;
  temporalPid: number;
  workers: SoakWorker[];
  zipFile: string;
  pkg: { location: string; sha256: string };
  runDir: string;
  startWorkers(count: number): Promise<void>;
  stop(): Promise<void>;
}

async function startStack(): Promise<Stack> {
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'scf-bench-fleet-'));
  const packageDir = path.join(runDir, 'packages');
  mkdirSync(packageDir, { recursive: true });
  mkdirSync(path.join(runDir, 'logs'), { recursive: true });
  const port = await freePort();
  const server = await startDevServer({ port, uiPort: await freePort() });
  const temporalPid = findPid(['start-dev', String(port)]);
  if (!temporalPid) throw new Error('the dev server process was not found in /proc');
  const sim = await startSoakSimulator({ port: await freePort(), delayMs: TRANSITION_MS, seed: 1, logFile: path.join(runDir, 'logs', 'sim.log') });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const bundleFile = path.join(runDir, 'workflow-bundle.js');
  // The bundle a deployed worker runs without OTEL_EXPORTER_OTLP_ENDPOINT (no tracing interceptors).
  const { code } = await bundleReleaseWorkflows();
  writeFileSync(bundleFile, code);
  const zip = createZip(NEW_CODE);
  const sha256 = sha256Hex(zip);
  const zipFile = path.join(packageDir, `${sha256}.zip`);
  writeFileSync(zipFile, zip);
  const workerEnv = localWorkerEnv(
    { temporalAddress: server.address, taskQueue: 'bench-fleet', bundleFile, simulatorUrl: sim.url, runDir, packageDir },
    { SCF_EXPECTED_TRANSITION: `${TRANSITION_MS}ms`, ...(WORKER_HEAP_MIB && { NODE_OPTIONS: `--max-old-space-size=${Number(WORKER_HEAP_MIB)}` }) },
  );
  const stack: Stack = {
    sim,
    client,
    temporalPid,
    workers: [],
    zipFile,
    pkg: { location: zipFile, sha256 },
    runDir,
    async startWorkers(count) {
      await Promise.all(stack.workers.map((w) => w.stop()));
      const logFiles = Array.from({ length: count }, (_, i) => path.join(runDir, 'logs', `worker-${count}-${i}.log`));
      stack.workers = logFiles.map((logFile) => startSoakWorker(workerEnv, logFile));
      await Promise.all(stack.workers.map((w) => w.ready));
      if (count > 1) await sharesSettled(logFiles, count);
    },
    async stop() {
      await Promise.all(stack.workers.map((w) => w.stop()));
      await connection.close();
      await sim.stop();
      await server.stop();
    },
  };
  return stack;
}

/**
 * Waits until every worker says it takes 1/count of the limits (worker/peer-share.ts). The workers
 * just stopped still count for up to the liveness window (client/worker-presence.ts, 2 minutes), and
 * until they age out the new ones run at a smaller share: safe, but not what the run should measure.
 * Bounded: past SHARE_SETTLE_MS it goes on and says so.
 */
async function sharesSettled(logFiles: string[], count: number): Promise<void> {
  const started = performance.now();
  const lastShare = (file: string) => {
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('"msg":"rate limits: this worker takes'));
    const last = lines.at(-1);
    return last ? (JSON.parse(last) as { workers: number }).workers : undefined;
  };
  while (performance.now() - started < SHARE_SETTLE_MS) {
    if (logFiles.every((f) => lastShare(f) === count)) {
      log(`${count} workers: each takes 1/${count} after ${s((performance.now() - started))} s`);
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  log(`${count} workers: not every worker took 1/${count} within ${s(SHARE_SETTLE_MS)} s (${logFiles.map(lastShare).join(', ')}); measuring anyway`);
}

let runCounter = 0;

async function seed(stack: Stack, n: number): Promise<string[]> {
  runCounter += 1;
  const names = Array.from({ length: n }, (_, i) => `fleet-${runCounter}-${i}`);
  await pool(names.length * REGIONS.length, 16, async (k) => {
    const functionName = names[Math.floor(k / REGIONS.length)]!;
    const region = REGIONS[k % REGIONS.length]!;
    await stack.sim.admin('seedFunction', { region, namespace: 'default', functionName, files: OLD_CODE, handler: 'index.main_handler', runtime: 'Nodejs18.15' });
  });
  await stack.sim.admin('clearRequestLog', {});
  return names;
}

function releaseInput(stack: Stack, functionName: string): ReleaseInput {
  return {
    releaseId: `bench-${functionName}`,
    functionName,
    namespace: 'default',
    primaryRegion: PRIMARY,
    regions: TARGETS,
    pkg: stack.pkg,
    handler: 'index.main_handler',
    verification: [{ name: 'answers ok', event: '{"ping":1}', expect: { retMsgJsonSubset: { ok: true } } }],
    startedBy: 'bench',
  };
}

/**
 * How the project releases the fleet, as a user would: one fleet workflow (startFleet, the public
 * API) whose children are these releases, every function in one group with one package, as many
 * at once as the fleet allows (MAX_FLEET_CONCURRENCY).
 */
async function releaseAsFleet(client: Client, inputs: ReleaseInput[]): Promise<{ failures: number; releaseIds: string[] }> {
  const [first] = inputs;
  if (!first) return { failures: 0, releaseIds: [] };
  const { releaseId: _releaseId, functionName: _functionName, startedBy, kind: _kind, rollbackTo: _rollbackTo, ...template } = first;
  const fleetId = `bench-${first.functionName}`;
  const { workflowId } = await startFleet(
    client,
    {
      fleetId,
      startedBy,
      groups: [{ functions: { names: inputs.map((i) => i.functionName) }, release: template }],
      policy: { maxConcurrency: Math.min(inputs.length, MAX_FLEET_CONCURRENCY), rollbackAllOnFailure: false, waves: [] },
    },
    { taskQueue: 'bench-fleet' },
  );
  const result = (await client.workflow.getHandle(workflowId).result()) as FleetResult;
  return {
    failures: result.totals.total - result.totals.succeeded - result.totals.noOp,
    releaseIds: inputs.map((i) => fleetChildWorkflowId(fleetId, i.namespace, i.functionName)),
  };
}

async function runScript(stack: Stack, mode: 'all' | 'loop', names: string[]): Promise<{ wallMs: number; failures: number; cpuSeconds: number }> {
  const input = { endpoint: new URL(stack.sim.url).host, functions: names, primary: PRIMARY, targets: TARGETS, zipFile: stack.zipFile };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fleet-script.ts'), mode, JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) throw new Error(`fleet script ${mode} exited ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as { wallMs: number; failures: number; cpuSeconds: number };
}

/** One function's release as a user starts it alone (`startRelease`, what `scf-release release` does): its wall time. */
async function releaseAlone(stack: Stack): Promise<number> {
  const [name] = await seed(stack, 1);
  const started = performance.now();
  const { workflowId } = await startRelease(stack.client, releaseInput(stack, name!), { taskQueue: 'bench-fleet' });
  const result = (await stack.client.workflow.getHandle(workflowId).result()) as ReleaseResult;
  if (result.status !== 'Succeeded') throw new Error(`the single release ended ${result.status}: ${result.summary}`);
  return performance.now() - started;
}

async function runOnce(stack: Stack, way: Way, n: number): Promise<RunResult> {
  const names = await seed(stack, n);
  const fr = n * REGIONS.length;
  const pids = { temporal: stack.temporalPid, simulator: stack.sim.pid, ...Object.fromEntries(stack.workers.map((w, i) => [`worker${stack.workers.length > 1 ? i + 1 : ''}`, w.pid])) };
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const rss = sampleRss(stack.workers.map((w) => w.pid));
  let wallMs: number;
  let failures: number;
  let scriptCpu: number | undefined;
  let releaseIds: string[] = [];
  if (way === 'project') {
    const started = performance.now();
    ({ failures, releaseIds } = await releaseAsFleet(stack.client, names.map((name) => releaseInput(stack, name))));
    wallMs = performance.now() - started;
  } else {
    const r = await runScript(stack, way, names);
    wallMs = r.wallMs;
    failures = r.failures;
    scriptCpu = r.cpuSeconds;
  }
  const peaks = rss();
  const cpu: Record<string, number> = {};
  for (const [k, pid] of Object.entries(pids)) {
    // The workers idle while a script runs: their CPU is the project's only.
    if (way !== 'project' && k.startsWith('worker')) continue;
    cpu[k] = round((cpuSeconds(pid) - before[k]!) / fr, 4);
  }
  if (scriptCpu !== undefined) cpu.script = round(scriptCpu / fr, 4);
  const mine = new Set(names);
  const entries = (await stack.sim.requestLog()).filter((e) => e.function !== undefined && mine.has(e.function));
  const byAction: Record<string, number> = {};
  for (const e of entries) byAction[e.action] = (byAction[e.action] ?? 0) + 1;
  const throttled = entries.filter((e) => e.outcome.startsWith('RequestLimitExceeded')).length;
  const paced = pacing(entries);
  return {
    way,
    n,
    workers: stack.workers.length,
    functionRegions: fr,
    wallMs: Math.round(wallMs),
    tMinMs: (fr / PUBLISH_LIMIT) * 1000,
    failures,
    callsPerFunctionRegion: Object.fromEntries(Object.entries(byAction).sort().map(([a, c]) => [a, round(c / fr, 2)])),
    scfCalls: entries.length,
    throttled,
    throttledShare: entries.length ? throttled / entries.length : 0,
    cpuPerFunctionRegion: cpu,
    pacing: paced,
    ...(way === 'project' && {
      workerPeakRssMiB: round(Math.max(...peaks), 0),
      timeSplit: await releaseTimeSplit(stack.client, spreadSample(releaseIds, TIME_SPLIT_SAMPLE)),
    }),
  };
}

/**
 * When each 20/s action was busy: its first and last OK answer (seconds after the run's first SCF
 * call) and the OK answers per second in between. Says which limit the run waited on, and where the
 * pipeline left a queue idle (a low rate between first and last). In the JSON only.
 */
function pacing(entries: Array<{ time: string; action: string; outcome: string }>) {
  const ok = entries.filter((e) => e.outcome === 'OK');
  if (ok.length === 0) return {};
  const t0 = Math.min(...ok.map((e) => Date.parse(e.time)));
  const out: Record<string, { firstS: number; lastS: number; okPerSecond: number }> = {};
  for (const action of ['GetFunctionAddress', 'PublishVersion', 'ListVersionByFunction', 'GetFunction']) {
    const times = ok.filter((e) => e.action === action).map((e) => (Date.parse(e.time) - t0) / 1000);
    if (times.length < 2) continue;
    const firstS = Math.min(...times);
    const lastS = Math.max(...times);
    out[action] = { firstS: round(firstS, 2), lastS: round(lastS, 2), okPerSecond: round(times.length / Math.max(lastS - firstS, 0.001), 1) };
  }
  return out;
}

const s = (ms: number, digits = 1) => (ms / 1000).toFixed(digits);
const s2 = (ms: number) => s(ms, 2);
const spread = (xs: number[], f: (x: number) => string) => (xs.length > 1 ? `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})` : f(xs[0]!));

/** The runs of one row: same N, way and worker count. */
function groupRuns(runs: RunResult[]): Map<string, RunResult[]> {
  const groups = new Map<string, RunResult[]>();
  for (const r of runs) {
    const key = `${r.n}|${r.way}|${r.workers}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return groups;
}

/** A row's middle run by wall time: the one whose calls, CPU and time split the row shows. */
const medianRun = (rs: RunResult[]) => [...rs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(rs.length / 2)]!;

function table(runs: RunResult[]): string {
  const out = [
    '| N (function-regions; T_min) | way | workers | runs | wall s, median (range) | wall / T_min | failures | throttled share | SCF calls per function-region by action (median run) | CPU-s per function-region by process (median run) | worker peak RSS MiB |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|---|---:|',
  ];
  for (const rs of groupRuns(runs).values()) {
    const first = rs[0]!;
    const walls = rs.map((r) => r.wallMs);
    const mid = medianRun(rs);
    const calls = Object.entries(mid.callsPerFunctionRegion).map(([a, c]) => `${a} ${c}`).join(', ');
    const total = Object.values(mid.callsPerFunctionRegion).reduce((a, b) => a + b, 0);
    const cpu = Object.entries(mid.cpuPerFunctionRegion).map(([p, c]) => `${p} ${c.toFixed(3)}`).join(', ');
    out.push(
      `| ${first.n} (${first.functionRegions}; ${s(first.tMinMs)} s) | ${first.way} | ${first.way === 'project' ? first.workers : '—'} | ${rs.length} | ${spread(walls, s)} | ` +
        `${spread(rs.map((r) => r.wallMs / r.tMinMs), (x) => x.toFixed(2))} | ${rs.reduce((a, r) => a + r.failures, 0)} | ${spread(rs.map((r) => r.throttledShare * 100), (x) => `${x.toFixed(1)}%`)} | ` +
        `${round(total, 2)}: ${calls} | ${cpu} | ${first.way === 'project' ? spread(rs.map((r) => r.workerPeakRssMiB!), (x) => x.toFixed(0)) : '—'} |`,
    );
  }
  return out.join('\n');
}

/** Where the project's releases spent their time: each group's median run (RunResult.timeSplit). */
function timeSplitTable(runs: RunResult[]): string {
  const medians = [...groupRuns(runs.filter((r) => r.timeSplit)).values()].map(medianRun);
  if (medians.length === 0) return '';
  const kinds = [...new Set(medians.flatMap((r) => Object.keys(r.timeSplit!.activities)))].sort();
  const pair = (t: { queuedMs: number; runMs: number } | undefined) => (t ? `${s(t.queuedMs)} / ${s(t.runMs)}` : '—');
  return [
    `Where a release's time went (project runs, the median run of each row above; per release, the median of ${TIME_SPLIT_SAMPLE} spread over the fleet): ` +
      'seconds its tasks waited in their task queue / ran, summed over the release\'s tasks of that kind (bench/release-time-split.ts).',
    '',
    `| N | workers | release wall s | workflow tasks | ${kinds.join(' | ')} |`,
    `|---:|---:|---:|---:|${kinds.map(() => '---:').join('|')}|`,
    ...medians.map((r) => {
      const t = r.timeSplit!;
      return `| ${r.n} | ${r.workers} | ${s(t.wallMs)} | ${pair(t.workflowTasks)} | ${kinds.map((k) => pair(t.activities[k])).join(' | ')} |`;
    }),
  ].join('\n');
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const loadBefore = os.loadavg()[0]!;
  const stack = await startStack();
  log(`bench:fleet in ${stack.runDir}: dev server pid ${stack.temporalPid}, simulator pid ${stack.sim.pid}`);
  const runs: RunResult[] = [];
  const single: number[] = [];
  const fleetOfOne: number[] = [];
  const measureSingle = async () => {
    single.push(await releaseAlone(stack));
    fleetOfOne.push((await runOnce(stack, 'project', 1)).wallMs);
  };
  try {
    await stack.startWorkers(1);
    // Warm-up (not reported): the worker's first workflow tasks load the bundle.
    await runOnce(stack, 'project', 2);
    for (let round = 0; round < ROUNDS; round++) {
      for (const n of SIZES) {
        const ways = WAYS.filter((w) => w !== 'loop' || quick || n <= LOOP_MAX);
        // Interleaved: each round starts with another way, so no way always runs on a warmer machine.
        const order = ways.map((_, i) => ways[(i + round) % ways.length]!);
        for (const way of order) {
          const r = await runOnce(stack, way, way === 'loop' && quick ? LOOP_MAX : n);
          runs.push(r);
          log(`round ${round + 1} N=${r.n} ${way}: ${s(r.wallMs)} s (T_min ${s(r.tMinMs)} s), ${r.failures} failed, ${(r.throttledShare * 100).toFixed(1)}% throttled`);
        }
      }
      await measureSingle();
    }
    while (single.length < SINGLE_ROUNDS) await measureSingle();
    const crossN = Math.max(...SIZES.filter((n) => n <= 100));
    for (const count of WORKER_COUNTS.filter((c) => c > 1)) {
      try {
        await stack.startWorkers(count);
        await runOnce(stack, 'project', 2);
        const r = await runOnce(stack, 'project', crossN);
        runs.push(r);
        log(`${count} workers N=${crossN}: ${s(r.wallMs)} s, ${(r.throttledShare * 100).toFixed(1)}% throttled`);
      } catch (err) {
        // Reported, and the runs so far still printed: a long run is not lost to its last step.
        log(`${count} workers N=${crossN}: failed: ${(err as Error).stack ?? String(err)}`);
        break;
      }
    }
  } finally {
    await stack.stop();
  }
  const totalSeconds = round((performance.now() - t0) / 1000, 1);
  const meta = {
    date: new Date().toISOString(),
    command: `npm run bench:fleet${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalSeconds,
    loadAverage: [round(loadBefore), round(os.loadavg()[0]!)],
  };
  const overhead = single.map((w) => w - CRITICAL_TRANSITIONS_MS);
  const fleetOfOneOverhead = fleetOfOne.map((w) => w - CRITICAL_TRANSITIONS_MS);
  const md = [
    `## bench:fleet — ${meta.date.slice(0, 10)}, ${meta.cpus} cores (${meta.cpuModel}), Node ${meta.node}, \`${meta.command}\`, ${totalSeconds} s, load average ${meta.loadAverage[0]} → ${meta.loadAverage[1]}`,
    '',
    table(runs),
    '',
    timeSplitTable(runs),
    '',
    `Single release (1 function × 3 regions, \`startRelease\`, ${single.length} runs): wall ${spread(single, s2)} s; minus the ${CRITICAL_TRANSITIONS_MS} ms of transitions on its critical path: ${spread(overhead, s2)} s.`,
    `The same function as a fleet of one (\`startFleet\`, ${fleetOfOne.length} runs): wall ${spread(fleetOfOne, s2)} s; overhead ${spread(fleetOfOneOverhead, s2)} s.`,
    '',
  ].join('\n');
  process.stdout.write(md);
  const dir = path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, quick ? 'fleet-quick.json' : 'fleet-latest.json'), JSON.stringify({ meta, runs, single, overhead, fleetOfOne, fleetOfOneOverhead }, null, 2) + '\n');
  const failed = runs.reduce((a, r) => a + r.failures, 0);
  if (quick && failed > 0) throw new Error(`${failed} release(s) or script function(s) failed`);
}

main().catch((err) => {
  process.stderr.write(`bench:fleet: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
