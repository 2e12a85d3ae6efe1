/**
 * `npm run soak` (`-- --short` for CI, `-- --seed <n>` to replay a run): real processes on loopback
 * (the Temporal dev server on a SQLite file, the SCF simulator, two or more worker processes), a
 * batch of releases through the client API, and a seeded chaos driver that SIGKILLs workers,
 * restarts the dev server and injects SCF faults. Then the auditor checks the invariants from the
 * simulator's state and request log and the workflows' results and histories.
 *
 * Writes test-output/soak/soak-<mode>-<time>.json (the figures) and a summary on stdout; each
 * process's log stays in the run's folder. Exits 1 on any violation or problem, 0 otherwise.
 * Everything it starts is stopped on exit, on failure and on SIGINT/SIGTERM.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleReleaseWorkflows } from '../../worker/workflow-bundle';
import { connectTemporalAt, type TemporalTarget } from '../../client/connection';
import type { RequestLogEntry } from '../../simulator';
import { functionLockId } from '../../workflows/definitions';
import { scanHistoryForSecrets } from '../harness/history-secrets';
import { freePort } from '../harness/ports';
import { OUTPUT_DIR } from '../harness/paths';
import { audit, type AuditedRelease, type Violation } from './auditor';
import { ChaosDriver, planChaos } from './chaos';
import { activityAttempts, lockWindow, takeovers, workflowTaskTimeouts, type ActivityAttempt } from './histories';
import { within } from '../harness/within';
import { localWorkerEnv, startSoakDevServer, startSoakSimulator, startSoakWorker, type SoakDevServer, type SoakSimulator, type SoakWorker } from './processes';
import { EXISTING_TARGETS, OLD_CODE, planReleases, PRIMARY, runLane, type StartedSoakRelease } from './releases';

interface Mode {
  name: 'short' | 'full';
  functions: number;
  releasesPerFunction: number;
  workers: number;
  kills: number;
  restarts: number;
  faultsPerKind: number;
  chaosStartMs: number;
  chaosWindowMs: number;
  /** Releases still running this long after the batch started are a problem. */
  deadlineMs: number;
}

const MODES: Record<Mode['name'], Mode> = {
  short: { name: 'short', functions: 4, releasesPerFunction: 4, workers: 2, kills: 3, restarts: 1, faultsPerKind: 1, chaosStartMs: 3_000, chaosWindowMs: 45_000, deadlineMs: 4 * 60_000 },
  full: { name: 'full', functions: 6, releasesPerFunction: 10, workers: 3, kills: 6, restarts: 4, faultsPerKind: 4, chaosStartMs: 3_000, chaosWindowMs: 4 * 60_000, deadlineMs: 20 * 60_000 },
};

