/**
 * replicateTriggers: a region the release creates by CopyFunction gets the primary's triggers of the
 * opted-in types (COS mapped to a bucket there, or left out), each compensated on rollback.
 */
import type { TriggerSpec } from '../../activities/trigger-contract';
import { planReleaseWorkflow } from '../../workflows';
import type { ReleaseInput } from '../../workflows/definitions';
import { useScfWorld } from '../harness/use-scf-world';
import { startRelease } from './world-helpers';
import { ALIAS, EXISTING, MISSING, PRIMARY, fnIn, newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';

const APIGW_DESC = JSON.stringify({ api: { requestConfig: { method: 'ANY' } }, service: { serviceName: 'SCF_API_SERVICE' }, release: { environmentName: 'release' } });
const COS_DESC = JSON.stringify({ event: 'cos:ObjectCreated:*' });
const PRIMARY_TRIGGERS: TriggerSpec[] = [
  { type: 'timer', name: 'nightly', qualifier: '$DEFAULT', desc: '0 0 2 * * * *', enabled: true, customArgument: 'night' },
  { type: 'apigw', name: 'SCF_API_SERVICE', qualifier: ALIAS, desc: APIGW_DESC, enabled: true },
  { type: 'cos', name: `uploads-1250000000.cos.${PRIMARY}.myqcloud.com`, qualifier: '$DEFAULT', desc: COS_DESC, enabled: true },
  { type: 'cmq', name: 'orders', qualifier: '$DEFAULT', desc: '', enabled: true },
  { type: 'timer', name: 'pinned', qualifier: '1', desc: '0 0 3 * * * *', enabled: false },
];

describe('a release that replicates triggers into the regions it creates', () => {
  const t = useScfWorld();
  afterEach(() => t.world.sim.admin.clearFaults());

  async function seed(functionName: string): Promise<void> {
    const { world } = t;
    await seedWorld(world, functionName);
    world.sim.admin.putCosObject({ bucket: 'uploads-1250000000', key: 'in/.keep', region: PRIMARY, body: Buffer.from('') });
    world.sim.admin.putCosObject({ bucket: 'uploads-sg-1250000000', key: 'in/.keep', region: MISSING, body: Buffer.from('') });
    for (const trigger of PRIMARY_TRIGGERS) await world.activities.createTrigger({ fn: fnIn(PRIMARY, functionName), trigger });
  }

  const inputFor = (functionName: string, bucket: string): ReleaseInput =>
    releaseInput(functionName, t.world.makePackage(newCode()), {
      alias: { name: ALIAS, steps: [{ percent: 100, bakeSeconds: 0 }] },
      replicateTriggers: { types: ['timer', 'apigw', 'cos'], cos: { map: { [MISSING]: bucket } } },
    });

  const run = (input: ReleaseInput) => t.world.runWorker(async () => (await startRelease(t.env, t.world, input)).result());

  it('when it succeeds, then the new region has the timer, API Gateway and mapped COS triggers, and the result says what was left out and why', async () => {
    const functionName = uniqueFunctionName('trig');
    await seed(functionName);
    const result = await run(inputFor(functionName, 'uploads-sg-1250000000'));

    expect(result.error).toBeUndefined();
    expect(result.status).toBe('Succeeded');
    const created = await t.world.activities.listTriggers({ fn: fnIn(MISSING, functionName) });
    expect(created).toEqual([
      PRIMARY_TRIGGERS[0],
      PRIMARY_TRIGGERS[1],
      { ...PRIMARY_TRIGGERS[2], name: `uploads-sg-1250000000.cos.${MISSING}.myqcloud.com` },
    ]);
    const missing = result.regions.find((r) => r.region === MISSING)!;
    expect(missing.triggers?.map((x) => `${x.type}:${x.name}:${x.outcome}`)).toEqual([
      'timer:nightly:created', 'apigw:SCF_API_SERVICE:created', `cos:uploads-1250000000.cos.${PRIMARY}.myqcloud.com:mapped`,
      'cmq:orders:left-out', 'timer:pinned:left-out',
    ]);
    expect(missing.triggers![2]!.targetName).toBe(`uploads-sg-1250000000.cos.${MISSING}.myqcloud.com`);
    expect(missing.triggers![3]!.note).toContain('not in replicateTriggers.types');
    expect(missing.triggers![4]!.note).toContain('version 1');
    // A region updated in place keeps its own triggers and gets none.
    expect(result.regions.find((r) => r.region === EXISTING)!.triggers).toBeUndefined();
    expect(t.world.sim.admin.getFunction(EXISTING, 'default', functionName)!.triggers).toEqual([{ type: 'timer', name: 'nightly' }]);
  });

  it('when a trigger cannot be created, then the release rolls back: each created trigger is deleted and the copied function with it', async () => {
    const functionName = uniqueFunctionName('trigrb');
    await seed(functionName);
    // No such bucket in the new region: the COS trigger (third) is refused after timer and apigw were created.
    const result = await run(inputFor(functionName, 'nobucket-1250000000'));

    expect(result.status).toBe('RolledBack');
    expect(result.error?.type).toBe('ResourceNotFound.Cos');
    const deletes = result.compensations.filter((c) => c.name === 'delete-trigger');
    expect(deletes.map((c) => `${c.region}:${c.outcome}`)).toEqual([`${MISSING}:ok`, `${MISSING}:ok`, `${MISSING}:ok`]);
    expect(result.compensations.find((c) => c.name === 'delete-copied-function')?.outcome).toBe('ok');
    expect(t.world.sim.admin.getFunction(MISSING, 'default', functionName)).toBeUndefined();
    const deleted = t.world.sim.admin.requestLog().filter((e) => e.function === functionName && e.action === 'DeleteTrigger' && e.outcome === 'OK');
    expect(deleted).toHaveLength(2);
  });

  it('when the release is planned, then the plan says per new region which triggers it would create, map or leave out', async () => {
    const functionName = uniqueFunctionName('trigplan');
    await seed(functionName);
    const input = inputFor(functionName, 'uploads-sg-1250000000');
    const plan = await t.world.runWorker(() =>
      t.env.client.workflow.execute(planReleaseWorkflow, { taskQueue: t.world.taskQueue, workflowId: `plan/${functionName}`, args: [input] }),
    );
    const missing = plan.regions.find((r) => r.region === MISSING)!;
    expect(missing.triggers?.map((x) => `${x.type}:${x.outcome}`)).toEqual(['timer:created', 'apigw:created', 'cos:mapped', 'cmq:left-out', 'timer:left-out']);
    expect(plan.regions.find((r) => r.region === EXISTING)!.triggers).toBeUndefined();
    expect(t.world.sim.admin.getFunction(MISSING, 'default', functionName)).toBeUndefined();
  });
});
