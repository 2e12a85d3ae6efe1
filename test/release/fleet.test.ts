import { abortFleet, fleetReport, startFleet } from '../../client/api';
import {
  fleetChildWorkflowId,
  fleetRollbackWorkflowId,
  SA_FLEET_ID,
  SA_KIND,
  SA_STATUS,
  type CodePackage,
  type FleetGroup,
  type FleetInput,
  type FleetPolicy,
  type FleetResult,
} from '../../workflows/definitions';
import { eventually } from '../harness/eventually';
import { useScfWorld } from '../harness/use-scf-world';
import { CASES, OLD_CODE, PRIMARY, maybeRecordHistory, newCode, uniqueFunctionName } from './fixtures';
import { countRequests, latestSha, waitForRequest } from './world-helpers';

/** Always fails verification: the release of it rolls back. */
const BROKEN_CODE = { 'index.js': "exports.main_handler = async () => { throw new Error('broken build'); };\n" };

describe('a fleet release', () => {
  const t = useScfWorld();
  afterEach(() => t.world.sim.admin.clearFaults());

  function seedFunctions(prefix: string, count: number): string[] {
    const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
    for (const functionName of names) {
      t.world.sim.admin.seedFunction({ region: PRIMARY, functionName, files: OLD_CODE, handler: 'index.main_handler', runtime: 'Nodejs18.15', publishVersions: 1 });
    }
    return names;
  }

  function group(functions: FleetGroup['functions'], pkg: CodePackage): FleetGroup {
    return {
      functions,
      release: { namespace: 'default', primaryRegion: PRIMARY, regions: [], pkg, handler: 'index.main_handler', verification: [CASES[0]] },
    };
  }

  function fleetInput(groups: FleetGroup[], policy: Partial<FleetPolicy> = {}, extra: Partial<FleetInput> = {}): FleetInput {
    return {
      fleetId: uniqueFunctionName('f'),
      startedBy: 'jest',
      groups,
      policy: { maxConcurrency: 2, rollbackAllOnFailure: false, waves: [], ...policy },
      ...extra,
    };
  }

  async function runFleet(input: FleetInput): Promise<FleetResult> {
    const started = await startFleet(t.env.client, input, { taskQueue: t.world.taskQueue });
    return t.world.runWorker(() => t.env.client.workflow.getHandle(started.workflowId).result() as Promise<FleetResult>);
  }

  it('when a selection lists a namespace with more functions than one page holds, then ListFunctions narrows by SearchKey and still finds every match', async () => {
    const namespace = uniqueFunctionName('ns');
    t.world.sim.admin.seedNamespace({ region: PRIMARY, namespace });
    const prefix = uniqueFunctionName('sel');
    const seed = (functionName: string) => t.world.sim.admin.seedFunction({ region: PRIMARY, namespace, functionName, files: OLD_CODE });
    for (let i = 0; i < 150; i++) seed(`other-${i}`);
    const wanted = Array.from({ length: 3 }, (_, i) => `${prefix}-${i}`);
    wanted.forEach(seed);
    const before = t.world.sim.admin.requestLog().length;

    const found = await t.world.activities.listFunctions({ region: PRIMARY, namespace, match: `${prefix}-*` });

    expect(found.map((f) => f.functionName).sort()).toEqual(wanted);
    // One page: the 150 other functions never came back.
    expect(t.world.sim.admin.requestLog().slice(before).filter((e) => e.action === 'ListFunctions')).toHaveLength(1);
  });

  /** Start and close times of each child, as Temporal recorded them. */
  async function childTimes(fleetId: string, names: string[]) {
    return Promise.all(
      names.map(async (fn) => {
        const d = await t.env.client.workflow.getHandle(fleetChildWorkflowId(fleetId, 'default', fn)).describe();
        return { fn, start: d.startTime.getTime(), close: d.closeTime!.getTime(), d };
      }),
    );
  }

  it('when six functions are released with maxConcurrency 2, then all succeed, never more than two run at once, and each child carries FleetId', async () => {
    const names = seedFunctions(uniqueFunctionName('six'), 6);
    const pkg = t.world.makePackage(newCode());
    const input = fleetInput([group({ names }, pkg)], { maxConcurrency: 2 });

    const result = await runFleet(input);

    expect(result).toMatchObject({ status: 'Succeeded', failures: [], failuresOmitted: 0 });
    expect(result.totals).toMatchObject({ total: 6, done: 6, succeeded: 6, failed: 0, skipped: 0 });
    for (const fn of names) expect(latestSha(t.world, PRIMARY, fn)).toBe(pkg.sha256);
    const times = await childTimes(input.fleetId, names);
    for (const { start } of times) {
      const overlapping = times.filter((o) => o.start <= start && o.close > start).length;
      expect(overlapping).toBeLessThanOrEqual(2);
    }
    expect(times[0].d.typedSearchAttributes.get(SA_FLEET_ID)).toBe(input.fleetId);
    expect(times[0].d.parentExecution?.workflowId).toBe(`fleet/${input.fleetId}`);
    const parent = await t.env.client.workflow.getHandle(`fleet/${input.fleetId}`).describe();
    expect(parent.typedSearchAttributes.get(SA_KIND)).toBe('fleet');
    expect(parent.typedSearchAttributes.get(SA_STATUS)).toBe('Succeeded');
  });

  it('when a canary wave comes first, then the rest start only after the canary succeeded; when the canary fails, then the rest are skipped', async () => {
    const names = seedFunctions(uniqueFunctionName('wave'), 4);
    const pkg = t.world.makePackage(newCode());
    const input = fleetInput([group({ names }, pkg)], { maxConcurrency: 3, waves: [{ names: [names[2]] }, { percent: 100 }] });

    const result = await runFleet(input);

    expect(result.status).toBe('Succeeded');
    const times = await childTimes(input.fleetId, names);
    const canary = times.find((x) => x.fn === names[2])!;
    for (const other of times.filter((x) => x.fn !== names[2])) expect(other.start).toBeGreaterThanOrEqual(canary.close);

    const broken = seedFunctions(uniqueFunctionName('wavebad'), 3);
    const bad = fleetInput([group({ names: [broken[0]] }, t.world.makePackage(BROKEN_CODE)), group({ names: broken.slice(1) }, pkg)], {
      waves: [{ functions: 1 }, { percent: 100 }],
    });
    const badResult = await runFleet(bad);
    expect(badResult.status).toBe('Failed');
    expect(badResult.totals).toMatchObject({ total: 3, failed: 1, skipped: 2, succeeded: 0 });
    expect(badResult.failures).toEqual([expect.objectContaining({ functionName: broken[0], status: 'RolledBack' })]);
    expect(t.world.sim.admin.requestLog().filter((e) => e.action === 'UpdateFunctionCode' && broken.slice(1).includes(e.function ?? ''))).toEqual([]);
  });

  it('when stopAfterFailures is 2 and the first two releases fail, then no further release starts', async () => {
    const names = seedFunctions(uniqueFunctionName('stop'), 5);
    const input = fleetInput(
      [group({ names: names.slice(0, 2) }, t.world.makePackage(BROKEN_CODE)), group({ names: names.slice(2) }, t.world.makePackage(newCode()))],
      { maxConcurrency: 1, stopAfterFailures: 2 },
    );

    const result = await runFleet(input);

    expect(result.status).toBe('Failed');
    expect(result.totals).toMatchObject({ total: 5, failed: 2, skipped: 3, succeeded: 0 });
    expect(result.summary).toContain('stopAfterFailures: 2');
    for (const fn of names.slice(2)) expect(latestSha(t.world, PRIMARY, fn)).not.toBe(input.groups[1].release.pkg.sha256);
  });

  it('when a release of the fleet ends RollbackFailed, then the fleet ends RollbackFailed too (a person must act), not merely Failed', async () => {
    const [fn] = seedFunctions(uniqueFunctionName('needs-person'), 1);
    // The broken code fails its verification; restoring the old code is then refused for good.
    t.world.sim.admin.holdCall({ action: 'InvokeFunction', count: 1, region: PRIMARY, functionName: fn });
    const started = await startFleet(t.env.client, fleetInput([group({ names: [fn!] }, t.world.makePackage(BROKEN_CODE))]), { taskQueue: t.world.taskQueue });
    const result = await t.world.runWorker(async () => {
      await eventually(async () => t.world.sim.admin.heldCalls(), (held) => held.length === 1, 60_000);
      t.world.sim.admin.failNext({ action: 'UpdateFunctionCode', count: 100, code: 'InvalidParameterValue.Code', region: PRIMARY, functionName: fn });
      t.world.sim.admin.releaseCalls();
      return t.env.client.workflow.getHandle(started.workflowId).result() as Promise<FleetResult>;
    });

    expect(result.status).toBe('RollbackFailed');
    expect(result.failures).toEqual([expect.objectContaining({ functionName: fn, status: 'RollbackFailed' })]);
  });

  it('when rollbackAllOnFailure is on and one release fails, then the releases that succeeded are rolled back to their earlier release', async () => {
    const names = seedFunctions(uniqueFunctionName('rball'), 3);
    const first = t.world.makePackage(newCode('v1b'));
    const earlier = await runFleet(fleetInput([group({ names }, first)]));
    expect(earlier.status).toBe('Succeeded');

    const input = fleetInput(
      [group({ names: names.slice(0, 2) }, t.world.makePackage(newCode('v3'))), group({ names: [names[2]] }, t.world.makePackage(BROKEN_CODE))],
      { maxConcurrency: 1, rollbackAllOnFailure: true },
    );
    const result = await runFleet(input);

    expect(result.status).toBe('RolledBack');
    expect(result.totals).toMatchObject({ succeeded: 2, failed: 1, rolledBack: 2 });
    expect(result.rollbacks.map((r) => [r.functionName, r.status]).sort()).toEqual([[names[0], 'Succeeded'], [names[1], 'Succeeded']]);
    for (const fn of names) expect(latestSha(t.world, PRIMARY, fn)).toBe(first.sha256);
    const rollback = await t.env.client.workflow.getHandle(fleetRollbackWorkflowId(input.fleetId, 'default', names[0])).describe();
    expect(rollback.typedSearchAttributes.get(SA_KIND)).toBe('rollback');
  });

  it('when a fleet is aborted while a release is stuck, then that release compensates and the unstarted ones are skipped', async () => {
    const names = seedFunctions(uniqueFunctionName('abort'), 4);
    const pkg = t.world.makePackage(newCode());
    t.world.sim.admin.holdNext({ region: PRIMARY, functionName: names[1], transition: 'update' });
    const input = fleetInput([group({ names }, pkg)], { maxConcurrency: 1 });
    const started = await startFleet(t.env.client, input, { taskQueue: t.world.taskQueue });

    const result = await t.world.runWorker(async () => {
      await waitForRequest(t.world, { action: 'UpdateFunctionCode', region: PRIMARY, functionName: names[1] });
      const answer = await abortFleet(t.env.client, started.workflowId, { reason: 'bad day', by: 'jest' });
      expect(answer).toEqual({ accepted: true, running: 1, skipped: 2 });
      await waitForRequest(t.world, { action: 'UpdateFunctionCode', region: PRIMARY, functionName: names[1], outcome: 'FailedOperation.UpdateFunctionCode' });
      t.world.sim.admin.releaseHold({ region: PRIMARY, functionName: names[1] });
      return t.env.client.workflow.getHandle(started.workflowId).result() as Promise<FleetResult>;
    });

    expect(result.status).toBe('Aborted');
    expect(result.totals).toMatchObject({ succeeded: 1, failed: 1, skipped: 2 });
    expect(result.failures).toEqual([expect.objectContaining({ functionName: names[1], status: 'Aborted' })]);
    expect(latestSha(t.world, PRIMARY, names[1])).not.toBe(pkg.sha256);
    expect(latestSha(t.world, PRIMARY, names[3])).not.toBe(pkg.sha256);
  });

  it('when a fleet with rollbackAllOnFailure is aborted, then the running release compensates, the unstarted are skipped and the ones that succeeded are rolled back', async () => {
    const names = seedFunctions(uniqueFunctionName('abrb'), 3);
    const first = t.world.makePackage(newCode('v1c'));
    expect((await runFleet(fleetInput([group({ names }, first)]))).status).toBe('Succeeded');

    const pkg = t.world.makePackage(newCode('v4'));
    t.world.sim.admin.holdNext({ region: PRIMARY, functionName: names[1], transition: 'update' });
    const input = fleetInput([group({ names }, pkg)], { maxConcurrency: 1, rollbackAllOnFailure: true });
    // The earlier fleet updated it already: wait for one more than it made.
    const updatesBefore = countRequests(t.world, 'UpdateFunctionCode', names[1])[PRIMARY] ?? 0;
    const started = await startFleet(t.env.client, input, { taskQueue: t.world.taskQueue });
    const result = await t.world.runWorker(async () => {
      await waitForRequest(t.world, { action: 'UpdateFunctionCode', region: PRIMARY, functionName: names[1], count: updatesBefore + 1 });
      expect(await abortFleet(t.env.client, started.workflowId, { reason: 'all or nothing', by: 'jest' })).toEqual({ accepted: true, running: 1, skipped: 1, rollingBack: 1 });
      await waitForRequest(t.world, { action: 'UpdateFunctionCode', region: PRIMARY, functionName: names[1], outcome: 'FailedOperation.UpdateFunctionCode' });
      t.world.sim.admin.releaseHold({ region: PRIMARY, functionName: names[1] });
      return t.env.client.workflow.getHandle(started.workflowId).result() as Promise<FleetResult>;
    });
    await maybeRecordHistory(t.env.client.workflow.getHandle(started.workflowId), 'fleet-aborted-rollback-all');

    expect(result.status).toBe('Aborted');
    expect(result.totals).toMatchObject({ succeeded: 1, failed: 1, skipped: 1, rolledBack: 1 });
    expect(result.rollbacks.map((r) => [r.functionName, r.status])).toEqual([[names[0], 'Succeeded']]);
    expect(result.summary).toMatch(/1 rolled back; aborted by jest: all or nothing$/);
    for (const fn of names) expect(latestSha(t.world, PRIMARY, fn)).toBe(first.sha256);
  });

  it('when the fleet continues as new every two children and selects its functions by prefix, then the report query pages over every function across the runs', async () => {
    const prefix = uniqueFunctionName('can');
    const names = seedFunctions(prefix, 5);
    seedFunctions(uniqueFunctionName('other'), 1);
    const pkg = t.world.makePackage(newCode());
    const input = fleetInput([group({ match: `${prefix}-` }, pkg)], { maxConcurrency: 2 }, { childrenPerRun: 2 });

    const result = await runFleet(input);

    expect(result.totals).toMatchObject({ total: 5, succeeded: 5 });
    // Five children, two per run: three runs, two of them continued as new.
    const runs = await eventually(() => runStatuses(input.fleetId), (statuses) => statuses.length === 3);
    expect(runs.sort()).toEqual(['COMPLETED', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW']);
    const pages = await t.world.runWorker(async () => [
      await fleetReport(t.env.client, input.fleetId, { offset: 0, limit: 2 }),
      await fleetReport(t.env.client, input.fleetId, { offset: 2, limit: 2 }),
      await fleetReport(t.env.client, input.fleetId, { offset: 4, limit: 2 }),
    ]);
    expect(pages.map((p) => p.total)).toEqual([5, 5, 5]);
    const entries = pages.flatMap((p) => p.entries);
    expect(entries.map((e) => e.functionName)).toEqual(names);
    expect(entries.every((e) => e.status === 'Succeeded')).toBe(true);
    const children = await eventually(
      async () => {
        const found: string[] = [];
        for await (const info of t.env.client.workflow.list({ query: `FleetId = "${input.fleetId}" AND ReleaseKind = 'release'` })) found.push(info.workflowId);
        return found.sort();
      },
      (found) => found.length === 5,
    );
    expect(children).toEqual(names.map((fn) => fleetChildWorkflowId(input.fleetId, 'default', fn)).sort());
  });

  async function runStatuses(fleetId: string): Promise<string[]> {
    const statuses: string[] = [];
    for await (const info of t.env.client.workflow.list({ query: `WorkflowId = "fleet/${fleetId}"` })) statuses.push(info.status.name);
    return statuses;
  }
});