function parseArgs(argv: string[]): { mode: Mode; seed: number } {
  const mode = argv.includes('--short') ? MODES.short : MODES.full;
  const i = argv.indexOf('--seed');
  const seed = i >= 0 ? Number(argv[i + 1]) : Date.now() % 1_000_000;
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${argv[i + 1]}`);
  return { mode, seed };
}

const log = (line: string) => process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** The worker processes: kills on request and replaces every worker that is gone (bounded). */
class WorkerPool {
  readonly all: SoakWorker[] = [];
  readonly unexpectedExits: Array<{ pid: number; code: number | null; signal: string | null; log: string }> = [];
  private readonly killed = new Set<number>();
  private stopping = false;
  private replacements = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly logDir: string,
    private readonly maxReplacements: number,
  ) {}

  alive(): SoakWorker[] {
    return this.all.filter((w) => w.alive());
  }

  start(): SoakWorker {
    const logFile = path.join(this.logDir, `worker-${this.all.length + 1}.log`);
    const worker = startSoakWorker(this.env, logFile);
    this.all.push(worker);
    void worker.exited.then((exit) => {
      if (this.stopping || this.killed.has(worker.pid)) return;
      this.unexpectedExits.push({ pid: worker.pid, code: exit.code, signal: exit.signal, log: logFile });
      log(`worker ${worker.pid} exited on its own (${JSON.stringify(exit)}); see ${logFile}`);
      if (this.replacements++ < this.maxReplacements) this.start();
    });
    return worker;
  }

  async kill(pick: number): Promise<{ pid: number; at: number } | undefined> {
    const alive = this.alive();
    if (alive.length === 0) return undefined;
    const victim = alive[pick % alive.length]!;
    this.killed.add(victim.pid);
    const at = Date.now();
    await victim.kill();
    const replacement = this.start();
    await within(replacement.ready, 90_000, `replacement worker ${replacement.pid} running`).catch((err: Error) => log(err.message));
    return { pid: victim.pid, at };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.all.map((w) => w.stop()));
  }
}

const stops: Array<() => Promise<void>> = [];
async function stopEverything(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) await stop().catch((err: Error) => log(`cleanup: ${err.message}`));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : undefined;
};
const count = <T>(xs: T[], key: (x: T) => string) => xs.reduce<Record<string, number>>((acc, x) => ((acc[key(x)] = (acc[key(x)] ?? 0) + 1), acc), {});

async function main(): Promise<number> {
  const { mode, seed } = parseArgs(process.argv.slice(2));
  const began = Date.now();
  const runDir = path.join(OUTPUT_DIR, 'soak', 'runs', `${mode.name}-${began}-${process.pid}`);
  const packageDir = path.join(runDir, 'packages');
  for (const dir of [runDir, packageDir, path.join(runDir, 'logs')]) mkdirSync(dir, { recursive: true });
  log(`${mode.name} soak, seed ${seed}, in ${runDir}`);

  // The processes: dev server on SQLite, simulator, a prebuilt workflow bundle for the workers.
  const [port, uiPort, simPort] = [await freePort(), await freePort(), await freePort()];
  const bundleFile = path.join(runDir, 'workflow-bundle.js');
  const [server, sim] = await Promise.all([
    startSoakDevServer({ dataDir: path.join(runDir, 'temporal'), port, uiPort }).then((s: SoakDevServer) => (stops.push(() => s.stop()), s)),
    startSoakSimulator({ port: simPort, delayMs: 300, seed, logFile: path.join(runDir, 'logs', 'simulator.log') }).then((s: SoakSimulator) => (stops.push(() => s.stop()), s)),
    bundleReleaseWorkflows().then(({ code }) => writeFileSync(bundleFile, code)),
  ]);
  let simulatorDied: string | undefined;
  void sim.exited.then((e) => (simulatorDied = `the simulator process exited during the soak (${JSON.stringify(e)})`));
  log(`dev server ${server.address}, simulator ${sim.url}`);

  const temporal: TemporalTarget = await connectTemporalAt(server.address, 'default', `http://127.0.0.1:${uiPort}`);
  stops.push(() => temporal.close());

  // The world: every function in the primary and the existing targets, at version 1 of the old code.
  const functions = Array.from({ length: mode.functions }, (_, i) => `soak-${seed}-${i}`);
  const seeded = functions.flatMap((functionName) => [PRIMARY, ...EXISTING_TARGETS].map((region) => ({ region, namespace: 'default', functionName })));
  for (const s of seeded) await sim.admin('seedFunction', { ...s, files: OLD_CODE, handler: 'index.main_handler', runtime: 'Nodejs18.15', publishVersions: 1 });
  await sim.admin('clearRequestLog', {});

  const taskQueue = `soak-${seed}-${process.pid}`;
  const pool = new WorkerPool(
    localWorkerEnv(
      { temporalAddress: server.address, taskQueue, bundleFile, simulatorUrl: sim.url, runDir, packageDir },
      { SCF_RATE_LIMIT_SHARE: `1/${mode.workers}` },
    ),
    path.join(runDir, 'logs'),
    mode.kills + 10,
  );
  stops.push(() => pool.stop());
  const first = Array.from({ length: mode.workers }, () => pool.start());
  await within(Promise.all(first.map((w) => w.ready)), 120_000, 'the first workers running');
  log(`${mode.workers} workers running (${first.map((w) => w.pid).join(', ')})`);

  // The batch and the chaos, side by side.
  const batchStart = Date.now();
  const deadline = batchStart + mode.deadlineMs;
  const started: StartedSoakRelease[] = [];
  const chaos = new ChaosDriver(
    planChaos({ seed, startMs: mode.chaosStartMs, windowMs: mode.chaosWindowMs, kills: mode.kills, restarts: mode.restarts, faultsPerKind: mode.faultsPerKind }),
    {
      killWorker: (pick) => pool.kill(pick),
      restartServer: () => server.restart(),
      admin: (name, body) => sim.admin(name, body),
      seeded: seeded.map(({ region, functionName }) => ({ region, functionName })),
      log,
    },
  );
  const chaosRun = chaos.run();
  const laneCtx = { client: () => temporal.client, taskQueue, packageDir, deadline, log };
  await Promise.all(planReleases(seed, functions, mode.releasesPerFunction).map((lane) => runLane(laneCtx, lane, started)));
  await chaos.stop();
  await chaosRun;
  const batchMs = Date.now() - batchStart;
  await sim.admin('clearFaults', {});
  log(`batch done in ${Math.round(batchMs / 1000)} s`);

  // Evidence: histories, lock workflows, simulator state and request log.
  const attempts: ActivityAttempt[] = [];
  let workflowTaskTimeoutCount = 0;
  const audited: AuditedRelease[] = [];
  for (const r of started) {
    let window: AuditedRelease['lockWindow'];
    if (r.workflowId) {
      const events = (await temporal.client.workflow.getHandle(r.workflowId).fetchHistory()).events ?? [];
      window = lockWindow(events, r.namespace, r.functionName, Date.now());
      attempts.push(...activityAttempts(events));
      workflowTaskTimeoutCount += workflowTaskTimeouts(events);
    }
    audited.push({ ...r, ...(window && { lockWindow: window }) });
  }
  const runningLocks: string[] = [];
  for (const fn of functions) {
    const id = functionLockId('default', fn);
    const status = await temporal.client.workflow.getHandle(id).describe().then((d) => d.status.name, () => 'NOT_FOUND');
    if (status === 'RUNNING') runningLocks.push(id);
  }
  const [state, requestLog] = [await sim.state(), await sim.requestLog()];
  const violations: Violation[] = audit({ state, requestLog, releases: audited, seeded, runningLocks });
  // Every release's history (its lock's too), payloads decoded with the client's data converter.
  const secretsScan = { workflows: 0, payloadsDecoded: 0 };
  for (const r of started.filter((x) => x.workflowId)) {
    const scan = await scanHistoryForSecrets(temporal.client, r.workflowId);
    secretsScan.workflows += scan.workflowIds.length;
    secretsScan.payloadsDecoded += scan.payloadsDecoded;
    for (const f of scan.findings) {
      violations.push({ invariant: 'no-secret', workflowId: f.workflowId, functionName: r.functionName, detail: `${f.looksLike} at ${f.where}${f.activity ? ` (${f.activity})` : ''} ${f.path}` });
    }
  }

  const problems = [
    ...started.filter((r) => r.problem).map((r) => `${r.workflowId || r.releaseId}: ${r.problem}`),
    ...pool.unexpectedExits.map((e) => `worker ${e.pid} exited on its own (code ${e.code}, signal ${e.signal}); see ${e.log}`),
    ...chaos.figures.failed.map((f) => `chaos event failed: ${f}`),
    ...(simulatorDied ? [simulatorDied] : []),
    ...(chaos.figures.restarts.length < mode.restarts ? [`only ${chaos.figures.restarts.length} of ${mode.restarts} dev-server restarts happened before the batch ended`] : []),
  ];
  const takeover = takeovers(chaos.figures.kills, attempts);
  const retriedAfterMs = takeover.flatMap((t) => t.retried.map((x) => x.afterMs));
  const report = {
    mode: mode.name,
    seed,
    startedAt: new Date(began).toISOString(),
    durationMs: Date.now() - began,
    batchMs,
    releases: {
      total: started.length,
      byOutcome: count(started, (r) => r.result?.status ?? r.workflowStatus),
      byVariant: Object.fromEntries([...new Set(started.map((r) => r.variant))].map((v) => [v, count(started.filter((r) => r.variant === v), (r) => r.result?.status ?? r.workflowStatus)])),
      abortedBySoak: started.filter((r) => r.abortedBySoak).length,
    },
    workerKills: chaos.figures.kills.length,
    devServerRestarts: chaos.figures.restarts.length,
    devServerDownMs: chaos.figures.restarts.map((r) => r.downMs),
    faultsInjected: chaos.figures.faults,
    faultsObserved: observedFaults(requestLog),
    takeover: {
      afterEachKill: takeover,
      nextCompletionOnSurvivorMs: { median: median(takeover.flatMap((t) => t.nextCompletionOnSurvivorMs ?? [])), max: Math.max(0, ...takeover.flatMap((t) => t.nextCompletionOnSurvivorMs ?? [])) },
      inFlightRetriedAfterMs: { count: retriedAfterMs.length, median: median(retriedAfterMs), max: Math.max(0, ...retriedAfterMs) },
      /** The issue's promise: every in-flight activity retried by a survivor within 30 s of a kill (a figure here, not a failure). */
      retriedLaterThan30s: retriedAfterMs.filter((ms) => ms > 30_000).length,
      workflowTaskTimeouts: workflowTaskTimeoutCount,
    },
    requests: requestLog.length,
    secretsScanned: secretsScan,
    violations,
    problems,
  };
  const reportFile = path.join(OUTPUT_DIR, 'soak', `soak-${mode.name}-${new Date(began).toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(reportFile, JSON.stringify({ ...report, releaseList: started.map(({ result, ...r }) => ({ ...r, status: result?.status, summary: result?.summary })) }, null, 2));
  printSummary(report, reportFile);
  if (violations.length === 0 && problems.length === 0) {
    for (const dir of ['artifacts', 'packages', 'temporal']) rmSync(path.join(runDir, dir), { recursive: true, force: true });
  }
  return violations.length === 0 && problems.length === 0 ? 0 : 1;
}

function observedFaults(requestLog: RequestLogEntry[]): Record<string, number> {
  return {
    throttled: requestLog.filter((e) => e.outcome === 'RequestLimitExceeded').length,
    internalError: requestLog.filter((e) => e.outcome.startsWith('InternalError')).length,
    droppedConnection: requestLog.filter((e) => e.dropped).length,
    lostResponse: requestLog.filter((e) => e.lost).length,
  };
}

function printSummary(report: {
  mode: string; seed: number; durationMs: number; releases: { total: number; byOutcome: Record<string, number>; abortedBySoak: number };
  workerKills: number; devServerRestarts: number; secretsScanned: { workflows: number; payloadsDecoded: number }; faultsInjected: Record<string, number>; faultsObserved: Record<string, number>;
  takeover: { nextCompletionOnSurvivorMs: { median?: number; max: number }; inFlightRetriedAfterMs: { count: number; median?: number; max: number }; retriedLaterThan30s: number; workflowTaskTimeouts: number };
  violations: Violation[]; problems: string[];
}, reportFile: string): void {
  const s = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
  const lines = [
    `soak (${report.mode}, seed ${report.seed}) finished in ${s(report.durationMs)}`,
    `  releases:        ${report.releases.total}  ${JSON.stringify(report.releases.byOutcome)}  (aborted by the soak: ${report.releases.abortedBySoak})`,
    `  worker kills:    ${report.workerKills}   dev-server restarts: ${report.devServerRestarts}`,
    `  faults injected: ${JSON.stringify(report.faultsInjected)}`,
    `  faults observed: ${JSON.stringify(report.faultsObserved)}`,
    `  take-over:       next activity on a survivor median ${s(report.takeover.nextCompletionOnSurvivorMs.median)}, max ${s(report.takeover.nextCompletionOnSurvivorMs.max)}; ` +
      `${report.takeover.inFlightRetriedAfterMs.count} in-flight activities retried after median ${s(report.takeover.inFlightRetriedAfterMs.median)}, max ${s(report.takeover.inFlightRetriedAfterMs.max)}; ` +
      `${report.takeover.workflowTaskTimeouts} workflow task timeouts; ${report.takeover.retriedLaterThan30s} retried later than 30 s`,
    `  secrets scan:    ${report.secretsScanned.workflows} workflow histories, ${report.secretsScanned.payloadsDecoded} payloads decoded`,
    `  violations:      ${report.violations.length}`,
    ...report.violations.map((v) => `    - [${v.invariant}] ${v.workflowId ?? ''} ${v.region ?? ''} ${v.detail}`),
    `  problems:        ${report.problems.length}`,
    ...report.problems.map((p) => `    - ${p}`),
    `  figures:         ${reportFile}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

let exiting = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (exiting) return;
    exiting = true;
    log(`${signal}: stopping everything`);
    void stopEverything().finally(() => process.exit(130));
  });
}

main()
  .then(
    (code) => code,
    (err: unknown) => {
      log(`soak failed: ${(err as Error).stack ?? String(err)}`);
      return 2;
    },
  )
  .then(async (code) => {
    await within(stopEverything(), 60_000, 'stopping everything').catch((err: Error) => log(err.message));
    process.exit(code);
  });
