/**
 * The metrics gate: a canary step is judged by the new version's real traffic in Cloud Monitor (the
 * simulator's GetMonitorData, fed by its traffic generator), not only by the release's probes.
 */
import { progressQuery, type ReleaseInput } from '../../workflows/definitions';
import { eventually } from '../harness/eventually';
import { useScfWorld } from '../harness/use-scf-world';
import { startRelease } from './world-helpers';
import { ALIAS, PRIMARY, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';

/** The new version: passes every probe, fails only the events that carry `fail`. */
const FAILS_SOME_EVENTS = {
  'index.js': "exports.main_handler = async (event) => { if (event.fail) throw new Error('fails for this event'); return { ok: true, version: 'v2', echo: event }; };\n",
};

describe('a canary judged by its real traffic', () => {
  const t = useScfWorld();
  const traffic: string[] = [];
  afterEach(() => {
    for (const id of traffic.splice(0)) t.world.sim.admin.stopTraffic(id);
    t.world.sim.admin.setMonitor({ fastPeriodSeconds: undefined });
  });

  const run = (input: ReleaseInput) => t.world.runWorker(async () => (await startRelease(t.env, t.world, input)).result());

  const gatedInput = (functionName: string, { minInvocations = 5, maxWaits = 20 } = {}) =>
    releaseInput(functionName, t.world.makePackage(FAILS_SOME_EVENTS), {
      regions: [],
      alias: {
        name: ALIAS,
        steps: [{ percent: 30, bakeSeconds: 2 }, { percent: 100, bakeSeconds: 0 }],
        gate: { maxErrorRatePercent: 1, minInvocations, inconclusive: 'wait', periodSeconds: 1, maxWaits },
      },
    });

  async function release(functionName: string, events: string[]) {
    const { world } = t;
    await seedWorld(world, functionName, { existing: [] });
    world.sim.admin.setMonitor({ fastPeriodSeconds: 1 });
    traffic.push(world.sim.admin.startTraffic({ region: PRIMARY, functionName, alias: ALIAS, ratePerSecond: 40, events }));
    return run(gatedInput(functionName));
  }

  it('when the new version fails for some live events though its probes pass, then the gate rolls the alias back and the result has the figures', async () => {
    const functionName = uniqueFunctionName('gate');
    const result = await release(functionName, ['{"ping":1}', '{"fail":true}']);

    expect(result.status).toBe('RolledBack');
    expect(result.error?.type).toBe('MetricsGateBreached');
    expect(result.error?.message).toMatch(/error rate [\d.]+% \(\d+ of \d+\) is above 1%/);
    const primary = result.regions.find((r) => r.region === PRIMARY)!;
    expect(primary.verification?.every((v) => v.passed)).toBe(true);
    const [record] = primary.gate!;
    expect(record).toMatchObject({ percent: 30, version: '2', verdict: 'breach' });
    expect(record!.invocations).toBeGreaterThanOrEqual(5);
    expect(record!.errors).toBeGreaterThan(0);
    expect(result.steps.some((s) => s.name === 'alias-100%')).toBe(false);
    const alias = t.world.sim.admin.getFunction(PRIMARY, 'default', functionName)!.aliases.find((a) => a.name === ALIAS)!;
    expect(alias).toMatchObject({ functionVersion: '1', weights: [] });
    // The result tells what the alias serves after the rollback, not the split it was rolled back from.
    expect(result.regions.find((r) => r.region === PRIMARY)?.alias).toMatchObject({ name: ALIAS, functionVersion: '1', additionalVersionWeights: [] });
  });

  it('when the live traffic is healthy on the new version, then the gate passes and the release moves the alias fully', async () => {
    const functionName = uniqueFunctionName('gateok');
    const result = await release(functionName, ['{"ping":1}']);

    expect(result.error).toBeUndefined();
    expect(result.status).toBe('Succeeded');
    const primary = result.regions.find((r) => r.region === PRIMARY)!;
    expect(primary.gate).toEqual([expect.objectContaining({ percent: 30, verdict: 'pass', errors: 0, errorRatePercent: 0 })]);
  });

  it('when the gate has too little traffic yet, then the progress and the current details say how many invocations it waits for, then its verdict', async () => {
    const { world } = t;
    const functionName = uniqueFunctionName('gatewait');
    await seedWorld(world, functionName, { existing: [] });
    world.sim.admin.setMonitor({ fastPeriodSeconds: 1 });
    // No traffic yet: the release's own probes are fewer than 40, so the gate can only wait (up to 60 one-second periods).
    const handle = await startRelease(t.env, world, gatedInput(functionName, { minInvocations: 40, maxWaits: 60 }));
    const result = await world.runWorker(async () => {
      const waiting = await eventually(() => handle.query(progressQuery), (p) => /^waiting for 40 invocations of v2 \(\d+ so far\)$/.test(p.gate?.[PRIMARY] ?? ''), 60_000);
      const [, soFar] = /\((\d+) so far\)/.exec(waiting.gate![PRIMARY]!)!;
      const details = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      expect(details.currentDetails).toMatch(new RegExp(`Gate ${PRIMARY}: waiting for 40 invocations of v2 \\(\\d+ so far\\)`));
      expect(Number(soFar)).toBeLessThan(40);
      traffic.push(world.sim.admin.startTraffic({ region: PRIMARY, functionName, alias: ALIAS, ratePerSecond: 100, events: ['{"ping":1}', '{"fail":true}'] }));
      const judged = await eventually(() => handle.query(progressQuery), (p) => p.gate?.[PRIMARY]?.startsWith('breach') ?? false, 60_000);
      expect(judged.gate![PRIMARY]).toMatch(/^breach: error rate [\d.]+% \(\d+ of \d+\) is above 1%$/);
      return handle.result();
    });
    expect(result.status).toBe('RolledBack');
    expect(result.error?.type).toBe('MetricsGateBreached');
  });

  it('when the gate is relative to the previous version and the new one fails more of the same live traffic, then it breaches with both versions\' figures', async () => {
    const { world } = t;
    const functionName = uniqueFunctionName('gaterel');
    await seedWorld(world, functionName, { existing: [] });
    world.sim.admin.setMonitor({ fastPeriodSeconds: 1 });
    traffic.push(world.sim.admin.startTraffic({ region: PRIMARY, functionName, alias: ALIAS, ratePerSecond: 40, events: ['{"ping":1}', '{"fail":true}'] }));
    const input = gatedInput(functionName);
    input.alias!.gate = { relativeTo: 'previous', maxErrorRateIncreasePercent: 0.5, minInvocations: 5, inconclusive: 'wait', periodSeconds: 1, maxWaits: 20 };
    const result = await run(input);

    expect(result.status).toBe('RolledBack');
    expect(result.error?.type).toBe('MetricsGateBreached');
    expect(result.error?.message).toMatch(/error rate [\d.]+% is [\d.]+ points above version 1's 0% \(at most \+0\.5\)/);
    const [record] = result.regions.find((r) => r.region === PRIMARY)!.gate!;
    expect(record).toMatchObject({ verdict: 'breach', version: '2', previous: { version: '1', errors: 0, errorRatePercent: 0 } });
    expect(record!.previous!.invocations).toBeGreaterThan(0);
  });
});
