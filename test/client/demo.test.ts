/**
 * `scf-release demo`'s scenarios, run against a world (its simulator and worker) as the demo runs
 * them against its dev stack: v2 succeeds, the broken v3 rolls back on its probes, and v4, which
 * fails only for some events, passes its probes but is rolled back by the metrics gate reading the
 * live traffic the demo sends through the alias. The demo prints the figures that broke it.
 */
import { runDemoScenario } from '../../client/demo/scenario';
import type { TemporalTarget } from '../../client/connection';
import { useScfWorld } from '../harness/use-scf-world';

describe('the demo', () => {
  const t = useScfWorld();

  it('when the demo runs, then v2 succeeds, v3 rolls back on its probes, v4 is rolled back by the gate on live traffic, and every region serves v2', async () => {
    const { env, world } = t;
    const target: TemporalTarget = { client: env.client, namespace: env.namespace ?? 'default', address: 'test', uiUrl: 'http://ui.test', close: async () => undefined };
    const lines: string[] = [];
    const report = await world.runWorker(() => runDemoScenario(target, world.sim, world.taskQueue, world.packageDir, (line) => lines.push(line)));
    const text = lines.join('\n');

    expect(report.outcomes.map((o) => [o.status, o.expected])).toEqual([['Succeeded', 'Succeeded'], ['RolledBack', 'RolledBack'], ['RolledBack', 'RolledBack']]);
    const gated = report.outcomes[2]!;
    expect(gated.errorType).toBe('MetricsGateBreached');
    expect(gated.probesPassed).toBe(true);
    expect(gated.breach).toMatchObject({ verdict: 'breach', percent: 25, version: '4' });
    expect(gated.breach!.errors).toBeGreaterThan(0);
    expect(report.regionsNotOnV2).toEqual([]);
    expect(report.ok).toBe(true);
    // The live traffic the demo sent, and the figures that broke the canary, as the demo prints them.
    expect(text).toMatch(/Live traffic through alias live in ap-guangzhou, ap-shanghai, ap-singapore: \d+ events\/s/);
    expect(text).toMatch(/REGION +STEP +VERSION +INVOCATIONS +ERRORS +ERROR RATE +AVG DURATION +VERDICT/);
    expect(text).toMatch(/ap-\w+ +25% +v4 +\d+ +\d+ +[\d.]+% +[\d.]+ ms +breach: error rate [\d.]+% \(\d+ of \d+\) is above 1%/);
    expect(text).toMatch(/ {2}The gate broke it in ap-\w+ at 25%: \d+ invocations of v4, \d+ errors \([\d.]+%\), avg [\d.]+ ms: error rate [\d.]+% \(\d+ of \d+\) is above 1%; its probes passed/);
    // The traffic ran, some of it failed on v4, and it stopped with the release.
    expect(report.traffic.map((run) => world.sim.admin.trafficStatus(run.id).state)).toEqual(['stopped', 'stopped', 'stopped']);
    expect(report.traffic.reduce((sum, run) => sum + run.errors, 0)).toBeGreaterThan(0);
  }, 240_000);
});
