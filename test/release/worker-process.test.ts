/**
 * The standalone worker (`worker/main.ts`) as a real process, the way a supervisor runs it
 * (`node --import tsx worker/main.ts`, one process): configured only by its environment, pointed at the
 * run's dev server, the workflow bundle the harness built, and the in-test SCF simulator. What is
 * proved here is what the in-process tests cannot show: a SIGKILLed worker loses nothing (its
 * replacement, another process, finishes the release with one published version per region), and
 * SIGTERM drains and exits 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { ReleaseResult } from '../../workflows/definitions';
import { REPEAT_SIGNAL_WINDOW_MS } from '../../worker/shutdown-signals';
import { uniqueTaskQueue } from '../harness/temporal';
import { useScfWorld } from '../harness/use-scf-world';
import { within } from '../harness/within';
import { ALIAS, EXISTING, MISSING, PRIMARY, newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
import { countRequests, latestSha, startRelease, waitForRequest } from './world-helpers';
import { deployedWorkerEnv, killWorkerProcesses as killAll, spawnWorker, type WorkerProcess } from '../harness/worker-process';

/** The log line of the worker's first shutdown signal (worker/main.ts). */
const SHUTTING_DOWN = /"msg":"shutting down: finishing in-flight tasks"/;

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the worker process', () => {
  let artifactDir: string;
  beforeAll(() => {
    artifactDir = mkdtempSync(path.join(tmpdir(), 'worker-process-artifacts-'));
  });
  afterEach(killAll);
  // Declared before the world, so (hooks running in declaration order) no worker process outlives it.
  afterAll(async () => {
    await killAll();
    if (artifactDir) rmSync(artifactDir, { recursive: true, force: true });
  });
  const t = useScfWorld({ worker: false });

  const workerEnv = (taskQueue: string, extra: Record<string, string> = {}): Record<string, string> =>
    deployedWorkerEnv({ simulatorUrl: t.world.sim.url, packageDir: t.world.packageDir, artifactDir, taskQueue }, extra);

  /**
   * Starts a release on `taskQueue` and returns once it is mid-flight in a steady state: the primary
   * and the new region are done, the existing target is held in Updating, and the one thing running
   * is that target's waitForActive (heartbeating) with no workflow task outstanding.
   */
  async function releaseHeldMidFlight(taskQueue: string) {
    const { env, world } = t;
    const functionName = uniqueFunctionName('proc');
    await seedWorld(world, functionName);
    const pkg = world.makePackage(newCode());
    // Armed in advance, so the existing target's update stays Updating however the machine keeps up.
    world.sim.admin.holdNext({ region: EXISTING, functionName, transition: 'update' });
    const handle = await startRelease(env, { ...world, taskQueue }, releaseInput(functionName, pkg));
    await waitForRequest(world, { action: 'PublishVersion', region: PRIMARY, functionName }, 60_000);
    await waitForRequest(world, { action: 'UpdateFunctionCode', region: EXISTING, functionName }, 60_000);
    await waitForRequest(world, { action: 'GetFunctionAddress', region: MISSING, functionName }, 60_000);
    await until(
      async () => {
        const { raw } = await handle.describe();
        const pending = raw.pendingActivities ?? [];
        return (
          !raw.pendingWorkflowTask &&
          pending.length === 1 &&
          pending[0].activityType?.name === 'updateCodeAndWait' &&
          !!pending[0].lastStartedTime &&
          world.sim.admin.getFunction(EXISTING, 'default', functionName)?.status === 'Updating'
        );
      },
      30_000,
      'the release waiting on the held region alone',
    );
    return { functionName, pkg, handle };
  }

  async function expectReleasedOnce(handle: WorkflowHandle, result: ReleaseResult, functionName: string, sha256: string) {
    const { world } = t;
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('Succeeded');
    expect(countRequests(world, 'PublishVersion', functionName)).toEqual({ [PRIMARY]: 1, [EXISTING]: 1, [MISSING]: 1 });
    for (const region of [PRIMARY, EXISTING, MISSING]) {
      expect(latestSha(world, region, functionName)).toBe(sha256);
      const alias = world.sim.admin.getFunction(region, 'default', functionName)!.aliases.find((a) => a.name === ALIAS)!;
      expect(alias.weights).toEqual([]);
      expect(alias.functionVersion).toBe(result.regions.find((r) => r.region === region)!.version);
    }
    const { events } = await handle.fetchHistory();
    return events!;
  }

  /** A worker's default identity is `<pid>@<host>`. */
  const byProcess = (identity: string | null | undefined, proc: WorkerProcess) => !!identity?.startsWith(`${proc.pid}@`);

  it('when the worker process is SIGKILLed mid-release and another worker process starts, then the release completes with exactly one published version per region', async () => {
    const { world } = t;
    const taskQueue = uniqueTaskQueue('proc-kill');
    const first = spawnWorker(workerEnv(taskQueue));
    await within(first.ready, 60_000, 'first worker running', first.output);
    const { functionName, pkg, handle } = await releaseHeldMidFlight(taskQueue);

    first.signal('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const killedAt = Date.now();
    const second = spawnWorker(workerEnv(taskQueue));
    await within(second.ready, 60_000, 'second worker running', second.output);
    world.sim.admin.releaseHold({ region: EXISTING, functionName });

    const result = await within(handle.result(), 90_000, 'the release result', second.output);
    const takeOverMs = Date.now() - killedAt;
    const events = await expectReleasedOnce(handle, result, functionName, pkg.sha256);

    // Both processes ran workflow tasks: the second replayed the first one's history and carried on.
    const identities = new Set(events.map((e) => e.workflowTaskStartedEventAttributes?.identity).filter(Boolean));
    expect([...identities].filter((id) => byProcess(id, first))).toHaveLength(1);
    expect([...identities].filter((id) => byProcess(id, second))).toHaveLength(1);
    expect(identities.size).toBe(2);
    // The waitForActive the first process was running when it died was retried by the second one.
    const retried = events.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 0) >= 2);
    expect(retried.map((e) => byProcess(e.activityTaskStartedEventAttributes!.identity, second))).toEqual([true]);

    second.signal('SIGTERM');
    expect(await within(second.exited, 30_000, 'second worker exit', second.output)).toEqual({ code: 0, signal: null });
    // How long the take-over took is a figure, not an expectation (no timed assertions in tests): it is
    // bounded by the waiting profile's 20 s heartbeat timeout (the dead process's attempt must time out
    // before it is retried); the workflow task itself moves at once.
    process.stderr.write(`worker-process: second worker took over and finished ${Math.round(takeOverMs / 1000)} s after the SIGKILL\n`);
  }, 180_000);

  it('when the worker process is SIGKILLed while a mutation is in flight, then the other worker retries it after the heartbeat timeout, not its 7-minute start-to-close', async () => {
    const { env, world } = t;
    const taskQueue = uniqueTaskQueue('proc-kill-mutation');
    const first = spawnWorker(workerEnv(taskQueue));
    const second = spawnWorker(workerEnv(taskQueue));
    await within(Promise.all([first.ready, second.ready]), 60_000, 'both workers running', () => first.output() + second.output());
    const functionName = uniqueFunctionName('proc-mut');
    await seedWorld(world, functionName);
    const pkg = world.makePackage(newCode());
    // The primary's UpdateFunctionCode is held unanswered: the mutation is in flight in whichever worker sent it.
    world.sim.admin.holdCall({ action: 'UpdateFunctionCode', count: 1, region: PRIMARY, functionName });
    const handle = await startRelease(env, { ...world, taskQueue }, releaseInput(functionName, pkg));
    let sender: WorkerProcess | undefined;
    await until(
      async () => {
        const [pending] = (await handle.describe()).raw.pendingActivities ?? [];
        if (world.sim.admin.heldCalls().length !== 1 || pending?.activityType?.name !== 'updateCodeAndWait' || !pending.lastStartedTime) return false;
        sender = [first, second].find((p) => byProcess(pending.lastWorkerIdentity, p));
        return true;
      },
      60_000,
      'the primary update held in flight',
    );
    const survivor = sender === first ? second : first;

    sender!.signal('SIGKILL');
    expect(await sender!.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const killedAt = Date.now();
    const result = await within(handle.result(), 120_000, 'the release result', survivor.output);
    const events = await expectReleasedOnce(handle, result, functionName, pkg.sha256);

    // The held call's caller died with the process, so SCF never performed it; the retry did it once.
    const updates = world.sim.admin.requestLog().filter((e) => e.action === 'UpdateFunctionCode' && e.region === PRIMARY && e.function === functionName);
    expect(updates.map((e) => e.outcome)).toEqual(['ABANDONED', 'OK']);
    // From the history: the update was scheduled with a heartbeat timeout well under its start-to-close,
    // and the attempt that completed was the second, started by the survivor after a heartbeat timeout.
    const EventType = temporal.api.enums.v1.EventType;
    const scheduled = events.find(
      (e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && e.activityTaskScheduledEventAttributes?.activityType?.name === 'updateCodeAndWait',
    )!;
    const options = scheduled.activityTaskScheduledEventAttributes!;
    expect(tsToMs(options.heartbeatTimeout)).toBe(20_000);
    // The mutation-and-wait profile: the wait's 5 min budget on top of the mutation's 2 min.
    expect(tsToMs(options.startToCloseTimeout)).toBe(420_000);
    const started = events.find((e) => e.activityTaskStartedEventAttributes && String(e.activityTaskStartedEventAttributes.scheduledEventId) === String(scheduled.eventId))!;
    const attempt = started.activityTaskStartedEventAttributes!;
    expect(attempt.attempt).toBe(2);
    expect(byProcess(attempt.identity, survivor)).toBe(true);
    expect(attempt.lastFailure?.timeoutFailureInfo?.timeoutType).toBe(temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    const completed = events.find((e) => e.activityTaskCompletedEventAttributes && String(e.activityTaskCompletedEventAttributes.scheduledEventId) === String(scheduled.eventId));
    expect(completed).toBeDefined();

    // A figure, not an expectation: from the kill to the survivor's retried UpdateFunctionCode reaching SCF.
    const takeOverMs = Date.parse(updates[1]!.time) - killedAt;
    process.stderr.write(`worker-process: the in-flight mutation was retried by the surviving worker ${(takeOverMs / 1000).toFixed(1)} s after the SIGKILL\n`);
  }, 240_000);

  it('when the worker process gets SIGTERM mid-release, then it drains, exits 0, and a second worker process finishes the release', async () => {
    const { world } = t;
    const taskQueue = uniqueTaskQueue('proc-term');
    const first = spawnWorker(workerEnv(taskQueue, { SCF_RELEASE_SHUTDOWN_GRACE_TIME: '2s' }));
    await within(first.ready, 60_000, 'first worker running', first.output);
    const { functionName, pkg, handle } = await releaseHeldMidFlight(taskQueue);

    first.signal('SIGTERM');
    const exit = await within(first.exited, 30_000, 'first worker exit', first.output);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(first.output()).toMatch(SHUTTING_DOWN);
    expect(first.output()).toMatch(/"msg":"worker stopped"/);
    // The hold is released only after the exit: the wait could not finish, so the worker ended it when the
    // 2 s grace time was over (handed back, below) instead of waiting for it forever. (That the grace time
    // is given to in-flight work is the next test's.)
    // The wait it could not finish was handed back as failed (WorkerShutdown), so it is retried at once
    // instead of after the 20 s heartbeat timeout a killed worker costs.
    const [handedBack] = (await handle.describe()).raw.pendingActivities ?? [];
    expect(handedBack).toMatchObject({ activityType: { name: 'updateCodeAndWait' }, attempt: 2, lastFailure: { applicationFailureInfo: { type: 'WorkerShutdown' } } });
    expect(byProcess(handedBack.lastWorkerIdentity, first)).toBe(true);

    const second = spawnWorker(workerEnv(taskQueue));
    await within(second.ready, 60_000, 'second worker running', second.output);
    world.sim.admin.releaseHold({ region: EXISTING, functionName });
    const result = await within(handle.result(), 60_000, 'the release result', second.output);
    const events = await expectReleasedOnce(handle, result, functionName, pkg.sha256);
    const identities = new Set(events.map((e) => e.workflowTaskStartedEventAttributes?.identity).filter(Boolean));
    expect([...identities].some((id) => byProcess(id, first))).toBe(true);
    expect([...identities].some((id) => byProcess(id, second))).toBe(true);
    const retried = events.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 0) >= 2);
    expect(retried.map((e) => byProcess(e.activityTaskStartedEventAttributes!.identity, second))).toEqual([true]);

    second.signal('SIGTERM');
    expect(await within(second.exited, 30_000, 'second worker exit', second.output)).toEqual({ code: 0, signal: null });
  }, 180_000);

  it('when the worker process gets SIGTERM and its in-flight activity finishes within the grace time, then it completes that activity, exits 0, and a second worker process finishes the release', async () => {
    const { world } = t;
    const taskQueue = uniqueTaskQueue('proc-drain');
    const first = spawnWorker(workerEnv(taskQueue, { SCF_RELEASE_SHUTDOWN_GRACE_TIME: '1h' }));
    await within(first.ready, 60_000, 'first worker running', first.output);
    const { functionName, pkg, handle } = await releaseHeldMidFlight(taskQueue);
    const [inFlight] = (await handle.describe()).raw.pendingActivities ?? [];

    first.signal('SIGTERM');
    await until(async () => SHUTTING_DOWN.test(first.output()), 30_000, 'the worker draining');
    // Only now can the held wait finish: the draining worker must let it, within its (1 h) grace time.
    world.sim.admin.releaseHold({ region: EXISTING, functionName });
    expect(await within(first.exited, 60_000, 'first worker exit', first.output)).toEqual({ code: 0, signal: null });

    const second = spawnWorker(workerEnv(taskQueue));
    await within(second.ready, 60_000, 'second worker running', second.output);
    const result = await within(handle.result(), 60_000, 'the release result', second.output);
    const events = await expectReleasedOnce(handle, result, functionName, pkg.sha256);
    // The wait that was in flight at the signal completed in its first attempt, in the draining process.
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityId === inFlight.activityId)!;
    const forIt = (attrs: { scheduledEventId?: unknown } | null | undefined) => !!attrs && String(attrs.scheduledEventId) === String(scheduled.eventId);
    const started = events.find((e) => forIt(e.activityTaskStartedEventAttributes))!.activityTaskStartedEventAttributes!;
    expect(scheduled.activityTaskScheduledEventAttributes!.activityType?.name).toBe('updateCodeAndWait');
    expect(started.attempt).toBe(1);
    expect(byProcess(started.identity, first)).toBe(true);
    expect(events.some((e) => forIt(e.activityTaskCompletedEventAttributes))).toBe(true);
    expect(events.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 0) >= 2)).toEqual([]);

    second.signal('SIGTERM');
    expect(await within(second.exited, 30_000, 'second worker exit', second.output)).toEqual({ code: 0, signal: null });
  }, 180_000);

  it('when a second SIGTERM comes more than a second into the drain, then the process exits 143 at once', async () => {
    const { world } = t;
    const taskQueue = uniqueTaskQueue('proc-term-twice');
    const proc = spawnWorker(workerEnv(taskQueue, { SCF_RELEASE_SHUTDOWN_GRACE_TIME: '1h' }));
    await within(proc.ready, 60_000, 'worker running', proc.output);
    const { functionName, handle } = await releaseHeldMidFlight(taskQueue);
    try {
      proc.signal('SIGTERM');
      await until(async () => SHUTTING_DOWN.test(proc.output()), 30_000, 'the worker draining');
      // The worker logged its first signal after it noted the time of it: a signal sent once the window
      // since that log line is over reaches it after the window, however slowly either side runs. (A repeat
      // within the window is ignored: test/worker/shutdown-signals.test.ts, with a clock the test moves.)
      const firstAt = (JSON.parse(proc.output().split('\n').find((line) => SHUTTING_DOWN.test(line))!) as { time: number }).time;
      while (Date.now() <= firstAt + REPEAT_SIGNAL_WINDOW_MS) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(proc.child.exitCode).toBeNull(); // still draining: the held wait has an hour
      proc.signal('SIGTERM');
      // 143, not the 0 of a finished drain: it exited while the held wait was still in flight.
      expect(await within(proc.exited, 30_000, 'worker exit', proc.output)).toEqual({ code: 143, signal: null });
      expect(proc.output()).toMatch(/"msg":"second signal while draining: exiting now/);
    } finally {
      world.sim.admin.releaseHold({ region: EXISTING, functionName });
      await handle.terminate('test over: its worker was made to exit mid-release');
    }
  });

  it('when the worker process gets SIGTERM while idle, then it exits 0 at once', async () => {
    // With an hour's grace time, exiting at all shows it had nothing to wait for.
    const proc = spawnWorker(workerEnv(uniqueTaskQueue('proc-idle'), { SCF_RELEASE_SHUTDOWN_GRACE_TIME: '1h' }));
    await within(proc.ready, 60_000, 'worker running', proc.output);
    proc.signal('SIGTERM');
    expect(await within(proc.exited, 60_000, 'worker exit', proc.output)).toEqual({ code: 0, signal: null });
  });

  it.each([
    ['SCF_RELEASE_SHUTDOWN_GRACE_TIME is not a duration', 'SCF_RELEASE_SHUTDOWN_GRACE_TIME', { SCF_RELEASE_SHUTDOWN_GRACE_TIME: 'soon' }],
    ['SCF_RELEASE_WORKFLOW_BUNDLE names no file', 'SCF_RELEASE_WORKFLOW_BUNDLE', { SCF_RELEASE_WORKFLOW_BUNDLE: path.join(tmpdir(), 'no-such-bundle', 'workflow-bundle.js') }],
    ['SCF_RELEASE_WORKFLOW_BUNDLE names a directory', 'SCF_RELEASE_WORKFLOW_BUNDLE', { SCF_RELEASE_WORKFLOW_BUNDLE: tmpdir() }],
  ])('when %s, then the process exits non-zero naming the variable', async (_case, variable, extra) => {
    const proc = spawnWorker(workerEnv(uniqueTaskQueue('proc-config'), extra));
    const exit = await within(proc.exited, 30_000, 'worker exit', proc.output);
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(proc.output()).toContain(variable);
    expect(proc.output()).not.toMatch(/"msg":"starting the scf-release worker"/);
  });
});
