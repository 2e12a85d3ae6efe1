/**
 * The CLI end to end: the real `scf-release` process against the run's dev server and a simulator
 * world with a real worker. Each test releases its own function, so tests never share a lock.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { MUTATING } from '../../simulator/actions';
import { SA_FUNCTION, SA_KIND, SA_STARTED_BY } from '../../workflows/definitions';
import { eventually } from '../harness/eventually';
import { spawnCli } from '../harness/run-cli';
import { uniqueTaskQueue } from '../harness/temporal';
import { useScfWorld } from '../harness/use-scf-world';

const V1 = { 'index.js': "exports.main_handler = async (event) => ({ ok: true, version: 'v1' });\n" };
const V2 = { 'index.js': "exports.main_handler = async (event) => ({ ok: true, version: 'v2', echo: event });\n" };
/** The type of the workflows workflowsOf starts (and no worker runs) to know visibility has caught up. */
const VISIBILITY_CONTROL = 'visibilityControl';

describe('the scf-release CLI', () => {
  const t = useScfWorld();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-test-'));

  /** Writes `manifest` as the YAML file of function `fn` and returns its path. */
  function writeManifest(fn: string, manifest: Record<string, unknown>): string {
    const file = path.join(dir, `${fn}.yaml`);
    writeFileSync(file, YAML.stringify(manifest));
    return file;
  }

  /** A function of the test's own, seeded in the primary and one target region; returns its manifest. */
  function seededManifest(extra: Record<string, unknown> = {}): { fn: string; file: string; sha256: string } {
    const fn = `cli-${randomUUID().slice(0, 8)}`;
    for (const region of ['ap-guangzhou', 'ap-shanghai']) {
      t.world.sim.admin.seedFunction({ region, functionName: fn, files: V1, handler: 'index.main_handler', runtime: 'Nodejs18.15' });
    }
    const pkg = t.world.makePackage(V2);
    const file = writeManifest(fn, {
      function: fn,
      region: 'ap-guangzhou',
      regions: ['ap-shanghai', 'ap-singapore'],
      package: { path: pkg.location },
      verification: [{ name: 'answers', event: { hi: 1 }, expect: { retMsgJsonSubset: { ok: true, version: 'v2' } } }],
      ...extra,
    });
    return { fn, file, sha256: pkg.sha256 };
  }

  /**
   * How many workflows of `fn` were started, counted once visibility (eventually consistent) has caught
   * up: a control workflow of `fn`, started now on a queue nobody polls, becomes visible only after
   * whatever was started before it (the bad-input corpus counts the same way).
   */
  async function workflowsOf(fn: string): Promise<number> {
    const control = await t.env.client.workflow.start(VISIBILITY_CONTROL, {
      workflowId: `control/${fn}/${randomUUID().slice(0, 8)}`,
      taskQueue: uniqueTaskQueue('cli-control'),
      typedSearchAttributes: [{ key: SA_FUNCTION, value: fn }],
    });
    try {
      await eventually(() => t.env.client.workflow.count(`WorkflowId = '${control.workflowId}'`), (c) => c.count === 1);
      return (await t.env.client.workflow.count(`${SA_FUNCTION.name} = '${fn}' AND WorkflowType != '${VISIBILITY_CONTROL}'`)).count;
    } finally {
      await control.terminate('visibility control: counted');
    }
  }

  it('when the manifest is invalid, then it exits 64 naming the field and nothing is started', async () => {
    const { world } = t;
    const fn = `cli-bad-${randomUUID().slice(0, 8)}`;
    const file = writeManifest(fn, {
      function: fn,
      region: 'ap-guangzhou',
      package: { url: 'https://example.com/x.zip', sha256: 'f'.repeat(64) },
      alias: { name: 'live', steps: [{ percent: 30 }, { percent: 20 }, { percent: 100 }] },
    });
    world.sim.admin.clearRequestLog();
    const run = await spawnCli(['release', '-f', file, '--task-queue', world.taskQueue]);
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/alias\.steps\[1\]\.percent: is 20, not more than the previous step's 30; percentages must strictly increase/);
    expect(run.stderr).toContain('nothing was started');
    expect(await workflowsOf(fn)).toBe(0);
    expect(world.sim.admin.requestLog()).toEqual([]);
  });

  it('when a good manifest is released with --json, then it exits 0 with a Succeeded result on stdout', async () => {
    const { env, world } = t;
    const { fn, file, sha256 } = seededManifest();
    const run = await spawnCli(['release', '-f', file, '--json', '--by', 'ci-bot', '--task-queue', world.taskQueue]);
    expect(run.stderr).not.toMatch(/scf-release:/);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ status: 'Succeeded', exitCode: 0, workflowId: expect.stringMatching(new RegExp(`^release/default/${fn}/r-\\d{8}-\\d{6}-[0-9a-f]{4}$`)) });
    expect(out.uiUrl).toContain(encodeURIComponent(out.workflowId));
    expect(out.result.regions.map((r: { region: string; action: string }) => [r.region, r.action])).toEqual([
      ['ap-guangzhou', 'update-in-place'],
      ['ap-shanghai', 'update-in-place'],
      ['ap-singapore', 'create-by-copy'],
    ]);
    expect(out.result.sha256).toBe(sha256);
    const described = await env.client.workflow.getHandle(out.workflowId).describe();
    expect(described.typedSearchAttributes.get(SA_FUNCTION)).toBe(fn);
  });

  it('when verification fails in a target region, then release exits 2 and its summary says RolledBack, what was undone, and links the run', async () => {
    const { world } = t;
    const { fn, file } = seededManifest();
    // Works in the primary, throws everywhere else: the primary verifies, the targets do not.
    const broken = world.makePackage({
      'index.js':
        "exports.main_handler = async () => { if (process.env.TENCENTCLOUD_REGION !== 'ap-guangzhou') throw new Error('no greeting here'); return { ok: true, version: 'v2' }; };\n",
    });
    const run = await spawnCli(['release', '-f', file, '--package', broken.location, '--task-queue', world.taskQueue]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(new RegExp(`Release r-\\S+ of default/${fn}: RolledBack`));
    expect(run.stdout).toMatch(/VerificationFailed in ap-(shanghai|singapore)/);
    expect(run.stdout).toMatch(/ok\s+restore-code \(ap-guangzhou\)/);
    expect(run.stdout).toMatch(/ok\s+delete-copied-function \(ap-singapore\)/);
    expect(run.stdout).toMatch(/Temporal UI: http:\/\/\S+\/namespaces\/default\/workflows\/release%2Fdefault%2F/);
    for (const region of ['ap-guangzhou', 'ap-shanghai']) {
      expect(world.sim.admin.getFunction(region, 'default', fn)?.codeSha256).not.toBe(broken.sha256);
    }
    expect(world.sim.admin.getFunction('ap-singapore', 'default', fn)).toBeUndefined();

    // A release that did not succeed is no rollback target; it is refused before anything starts.
    const rolledBack = /^Started (\S+)/m.exec(run.stdout)![1]!;
    const before = await workflowsOf(fn);
    const refused = await spawnCli(['rollback', '--function', fn, '--to', rolledBack, '--task-queue', world.taskQueue]);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain(`scf-release: ${rolledBack} did not succeed (RolledBack); roll back to a release that did`);
    expect(await workflowsOf(fn)).toBe(before);
  });

  it('when a good release is followed by another, then rollback brings back the earlier code in every region, filed as a rollback', async () => {
    const { env, world } = t;
    const { fn, file, sha256: v2 } = seededManifest({ alias: { name: 'live', steps: [{ percent: 50 }, { percent: 100 }] } });
    const first = await spawnCli(['release', '-f', file, '--json', '--task-queue', world.taskQueue]);
    expect(first.code).toBe(0);
    const v3 = world.makePackage({ 'index.js': "exports.main_handler = async (event) => ({ ok: true, version: 'v2', build: 3, echo: event });\n" });
    const second = await spawnCli(['release', '-f', file, '--package', v3.location, '--json', '--task-queue', world.taskQueue]);
    expect(second.code).toBe(0);
    const releases = await eventually(
      () => env.client.workflow.count(`${SA_FUNCTION.name} = '${fn}' AND ReleaseStatus = 'Succeeded'`),
      (r) => r.count === 2,
    );
    expect(releases.count).toBe(2);

    // --redeploy: the package comes back through the release path (test/client/rollback.test.ts has the instant one).
    const run = await spawnCli(['rollback', '--function', fn, '--redeploy', '--all-at-once', '--json', '--by', 'oncall', '--task-queue', world.taskQueue]);

    expect(run.stderr).not.toMatch(/scf-release:/);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ status: 'Succeeded', result: { sha256: v2 } });
    for (const region of ['ap-guangzhou', 'ap-shanghai', 'ap-singapore']) {
      const view = world.sim.admin.getFunction(region, 'default', fn)!;
      expect(view.codeSha256).toBe(v2);
      const alias = view.aliases.find((a) => a.name === 'live')!;
      expect(view.versions.find((v) => v.version === alias.functionVersion)?.codeSha256).toBe(v2);
      expect(alias.weights).toEqual([]);
    }
    const described = await env.client.workflow.getHandle(out.workflowId).describe();
    expect(described.typedSearchAttributes.get(SA_KIND)).toBe('rollback');
    expect(described.typedSearchAttributes.get(SA_STARTED_BY)).toBe('oncall');
    expect(await described.memo).toMatchObject({ rollbackTo: JSON.parse(first.stdout).workflowId });

    // --to names the target: the second release's code is what a plan back to it would release.
    const planned = await spawnCli(['rollback', '--function', fn, '--to', JSON.parse(second.stdout).workflowId, '--plan', '--json', '--task-queue', world.taskQueue]);
    expect(planned.stderr).toContain(`Plan: roll default/${fn} back to ${JSON.parse(second.stdout).workflowId} (sha256 ${v3.sha256.slice(0, 12)})`);
    expect(planned.code).toBe(0);
    expect(JSON.parse(planned.stdout)).toMatchObject({ functionName: fn, sha256: v3.sha256 });
  });

  it('when a function has no earlier good release, then rollback refuses with exit 64 and starts nothing', async () => {
    const { world } = t;
    const fn = `cli-none-${randomUUID().slice(0, 8)}`;
    const run = await spawnCli(['rollback', '--function', fn, '--task-queue', world.taskQueue]);
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/no earlier successful release of default\/cli-none-\S+ with other code than the current one; name one with --to <release id>/);
    expect(await workflowsOf(fn)).toBe(0);
  });

  it('when --plan is given, then it prints each region\'s action and the simulator sees no mutating call', async () => {
    const { world } = t;
    const { fn, file } = seededManifest();
    world.sim.admin.clearRequestLog();
    const run = await spawnCli(['release', '-f', file, '--plan', '--json', '--task-queue', world.taskQueue]);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan.regions.map((r: { region: string; action: string }) => [r.region, r.action])).toEqual([
      ['ap-guangzhou', 'update-in-place'],
      ['ap-shanghai', 'update-in-place'],
      ['ap-singapore', 'create-by-copy'],
    ]);
    const log = world.sim.admin.requestLog().filter((entry) => entry.function === fn);
    expect(log.length).toBeGreaterThan(0);
    expect(log.filter((entry) => MUTATING.has(entry.action))).toEqual([]);
    expect(world.sim.admin.getFunction('ap-singapore', 'default', fn)).toBeUndefined();
  });

  it('when a release waits for approval, then --detach, status, a refused second release, approve and watch all work', async () => {
    const { world } = t;
    // The 50 % bake is long enough for a second approve to find the release still running.
    const { fn, file } = seededManifest({ alias: { name: 'live', requireApproval: true, steps: [{ percent: 50, bake: 10 }, { percent: 100 }] } });
    const detached = await spawnCli(['release', '-f', file, '--detach', '--json', '--by', 'alice', '--task-queue', world.taskQueue]);
    expect(detached.code).toBe(0);
    const { workflowId, releaseId } = JSON.parse(detached.stdout);
    expect(workflowId).toBe(`release/default/${fn}/${releaseId}`);

    // It holds the function's lock while it waits at the gate.
    const waiting = await eventually(
      async () => JSON.parse((await spawnCli(['status', releaseId, '--json'])).stdout),
      (status) => status.progress?.awaitingApproval === true,
      30_000,
    );
    expect(waiting).toMatchObject({ state: 'running', status: 'Running', workflowId });

    const second = await spawnCli(['release', '-f', file, '--task-queue', world.taskQueue]);
    expect(second.code).toBe(5);
    expect(second.stderr).toContain(`function default/${fn} is being released by ${workflowId} (started by alice)`);

    const approved = await spawnCli(['approve', '--function', fn, '--by', 'bob']);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`${workflowId}: approved by bob at `);
    // The gate is open now: a second approval is refused with the reason, and changes nothing.
    const again = await spawnCli(['approve', workflowId, '--by', 'carol']);
    expect(again.code).toBe(64);
    expect(again.stderr).toMatch(/scf-release: approval refused: r-\S+ was already approved by bob at \S+/);

    const watched = await spawnCli(['watch', workflowId, '--json']);
    expect(watched.code).toBe(0);
    expect(JSON.parse(watched.stdout)).toMatchObject({ status: 'Succeeded', workflowId });
    expect(watched.stderr).toContain(`Watching ${workflowId}`);

    const done = await spawnCli(['status', '--function', fn]);
    expect(done.code).toBe(64);
    expect(done.stderr).toContain(`no release of default/${fn} is running`);
  });

  it('when a waiting release is aborted by function, then watch ends with exit code 4 (Aborted)', async () => {
    const { world } = t;
    const { fn, file } = seededManifest({ alias: { name: 'live', requireApproval: true } });
    const detached = await spawnCli(['release', '-f', file, '--detach', '--json', '--task-queue', world.taskQueue]);
    const { workflowId } = JSON.parse(detached.stdout);
    await eventually(
      async () => JSON.parse((await spawnCli(['status', workflowId, '--json'])).stdout),
      (status) => status.progress?.awaitingApproval === true,
      30_000,
    );
    const aborted = await spawnCli(['abort', '--function', fn, '--reason', 'wrong build']);
    expect(aborted.code).toBe(0);
    expect(aborted.stdout).toContain('abort accepted');

    const watched = await spawnCli(['watch', workflowId]);
    expect(watched.code).toBe(4);
    expect(watched.stdout).toMatch(/Aborted/);
    expect(await workflowsOf(fn)).toBeGreaterThan(0);
  });
});
