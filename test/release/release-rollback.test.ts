import { getRelease, releaseResultOf } from '../../client/api';
import { approveSignal, progressQuery, SA_STATUS, type ReleaseInput } from '../../workflows/definitions';
import { eventually } from '../harness/eventually';
import { useScfWorld } from '../harness/use-scf-world';
import { ALIAS, EXISTING, MISSING, OLD_CODE, PRIMARY, maybeRecordHistory, newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
import { countRequests, latestSha, startRelease } from './world-helpers';

describe('a release that fails', () => {
  const t = useScfWorld();
  afterEach(() => t.world.sim.admin.clearFaults());

  /**
   * Releases new code of `functionName` to EXISTING with the alias gated for approval before its 50 %
   * step; at the gate runs `atGate` (to arrange what fails next), approves, and returns how it ended.
   */
  async function releaseApprovedAfter(functionName: string, atGate: () => void, overrides: Partial<ReleaseInput> = {}) {
    const { env, world } = t;
    const input = releaseInput(functionName, world.makePackage(newCode()), {
      regions: [EXISTING],
      alias: { name: ALIAS, requireApproval: true, steps: [{ percent: 50, bakeSeconds: 1 }, { percent: 100, bakeSeconds: 0 }] },
      ...overrides,
    });
    const handle = await startRelease(env, world, input);
    await world.runWorker(async () => {
      const waiting = await eventually(() => handle.query(progressQuery), (p) => p.awaitingApproval, 60_000);
      expect(waiting.awaitingApproval).toBe(true);
      atGate();
      await handle.signal(approveSignal, { by: 'jest' });
    });
    // A RollbackFailed release fails its workflow carrying the result: read it as the client does.
    const result = await world.runWorker(() => handle.result().catch((err: unknown) => releaseResultOf(err) ?? Promise.reject(err)));
    return { handle, result };
  }

  it('when verification fails in a target region, then every region is rolled back: $LATEST restored, the copied function deleted, the alias untouched, versions named', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('verify-fails');
    await seedWorld(world, functionName, { targetEnv: { BROKEN: '1' } });
    const before = { [PRIMARY]: latestSha(world, PRIMARY, functionName), [EXISTING]: latestSha(world, EXISTING, functionName) };
    const pkg = world.makePackage(newCode());

    const handle = await startRelease(env, world, releaseInput(functionName, pkg));
    const result = await world.runWorker(() => handle.result());

    expect(result.status).toBe('RolledBack');
    expect(result.error).toMatchObject({ type: 'VerificationFailed', region: EXISTING });
    expect(result.error?.message).toContain('broken in this region');
    expect(latestSha(world, PRIMARY, functionName)).toBe(before[PRIMARY]);
    expect(latestSha(world, EXISTING, functionName)).toBe(before[EXISTING]);
    await world.sim.admin.waitForStatus({ region: MISSING, functionName, statuses: ['Deleted'] });
    for (const region of [PRIMARY, EXISTING]) {
      const view = world.sim.admin.getFunction(region, 'default', functionName)!;
      expect(view.status).toBe('Active');
      expect(view.aliases.find((a) => a.name === ALIAS)).toEqual({ name: ALIAS, functionVersion: '1', weights: [] });
    }
    // Undone in reverse: the targets (replicated in parallel) first, the primary last.
    const undone = result.compensations.map((c) => `${c.name}@${c.region}:${c.outcome}`);
    expect(undone.slice(0, 2).sort()).toEqual([`delete-copied-function@${MISSING}:ok`, `restore-code@${EXISTING}:ok`]);
    expect(undone[2]).toBe(`restore-code@${PRIMARY}:ok`);
    expect(undone).toHaveLength(3);
    expect(result.versionsLeftInPlace).toEqual(
      expect.arrayContaining([{ region: PRIMARY, version: '2' }, { region: EXISTING, version: '2' }, { region: MISSING, version: '1' }]),
    );
    // The workflow completed (a rolled-back release returns, it does not throw) and says so in the UI.
    const described = await handle.describe();
    expect(described.status.name).toBe('COMPLETED');
    expect(described.typedSearchAttributes.get(SA_STATUS)).toBe('RolledBack');
    await maybeRecordHistory(handle, 'release-rolled-back');
  });

  it('when a bake after the approval gate fails, then the alias goes back to the old version with no weights, in one move', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('bake-fails');
    await seedWorld(world, functionName);
    const oldSha = latestSha(world, PRIMARY, functionName);
    const pkg = world.makePackage(newCode());
    const input = releaseInput(functionName, pkg, {
      regions: [EXISTING],
      alias: { name: ALIAS, requireApproval: true, steps: [{ percent: 30, bakeSeconds: 1 }, { percent: 100, bakeSeconds: 1 }] },
    });

    const handle = await startRelease(env, world, input);
    await world.runWorker(async () => {
      const waiting = await eventually(() => handle.query(progressQuery), (p) => p.awaitingApproval || p.status !== 'Running', 60_000);
      expect(waiting).toMatchObject({ awaitingApproval: true, status: 'Running' });
      // Nothing moved while waiting for approval.
      expect(world.sim.admin.getFunction(PRIMARY, 'default', functionName)!.aliases[0]).toMatchObject({ functionVersion: '1', weights: [] });
      world.sim.admin.failNext({ action: 'InvokeFunction', count: 100, code: 'InvalidParameterValue.Param', region: EXISTING });
      await handle.signal(approveSignal, { by: 'jest' });
    });
    const result = await world.runWorker(() => handle.result());

    expect(result.status).toBe('RolledBack');
    expect(result.error).toMatchObject({ type: 'InvalidParameterValue.Param', region: EXISTING });
    expect(result.error?.requestId).toBeTruthy();
    expect(result.steps.some((s) => s.name === 'alias-30%' && s.outcome === 'ok')).toBe(true);
    const aliasBacks = result.compensations.filter((c) => c.name === 'alias-back');
    expect(aliasBacks.map((c) => c.region).sort()).toEqual([PRIMARY, EXISTING].sort());
    for (const region of [PRIMARY, EXISTING]) {
      const view = world.sim.admin.getFunction(region, 'default', functionName)!;
      expect(view.aliases.find((a) => a.name === ALIAS)).toEqual({ name: ALIAS, functionVersion: '1', weights: [] });
      expect(view.codeSha256).toBe(oldSha);
    }
    // One UpdateAlias per region undid the split.
    const undoCalls = world.sim.admin.requestLog().filter((e) => e.action === 'UpdateAlias' && e.function === functionName);
    expect(undoCalls).toHaveLength(4); // 30 % in two regions, then one undo in each
  });

  it('when a release creates the alias in a region with no earlier version and a later step fails, then the alias is deleted and the release ends RolledBack', async () => {
    const { world } = t;
    const functionName = uniqueFunctionName('alias-no-prev');
    // The primary as usual (version 1, the alias on it); the target exists with only $LATEST: no version, no alias.
    await seedWorld(world, functionName, { existing: [] });
    world.sim.admin.seedFunction({
      region: EXISTING,
      functionName,
      files: OLD_CODE,
      handler: 'index.main_handler',
      runtime: 'Nodejs18.15',
      triggers: [{ type: 'timer', name: 'nightly' }],
    });
    const oldSha = latestSha(world, EXISTING, functionName);

    const { handle, result } = await releaseApprovedAfter(functionName, () => {
      // Version 1 is the release's own in the target, and no alias was made there yet.
      expect(world.sim.admin.getFunction(EXISTING, 'default', functionName)!.aliases).toEqual([]);
      world.sim.admin.failNext({ action: 'InvokeFunction', count: 100, code: 'InvalidParameterValue.Param', region: EXISTING });
    });

    expect(result.status).toBe('RolledBack');
    expect(result.error).toMatchObject({ type: 'InvalidParameterValue.Param', region: EXISTING });
    expect(result.manualAction).toBeUndefined();
    // The release created the alias in the target at its own version 1, then the bake failed.
    expect(result.steps.some((s) => s.name === 'create-alias' && s.region === EXISTING && s.outcome === 'ok')).toBe(true);
    const undone = result.compensations.map((c) => `${c.name}@${c.region}:${c.outcome}`);
    // Undone in reverse: the aliases (prepared in parallel) first, then the target's code, the primary's last.
    expect(undone.slice(0, 2).sort()).toEqual([`alias-back@${PRIMARY}:ok`, `remove-created-alias@${EXISTING}:ok`]);
    expect(undone.slice(2)).toEqual([`restore-code@${EXISTING}:ok`, `restore-code@${PRIMARY}:ok`]);
    // The alias is gone from the target (one DeleteAlias), the primary's is back on version 1, the code restored.
    const target = world.sim.admin.getFunction(EXISTING, 'default', functionName)!;
    expect(target.aliases).toEqual([]);
    expect(target.status).toBe('Active');
    expect(countRequests(world, 'DeleteAlias', functionName)).toEqual({ [EXISTING]: 1 });
    expect(latestSha(world, EXISTING, functionName)).toBe(oldSha);
    expect(world.sim.admin.getFunction(PRIMARY, 'default', functionName)!.aliases).toEqual([{ name: ALIAS, functionVersion: '1', weights: [] }]);
    expect(result.versionsLeftInPlace).toEqual(expect.arrayContaining([{ region: PRIMARY, version: '2' }, { region: EXISTING, version: '1' }]));
    expect((await handle.describe()).typedSearchAttributes.get(SA_STATUS)).toBe('RolledBack');
  });

  it('when a release overrides the target by copy, creates the alias there and a later step fails, then that alias is deleted too', async () => {
    const { world } = t;
    const functionName = uniqueFunctionName('override-alias');
    await seedWorld(world, functionName);
    const oldSha = latestSha(world, EXISTING, functionName);

    const { result } = await releaseApprovedAfter(
      functionName,
      () => {
        // CopyFunction with Override replaced the target, its versions and its alias: version 1 is the release's own.
        expect(world.sim.admin.getFunction(EXISTING, 'default', functionName)!.aliases).toEqual([]);
        world.sim.admin.failNext({ action: 'InvokeFunction', count: 100, code: 'InvalidParameterValue.Param', region: EXISTING });
      },
      { overrideExisting: true },
    );

    expect(result.status).toBe('RolledBack');
    expect(result.error).toMatchObject({ type: 'InvalidParameterValue.Param', region: EXISTING });
    expect(result.regions.find((r) => r.region === EXISTING)).toMatchObject({ action: 'override-by-copy', alias: { createdByRelease: true } });
    expect(result.steps.some((s) => s.name === 'create-alias' && s.region === EXISTING && s.outcome === 'ok')).toBe(true);
    const undone = result.compensations.map((c) => `${c.name}@${c.region}:${c.outcome}`);
    // The override region's undo restores its code and keeps the function, so the alias needs its own undo.
    expect(undone.slice(0, 2).sort()).toEqual([`alias-back@${PRIMARY}:ok`, `remove-created-alias@${EXISTING}:ok`]);
    expect(undone.slice(2)).toEqual([`restore-code@${EXISTING}:ok`, `restore-code@${PRIMARY}:ok`]);
    const target = world.sim.admin.getFunction(EXISTING, 'default', functionName)!;
    expect(target.aliases).toEqual([]);
    expect(target.status).toBe('Active');
    expect(latestSha(world, EXISTING, functionName)).toBe(oldSha);
    expect(countRequests(world, 'DeleteAlias', functionName)).toEqual({ [EXISTING]: 1 });
    expect(world.sim.admin.getFunction(PRIMARY, 'default', functionName)!.aliases).toEqual([{ name: ALIAS, functionVersion: '1', weights: [] }]);
  });

  it('when a release creates the alias where it did not exist but an older version does, and a later step fails, then that alias is deleted', async () => {
    const { world } = t;
    const functionName = uniqueFunctionName('alias-created');
    // Both regions have version 1 and no alias: the release creates the alias there at version 1.
    await seedWorld(world, functionName, { alias: false });

    const { result } = await releaseApprovedAfter(functionName, () => {
      for (const region of [PRIMARY, EXISTING]) expect(world.sim.admin.getFunction(region, 'default', functionName)!.aliases).toEqual([]);
      world.sim.admin.failNext({ action: 'InvokeFunction', count: 100, code: 'InvalidParameterValue.Param', region: EXISTING });
    });

    expect(result.status).toBe('RolledBack');
    expect(result.error).toMatchObject({ type: 'InvalidParameterValue.Param', region: EXISTING });
    expect(result.manualAction).toBeUndefined();
    expect(result.steps.filter((s) => s.name === 'create-alias' && s.outcome === 'ok').map((s) => s.region).sort()).toEqual([PRIMARY, EXISTING].sort());
    const undone = result.compensations.map((c) => `${c.name}@${c.region}:${c.outcome}`);
    expect(undone.slice(0, 2).sort()).toEqual([`remove-created-alias@${EXISTING}:ok`, `remove-created-alias@${PRIMARY}:ok`].sort());
    for (const region of [PRIMARY, EXISTING]) {
      const view = world.sim.admin.getFunction(region, 'default', functionName)!;
      expect(view.aliases).toEqual([]);
      expect(view.status).toBe('Active');
    }
    expect(countRequests(world, 'DeleteAlias', functionName)).toEqual({ [PRIMARY]: 1, [EXISTING]: 1 });
  });

  it('when the primary refuses the new code, then its $LATEST, never changed, is not redeployed: the restore is skipped', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('refused-code');
    await seedWorld(world, functionName);
    const oldSha = latestSha(world, PRIMARY, functionName);
    world.sim.admin.failNext({ action: 'UpdateFunctionCode', count: 1, code: 'InvalidParameterValue.Code', region: PRIMARY, functionName });

    const handle = await startRelease(env, world, releaseInput(functionName, world.makePackage(newCode())));
    const result = await world.runWorker(() => handle.result());

    expect(result.status).toBe('RolledBack');
    expect(result.error).toMatchObject({ type: 'InvalidParameterValue.Code' });
    expect(result.compensations.map((c) => `${c.name}@${c.region}:${c.outcome}`)).toEqual([`restore-code@${PRIMARY}:skipped`]);
    expect(countRequests(world, 'UpdateFunctionCode', functionName)).toEqual({});
    expect(latestSha(world, PRIMARY, functionName)).toBe(oldSha);
    expect(world.sim.admin.getFunction(PRIMARY, 'default', functionName)!.status).toBe('Active');
  });

  it('when the manifest sets no handler and the zip lacks the function\'s handler file, then the release ends before any UpdateFunctionCode, naming the handler', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('no-handler-file');
    await seedWorld(world, functionName); // handler index.main_handler
    const oldSha = latestSha(world, PRIMARY, functionName);
    world.sim.admin.clearRequestLog();

    const pkg = world.makePackage({ 'app.js': 'exports.main_handler = async () => 1;\n' });
    const handle = await startRelease(env, world, releaseInput(functionName, pkg, { handler: undefined }));
    const result = await world.runWorker(() => handle.result());

    expect(result.status).toBe('RolledBack');
    expect(result.error).toMatchObject({ type: 'InvalidPackage', region: PRIMARY });
    expect(result.error?.message).toMatch(/has no `index\.<ext>` for handler index\.main_handler .*files at the root: app\.js/);
    expect(result.error?.message).toContain("index.main_handler is the function's current handler, kept because the manifest sets none: set handler in the manifest");
    expect(world.sim.admin.requestLog().filter((e) => e.function === functionName && /^(Update|Publish|Copy|Create|Delete|Put)/.test(e.action))).toEqual([]);
    expect(latestSha(world, PRIMARY, functionName)).toBe(oldSha);
  });

  it('when a compensation itself fails, then the others still run and the release ends RollbackFailed with what a person must do', async () => {
    const { world } = t;
    const functionName = uniqueFunctionName('rollback-fails');
    await seedWorld(world, functionName);
    const oldSha = latestSha(world, EXISTING, functionName);
    const { handle, result } = await releaseApprovedAfter(functionName, () => {
      // The bake fails in the target, and restoring the primary's code is refused for good.
      world.sim.admin.failNext({ action: 'InvokeFunction', count: 100, code: 'InvalidParameterValue.Param', region: EXISTING });
      world.sim.admin.failNext({ action: 'UpdateFunctionCode', count: 100, code: 'InvalidParameterValue.Code', region: PRIMARY, functionName });
    });

    expect(result.status).toBe('RollbackFailed');
    expect(result.error).toMatchObject({ type: 'InvalidParameterValue.Param' });
    const failed = result.compensations.filter((c) => c.outcome === 'failed');
    expect(failed).toEqual([
      expect.objectContaining({ name: 'restore-code', region: PRIMARY, error: expect.objectContaining({ type: 'InvalidParameterValue.Code' }) }),
    ]);
    expect(result.manualAction).toContain(`restore ${PRIMARY}/default/${functionName} $LATEST`);
    expect(result.summary).toContain('a person must');
    // Every other undo still ran.
    expect(result.compensations.filter((c) => c.outcome === 'ok').map((c) => `${c.name}@${c.region}`).sort()).toEqual(
      [`alias-back@${EXISTING}`, `alias-back@${PRIMARY}`, `restore-code@${EXISTING}`].sort(),
    );
    expect(latestSha(world, EXISTING, functionName)).toBe(oldSha);
    expect(world.sim.admin.getFunction(PRIMARY, 'default', functionName)!.aliases[0]).toMatchObject({ functionVersion: '1', weights: [] });
    // A person must act: the workflow failed (red in the UI's list, no filter needed), its result readable.
    const described = await handle.describe();
    expect(described.status.name).toBe('FAILED');
    expect(described.typedSearchAttributes.get(SA_STATUS)).toBe('RollbackFailed');
    const view = await getRelease(t.env.client, handle.workflowId);
    expect(view).toMatchObject({ state: 'completed', result: { status: 'RollbackFailed', manualAction: result.manualAction } });
  });

  it('when an update ends in UpdateFailed, then the release stops and rolls back, keeping the Tencent code', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('update-failed');
    await seedWorld(world, functionName);
    const oldSha = latestSha(world, EXISTING, functionName);
    world.sim.admin.failNextUpdate({ region: EXISTING, functionName, errorCode: 'InternalError.System', errorMessage: 'disk full' });
    const pkg = world.makePackage(newCode());

    const handle = await startRelease(env, world, releaseInput(functionName, pkg));
    const result = await world.runWorker(() => handle.result());

    expect(result.status).toBe('RolledBack');
    expect(result.error).toMatchObject({ type: 'FunctionUpdateFailed', region: EXISTING });
    expect(result.error?.message).toContain('disk full');
    expect(result.regions.find((r) => r.region === EXISTING)).toMatchObject({ state: 'rolled-back' });
    expect(latestSha(world, EXISTING, functionName)).toBe(oldSha);
    expect(latestSha(world, PRIMARY, functionName)).toBe(oldSha);
    expect(world.sim.admin.getFunction(EXISTING, 'default', functionName)!.status).toBe('Active');
  });

  it('when SCF answers FunctionStatusError storms and throttles, then the release absorbs them and succeeds', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('storm');
    await seedWorld(world, functionName);
    const pkg = world.makePackage(newCode());
    world.sim.admin.failNext({ action: 'UpdateFunctionCode', count: 5, code: 'FailedOperation.FunctionStatusError' });
    world.sim.admin.failNext({ action: 'PublishVersion', count: 5, code: 'FailedOperation.FunctionStatusError' });
    world.sim.admin.setFaults({ throttleRate: 0.3, seed: 7 });

    const handle = await startRelease(env, world, releaseInput(functionName, pkg, { alias: undefined }));
    const result = await world.runWorker(() => handle.result());

    expect(result.error).toBeUndefined();
    expect(result.status).toBe('Succeeded');
    for (const region of [PRIMARY, EXISTING, MISSING]) expect(latestSha(world, region, functionName)).toBe(pkg.sha256);
    const refused = world.sim.admin.requestLog().filter((e) => e.function === functionName && e.outcome !== 'OK');
    expect(refused.some((e) => e.outcome === 'FailedOperation.FunctionStatusError')).toBe(true);
    expect(refused.some((e) => e.outcome.startsWith('RequestLimitExceeded'))).toBe(true);
  });
});
