import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { SearchAttributePair } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { registerHistoryCommand } from '../../client/commands/history';
import type { HistoryRow } from '../../client/audit/history';
import { buildVisibilityQuery, parseSince, quoteLiteral } from '../../client/audit/visibility-query';
import {
  SA_FUNCTION,
  SA_KIND,
  SA_NAMESPACE,
  SA_REGIONS,
  SA_STARTED_BY,
  SA_STATUS,
  SA_VERSION,
} from '../../workflows/definitions';
import { eventually } from '../harness/eventually';
import { runCli } from '../harness/run-cli';
import { connectTestEnv, harnessInfo, uniqueTaskQueue } from '../harness/temporal';

/**
 * The runs are real workflow executions carrying the search attributes a release or sync sets; no
 * worker polls their queue and they are terminated at once, so only visibility is exercised.
 */
describe('scf-release history', () => {
  let env: TestWorkflowEnvironment;
  const suffix = randomUUID().slice(0, 6);
  const fnA = `orders-${suffix}`;
  const fnB = `billing-${suffix}`;
  // Ends the literal and adds a clause if quoting were naive.
  const fnEvil = `x-${suffix}" OR ScfFunction != "`;
  const fnQuote = `o'brien-${suffix}`;
  const taskQueue = uniqueTaskQueue('history');

  interface Seed { id: string; type: string; kind: string; fn?: string; status: string; regions: string[]; by: string; version?: string }
  const seeds: Seed[] = [
    { id: `release/default/${fnA}/r1`, type: 'releaseWorkflow', kind: 'release', fn: fnA, status: 'Succeeded', regions: ['ap-guangzhou', 'ap-shanghai'], by: 'alice', version: '3' },
    { id: `release/default/${fnA}/r2`, type: 'releaseWorkflow', kind: 'release', fn: fnA, status: 'RolledBack', regions: ['ap-guangzhou', 'ap-beijing'], by: 'bob' },
    { id: `release/default/${fnB}/r3`, type: 'releaseWorkflow', kind: 'release', fn: fnB, status: 'Succeeded', regions: ['ap-guangzhou'], by: 'alice', version: '7' },
    { id: `sync/h-${suffix}/default/${fnA}`, type: 'syncFunctionWorkflow', kind: 'sync', fn: fnA, status: 'Succeeded', regions: ['ap-guangzhou', 'ap-beijing'], by: `schedule:h-${suffix}` },
    { id: `release/default/x-${suffix}/evil`, type: 'releaseWorkflow', kind: 'release', fn: fnEvil, status: 'Succeeded', regions: ['ap-guangzhou'], by: 'mallory' },
    { id: `release/default/q-${suffix}/quote`, type: 'releaseWorkflow', kind: 'release', fn: fnQuote, status: 'Succeeded', regions: ['ap-guangzhou'], by: 'mallory' },
  ];

  beforeAll(async () => {
    env = await connectTestEnv();
    for (const seed of seeds) {
      const attributes: SearchAttributePair[] = [
        { key: SA_KIND, value: seed.kind },
        { key: SA_STATUS, value: seed.status },
        { key: SA_NAMESPACE, value: 'default' },
        { key: SA_REGIONS, value: seed.regions },
        { key: SA_STARTED_BY, value: seed.by },
        ...(seed.fn ? [{ key: SA_FUNCTION, value: seed.fn }] : []),
        ...(seed.version ? [{ key: SA_VERSION, value: seed.version }] : []),
      ];
      const handle = await env.client.workflow.start(seed.type, { workflowId: seed.id, taskQueue, typedSearchAttributes: attributes, memo: { summary: `seeded ${seed.id}` } });
      const { startTime } = await handle.describe();
      await handle.terminate('seeded for the history test');
      // StartTime has millisecond precision: the next seed starts once the clock is past this one's
      // millisecond, so the seeds are strictly ordered.
      while (Date.now() <= startTime.getTime()) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await eventually(
      async () => (await env.client.workflow.count(`TaskQueue = "${taskQueue}" AND ExecutionStatus = "Terminated"`)).count,
      (count) => count === seeds.length,
    );
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function history(...args: string[]): Promise<HistoryRow[]> {
    const run = await runCli(registerHistoryCommand, ['history', '--json', ...args]);
    if (run.error) throw run.error;
    return (JSON.parse(run.stdout) as { runs: HistoryRow[] }).runs.filter((row) => row.workflowId.includes(suffix));
  }
  const ids = (rows: HistoryRow[]) => rows.map((row) => row.workflowId);

  it('when filtered by function, then it lists that function\'s releases and syncs, newest first, with UI links', async () => {
    const rows = await history('--function', fnA);
    expect(ids(rows)).toEqual([seeds[3]!.id, seeds[1]!.id, seeds[0]!.id]);
    expect(rows[2]).toMatchObject({ kind: 'release', status: 'Succeeded', version: '3', startedBy: 'alice', regions: ['ap-guangzhou', 'ap-shanghai'] });
    expect(rows[2]!.uiLink).toBe(
      `${harnessInfo().uiUrl}/namespaces/default/workflows/${encodeURIComponent(seeds[0]!.id)}/${rows[2]!.runId}/history`,
    );
  });

  it('when filtered by status, kind, region or who started it, then only the matching runs come back', async () => {
    expect(ids(await history('--status', 'RolledBack', '--function', fnA))).toEqual([seeds[1]!.id]);
    expect(ids(await history('--kind', 'sync', '--function', fnA))).toEqual([seeds[3]!.id]);
    // A KeywordList matches when any of its regions is the one asked for.
    expect(ids(await history('--region', 'ap-beijing', '--function', fnA))).toEqual([seeds[3]!.id, seeds[1]!.id]);
    expect(ids(await history('--by', 'alice', '--since', '1h'))).toEqual([seeds[2]!.id, seeds[0]!.id]);
    expect(await history('--function', fnA, '--since', new Date(Date.now() + 60_000).toISOString())).toEqual([]);
  });

  it('when a filter value contains quotes, then it is matched literally and cannot widen the query', async () => {
    expect(ids(await history('--function', fnQuote))).toEqual([seeds[5]!.id]);
    // Naively quoted this would read `ScfFunction = "x-…" OR ScfFunction != ""` and list every run.
    // (The dev server's SQLite visibility matches no value holding `"` or `\`, escaped or not; SCF
    // names never contain them, so what matters is that the query cannot be widened.)
    expect(await history('--function', fnEvil)).toEqual([]);
    expect(await history('--function', `${fnA}\\`)).toEqual([]);
  });

  it('when a filter is invalid, then the command refuses it as an input error', async () => {
    for (const args of [['--status', 'Exploded'], ['--kind', 'deploy'], ['--since', 'last tuesday']]) {
      const run = await runCli(registerHistoryCommand, ['history', ...args]);
      expect(run.exitCode).toBe(64);
    }
  });

  it('when printed as a table, then each run shows its status, function and Web UI link, and the list link carries the query', async () => {
    const run = await runCli(registerHistoryCommand, ['history', '--function', fnB]);
    expect(run.stdout).toMatch(new RegExp(`release\\s+default/${fnB}\\s+Succeeded\\s+7\\s+ap-guangzhou\\s+alice`));
    expect(run.stdout).toContain(`${harnessInfo().uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(`ReleaseKind IN ("release", "sync", "rollback", "fleet") AND ScfFunction = "${fnB}"`)}`);
    // Each run's own link (and its full workflow id) behind --wide; the narrow table has the short id.
    const wide = await runCli(registerHistoryCommand, ['history', '--function', fnB, '--wide']);
    expect(wide.stdout).toContain(`${harnessInfo().uiUrl}/namespaces/default/workflows/${encodeURIComponent(`release/default/${fnB}/`)}`);
    expect(run.stdout).not.toContain('/namespaces/default/workflows/release');
  });

  it('when the query is built, then every value is a quoted literal and the clauses are ANDed', () => {
    expect(quoteLiteral('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(() => quoteLiteral('a\nb')).toThrow(/control character/);
    expect(
      buildVisibilityQuery({ functionName: 'f', region: 'ap-tokyo', status: 'Succeeded', kind: 'release', startedBy: 'u', since: new Date('2025-01-01T00:00:00Z') }),
    ).toBe('ReleaseKind = "release" AND ScfFunction = "f" AND ScfRegions = "ap-tokyo" AND ReleaseStatus = "Succeeded" AND StartedBy = "u" AND StartTime >= "2025-01-01T00:00:00.000Z"');
    expect(parseSince('7d', new Date('2025-01-08T00:00:00Z')).toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });
});
