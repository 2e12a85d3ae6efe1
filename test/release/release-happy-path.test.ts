import { releaseWorkflowId, SA_STATUS, SA_VERSION, type ReleaseInput } from '../../workflows/definitions';
import { releaseWorkflow } from '../../workflows';
import { useScfWorld } from '../harness/use-scf-world';
import { ALIAS, EXISTING, MISSING, PRIMARY, maybeRecordHistory, newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';

describe('a release to three regions', () => {
  const t = useScfWorld();

  const start = (input: ReleaseInput) =>
    t.env.client.workflow.start(releaseWorkflow, {
      taskQueue: t.world.taskQueue,
      workflowId: releaseWorkflowId(input.namespace, input.functionName, input.releaseId),
      args: [input],
    });

  it('when it succeeds, then every region runs the package, the existing region keeps its trigger, versions and alias, the new one is created by copy, and the alias ends fully on the new version', async () => {
    const { world } = t;
    const functionName = uniqueFunctionName('happy');
    await seedWorld(world, functionName);
    const pkg = world.makePackage(newCode());
    const input = releaseInput(functionName, pkg);

    const handle = await start(input);
    const result = await world.runWorker(() => handle.result());

    expect(result.error).toBeUndefined();
    expect(result.status).toBe('Succeeded');
    expect(result.compensations).toEqual([]);
    expect(result.versionsLeftInPlace).toEqual([]);
    const { admin } = world.sim;
    for (const region of [PRIMARY, EXISTING, MISSING]) {
      const view = admin.getFunction(region, 'default', functionName)!;
      expect(view).toBeDefined();
      expect(view.codeSha256).toBe(pkg.sha256);
      const regionResult = result.regions.find((r) => r.region === region)!;
      expect(regionResult.state).toBe('done');
      expect(regionResult.codeSha256).toBe(pkg.sha256);
      expect(regionResult.verification?.every((v) => v.passed)).toBe(true);
      // The alias serves only the new version, with no weights left over.
      const alias = view.aliases.find((a) => a.name === ALIAS)!;
      expect(alias.functionVersion).toBe(regionResult.version);
      expect(alias.weights).toEqual([]);
      expect(view.versions.find((v) => v.version === regionResult.version)?.codeSha256).toBe(pkg.sha256);
    }

    const existing = admin.getFunction(EXISTING, 'default', functionName)!;
    expect(existing.triggers).toEqual([{ type: 'timer', name: 'nightly' }]);
    expect(existing.versions.map((v) => v.version).sort()).toEqual(['1', '2']);
    expect(result.regions.find((r) => r.region === EXISTING)).toMatchObject({ action: 'update-in-place', existedBefore: true, aliasVersionBefore: '1' });

    const created = result.regions.find((r) => r.region === MISSING)!;
    expect(created).toMatchObject({ action: 'create-by-copy', existedBefore: false, version: '1' });
    expect(created.notCopied).toEqual(expect.arrayContaining(['CLS log target']));

    // The canary went through a 20 % step before the full move.
    const aliasSteps = result.steps.filter((s) => s.name.startsWith('alias-')).map((s) => `${s.region}:${s.name}`);
    expect(aliasSteps).toEqual(expect.arrayContaining([`${PRIMARY}:alias-20%`, `${PRIMARY}:alias-100%`, `${EXISTING}:alias-20%`]));
    expect(result.steps.every((s) => s.outcome === 'ok' && s.endedAt)).toBe(true);

    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(SA_STATUS)).toBe('Succeeded');
    expect(described.typedSearchAttributes.get(SA_VERSION)).toBe('2');
    expect(await described.memo).toMatchObject({ summary: expect.stringContaining('released') });
    await maybeRecordHistory(handle, 'release-succeeded');
  });

  it('when the previous version answers differently from the new one, then the canary bake judges the content on the new version and only health through the split alias, and the release succeeds', async () => {
    const { world } = t;
    const functionName = uniqueFunctionName('canary');
    await seedWorld(world, functionName);
    const pkg = world.makePackage(newCode('v2'));
    // OLD_CODE answers version 'v1': through a 20 % alias most calls would break this expectation.
    const input = releaseInput(functionName, pkg, {
      regions: [EXISTING],
      verification: [{ name: 'is v2', event: '{}', expect: { invokeResult: 0, retMsgJsonSubset: { version: 'v2' } } }],
      alias: { name: ALIAS, steps: [{ percent: 20, bakeSeconds: 1 }, { percent: 100, bakeSeconds: 0 }] },
    });

    const result = await world.runWorker(async () => (await start(input)).result());

    expect(result.error).toBeUndefined();
    expect(result.status).toBe('Succeeded');
    // The bake invoked both the alias (health) and the new version (content) in each region.
    const invokes = world.sim.admin.requestLog().filter((e) => e.action === 'InvokeFunction' && e.function === functionName);
    for (const region of [PRIMARY, EXISTING]) {
      const version = result.regions.find((r) => r.region === region)!.version;
      const qualifiers = new Set(invokes.filter((e) => e.region === region).map((e) => e.qualifier?.split('->')[0]));
      expect(qualifiers).toEqual(new Set([version, ALIAS]));
      expect(world.sim.admin.getFunction(region, 'default', functionName)!.aliases.find((a) => a.name === ALIAS)).toMatchObject({ functionVersion: version, weights: [] });
    }
  });
});
