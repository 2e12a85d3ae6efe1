import {
  abortSignal,
  abortUpdate,
  FUNCTION_LOCKED,
  functionLockId,
  lockHolderQuery,
  progressQuery,
  releaseWorkflowId,
} from '../../workflows/definitions';
import { planReleaseWorkflow } from '../../workflows';
import { eventually } from '../harness/eventually';
import { useScfWorld } from '../harness/use-scf-world';
import { ALIAS, EXISTING, MISSING, PRIMARY, newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
import { latestSha, startRelease, waitForRequest } from './world-helpers';

describe('controlling a release', () => {
  const t = useScfWorld();

  it('when it is aborted while the primary is stuck Updating, then it compensates and ends Aborted', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('abort');
    await seedWorld(world, functionName);
    const oldSha = latestSha(world, PRIMARY, functionName);
    // Armed before the release starts: its update of the primary stays Updating until released, however
    // fast or slow the machine (a hold set after seeing the request could come too late).
    world.sim.admin.holdNext({ region: PRIMARY, functionName, transition: 'update' });
    const handle = await startRelease(env, world, releaseInput(functionName, world.makePackage(newCode())));

    const result = await world.runWorker(async () => {
      await waitForRequest(world, { action: 'UpdateFunctionCode', region: PRIMARY, functionName });
      expect(world.sim.admin.getFunction(PRIMARY, 'default', functionName)).toMatchObject({ status: 'Updating', held: true });
      await expect(handle.executeUpdate(abortUpdate, { args: [{ reason: 'wrong build', by: 'jest' }] })).resolves.toEqual({
        accepted: true,
        phase: 'UpdatingPrimary',
      });
      // The restore is refused while the primary is still stuck; only then does the primary settle.
      await waitForRequest(world, { action: 'UpdateFunctionCode', region: PRIMARY, functionName, outcome: 'FailedOperation.UpdateFunctionCode' });
      world.sim.admin.releaseHold({ region: PRIMARY, functionName });
      return handle.result();
    });

    expect(result.status).toBe('Aborted');
    expect(result.error).toMatchObject({ type: 'Aborted', message: expect.stringContaining('wrong build') });
    expect(result.compensations).toEqual([{ name: 'restore-code', region: PRIMARY, outcome: 'ok' }]);
    expect(latestSha(world, PRIMARY, functionName)).toBe(oldSha);
    expect(world.sim.admin.getFunction(PRIMARY, 'default', functionName)!.status).toBe('Active');
    // Aborted before anything was replicated: no other region was touched.
    expect(world.sim.admin.getFunction(MISSING, 'default', functionName)).toBeUndefined();
  });

  it('when a second release of the same function starts while one runs, then it is refused as FunctionLocked, and the lock names its holder', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('locked');
    await seedWorld(world, functionName);
    const pkg = world.makePackage(newCode());
    const first = releaseInput(functionName, pkg, { regions: [EXISTING], alias: { name: ALIAS, requireApproval: true, steps: [{ percent: 100, bakeSeconds: 0 }] } });
    const firstHandle = await startRelease(env, world, first);

    await world.runWorker(async () => {
      const waiting = await eventually(() => firstHandle.query(progressQuery), (p) => p.awaitingApproval, 60_000);
      expect(waiting.awaitingApproval).toBe(true);
      const holder = await env.client.workflow.getHandle(functionLockId('default', functionName)).query(lockHolderQuery);
      expect(holder).toMatchObject({ holderWorkflowId: releaseWorkflowId('default', functionName, first.releaseId), kind: 'release' });

      const second = await startRelease(env, world, releaseInput(functionName, pkg, { regions: [EXISTING] }));
      const refused = await second.result();
      expect(refused.status).toBe('Aborted');
      expect(refused.error).toMatchObject({ type: FUNCTION_LOCKED, message: expect.stringContaining(functionLockId('default', functionName)) });
      expect(refused.steps).toEqual([]);

      await firstHandle.signal(abortSignal, { reason: 'make room', by: 'jest' });
      const aborted = await firstHandle.result();
      expect(aborted.status).toBe('Aborted');
      expect(aborted.compensations.every((c) => c.outcome === 'ok')).toBe(true);
      // Aborted at the approval gate: its progress no longer says it waits there.
      expect(await firstHandle.query(progressQuery)).toMatchObject({ phase: 'Done', status: 'Aborted', awaitingApproval: false });
    });
    // The lock ended with its holder: the server applies the parent-close policy (TERMINATE) right
    // after the holder closes, asynchronously, so look until it has.
    const lock = await eventually(
      () => env.client.workflow.getHandle(functionLockId('default', functionName)).describe(),
      (d) => d.status.name !== 'RUNNING',
    );
    expect(lock.status.name).toBe('TERMINATED');
  });

  it('when the package is already live everywhere, then a release is a NoOp that touches nothing', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('noop');
    await seedWorld(world, functionName);
    const pkg = world.makePackage(newCode());
    const fast = { alias: { name: ALIAS, steps: [{ percent: 100, bakeSeconds: 0 }] } };
    const released = await world.runWorker(async () => (await startRelease(env, world, releaseInput(functionName, pkg, fast))).result());
    expect(released.status).toBe('Succeeded');
    const logged = world.sim.admin.requestLog().length;

    const again = await world.runWorker(async () => (await startRelease(env, world, releaseInput(functionName, pkg, fast))).result());

    expect(again.status).toBe('NoOp');
    expect(again.summary).toContain('already live');
    expect(again.regions.every((r) => r.action === 'no-op')).toBe(true);
    const actions = new Set(world.sim.admin.requestLog().slice(logged).filter((e) => e.function === functionName).map((e) => e.action));
    expect([...actions].every((a) => a.startsWith('Get') || a.startsWith('List'))).toBe(true);
  });

  it('when a release is planned, then the plan says what would happen per region and only read calls reach SCF', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('plan');
    await seedWorld(world, functionName);
    const pkg = world.makePackage(newCode());
    const before = world.sim.admin.requestLog().length;

    const plan = await world.runWorker(() =>
      env.client.workflow.execute(planReleaseWorkflow, {
        taskQueue: world.taskQueue,
        workflowId: `plan/${functionName}`,
        args: [releaseInput(functionName, pkg, { overrideExisting: true })],
      }),
    );

    expect(plan.noOp).toBe(false);
    expect(plan.regions).toEqual([
      { region: PRIMARY, exists: true, action: 'update-in-place', currentSha256: latestSha(world, PRIMARY, functionName), aliasVersion: '1' },
      { region: EXISTING, exists: true, action: 'override-by-copy', currentSha256: latestSha(world, EXISTING, functionName), aliasVersion: '1' },
      { region: MISSING, exists: false, action: 'create-by-copy' },
    ]);
    expect(plan.warnings.join('\n')).toContain('timer:nightly');
    const actions = new Set(world.sim.admin.requestLog().slice(before).map((e) => e.action));
    expect([...actions].sort()).toEqual(expect.arrayContaining(['GetFunction']));
    expect([...actions].every((a) => a.startsWith('Get') || a.startsWith('List'))).toBe(true);
  });
});
