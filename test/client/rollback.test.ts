/**
 * `scf-release rollback` of an alias release, end to end (the real CLI, a worker, the simulator):
 * instant (the alias moves back, one UpdateAlias per region, no code uploaded), planned exactly,
 * narrowed to a region subset, and the redeploy fallback when the version is gone, with the zip's
 * sha256 checked on the client before anything starts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { MUTATING } from '../../simulator/actions';
import { SA_FUNCTION, SA_KIND } from '../../workflows/definitions';
import { eventually } from '../harness/eventually';
import { spawnCli } from '../harness/run-cli';
import { useScfWorld } from '../harness/use-scf-world';

const REGIONS = ['ap-guangzhou', 'ap-shanghai'];
const code = (version: string) => ({ 'index.js': `exports.main_handler = async () => ({ ok: true, version: '${version}' });\n` });

describe('scf-release rollback of an alias release', () => {
  const t = useScfWorld();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rollback-test-'));

  /**
   * A function released twice through alias `live` (v2, then v3) in both regions; returns its name,
   * the manifest, the v2 package and, per region, the version the alias served after the first release.
   */
  async function releasedTwice() {
    const { world, env } = t;
    const fn = `rb-${randomUUID().slice(0, 8)}`;
    for (const region of REGIONS) world.sim.admin.seedFunction({ region, functionName: fn, files: code('v1'), handler: 'index.main_handler', runtime: 'Nodejs18.15' });
    const v2 = world.makePackage(code('v2'));
    const file = path.join(dir, `${fn}.yaml`);
    writeFileSync(
      file,
      YAML.stringify({
        function: fn,
        region: REGIONS[0],
        regions: REGIONS.slice(1),
        package: { path: v2.location },
        verification: [{ name: 'answers', event: {}, expect: { retMsgJsonSubset: { ok: true } } }],
        alias: { name: 'live', steps: [{ percent: 50 }, { percent: 100 }] },
      }),
    );
    const first = await spawnCli(['release', '-f', file, '--json', '--task-queue', world.taskQueue]);
    expect(first.code).toBe(0);
    const firstVersions = Object.fromEntries(REGIONS.map((r) => [r, world.sim.admin.getFunction(r, 'default', fn)!.aliases[0]!.functionVersion]));
    const v3 = world.makePackage(code('v3'));
    const second = await spawnCli(['release', '-f', file, '--package', v3.location, '--json', '--task-queue', world.taskQueue]);
    expect(second.code).toBe(0);
    const found = await eventually(() => env.client.workflow.count(`${SA_FUNCTION.name} = '${fn}' AND ReleaseStatus = 'Succeeded'`), (r) => r.count === 2);
    expect(found.count).toBe(2);
    return { fn, file, v2, v3, firstVersions, firstId: JSON.parse(first.stdout).workflowId as string };
  }

  const aliasVersion = (fn: string, region: string) => t.world.sim.admin.getFunction(region, 'default', fn)!.aliases.find((a) => a.name === 'live');
  const calls = (fn: string) => t.world.sim.admin.requestLog().filter((e) => e.function === fn);

  it('when a function was released twice, then rollback moves the alias back in every region with one UpdateAlias each, uploading nothing, and calls itself a rollback', async () => {
    const { world, env } = t;
    const { fn, v2, v3, firstVersions, firstId } = await releasedTwice();
    world.sim.admin.clearRequestLog();

    const run = await spawnCli(['rollback', '--function', fn, '--task-queue', world.taskQueue]);

    expect(run.stderr).not.toMatch(/scf-release:/);
    expect(run.code).toBe(0);
    for (const region of REGIONS) {
      expect(run.stdout).toMatch(new RegExp(`${region}: alias live \\d+ → ${firstVersions[region]}`));
      expect(aliasVersion(fn, region)).toEqual({ name: 'live', functionVersion: firstVersions[region], weights: [] });
      // $LATEST keeps the newest code: only the alias moved.
      expect(world.sim.admin.getFunction(region, 'default', fn)!.codeSha256).toBe(v3.sha256);
    }
    const mutating = calls(fn).filter((e) => MUTATING.has(e.action) && e.outcome === 'OK').map((e) => `${e.action}@${e.region}`);
    expect(mutating.sort()).toEqual(REGIONS.map((r) => `UpdateAlias@${r}`).sort());
    expect(run.stdout).toMatch(/Rollback r-\S+ of default\/rb-\S+: Succeeded/);
    expect(run.stdout).not.toMatch(/Release r-\S+ of/);
    expect(run.stdout).toContain(`rolled back default/${fn} to sha256 ${v2.sha256.slice(0, 12)} (${firstId}) by moving alias live`);

    const workflowId = /^Started (\S+)/m.exec(run.stdout)![1]!;
    const described = await env.client.workflow.getHandle(workflowId).describe();
    expect(described.typedSearchAttributes.get(SA_KIND)).toBe('rollback');
    const result = await env.client.workflow.getHandle(workflowId).result();
    expect(result.rollback).toMatchObject({ to: firstId, mode: 'alias' });
    expect(result.regions.map((r: { action: string }) => r.action)).toEqual(['move-alias', 'move-alias']);
  });

  it('when rollback --plan is asked, then it names alias, region and versions and changes nothing', async () => {
    const { world } = t;
    const { fn, firstVersions, firstId } = await releasedTwice();
    const before = Object.fromEntries(REGIONS.map((r) => [r, aliasVersion(fn, r)!.functionVersion]));
    world.sim.admin.clearRequestLog();

    const run = await spawnCli(['rollback', '--function', fn, '--plan', '--json', '--task-queue', world.taskQueue]);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`Plan: roll default/${fn} back to ${firstId}`);
    expect(run.stderr).toContain('nothing was changed');
    expect(run.stderr).not.toMatch(/^Rolling/m);
    const plan = JSON.parse(run.stdout);
    expect(plan.rollback).toEqual(
      REGIONS.map((region) => ({ region, alias: 'live', fromVersion: before[region], toVersion: firstVersions[region], move: 'alias' })),
    );
    for (const region of REGIONS) expect(run.stderr).toContain(`${region}: alias live ${before[region]} → ${firstVersions[region]}`);
    expect(calls(fn).filter((e) => MUTATING.has(e.action))).toEqual([]);
    for (const region of REGIONS) expect(aliasVersion(fn, region)!.functionVersion).toBe(before[region]);
  });

  it('when rollback is narrowed with --region, then only that region\'s alias moves', async () => {
    const { world } = t;
    const { fn, firstVersions } = await releasedTwice();
    const before = aliasVersion(fn, 'ap-guangzhou')!.functionVersion;

    const run = await spawnCli(['rollback', '--function', fn, '--region', 'ap-shanghai', '--json', '--task-queue', world.taskQueue]);

    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.result.regions.map((r: { region: string }) => r.region)).toEqual(['ap-shanghai']);
    expect(aliasVersion(fn, 'ap-shanghai')!.functionVersion).toBe(firstVersions['ap-shanghai']);
    expect(aliasVersion(fn, 'ap-guangzhou')!.functionVersion).toBe(before);
  });

  it('when the version is gone and the zip was rebuilt, then rollback refuses on the client before anything starts; with the zip intact it redeploys', async () => {
    const { world } = t;
    const { fn, v2, firstVersions } = await releasedTwice();
    // The version the first release left in ap-shanghai is deleted (the alias no longer serves it).
    await world.activities.deleteVersion({ fn: { region: 'ap-shanghai', namespace: 'default', functionName: fn }, version: firstVersions['ap-shanghai']! });
    const original = readFileSync(v2.location);
    writeFileSync(v2.location, Buffer.concat([original, Buffer.from('rebuilt')]));
    world.sim.admin.clearRequestLog();

    const refused = await spawnCli(['rollback', '--function', fn, '--task-queue', world.taskQueue]);

    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain(`scf-release: cannot roll back by redeploying: ${v2.location} now has sha256`);
    expect(refused.stderr).toContain('(it was rebuilt or replaced), so the redeploy would fail its sha check');
    expect(calls(fn).filter((e) => MUTATING.has(e.action))).toEqual([]);

    writeFileSync(v2.location, original);
    const run = await spawnCli(['rollback', '--function', fn, '--all-at-once', '--json', '--task-queue', world.taskQueue]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`version ${firstVersions['ap-shanghai']} no longer exists in ap-shanghai`);
    const out = JSON.parse(run.stdout);
    expect(out.result.rollback).toMatchObject({ mode: 'redeploy' });
    expect(out.result.summary).toMatch(/^rolled back .* by redeploying its package/);
    for (const region of REGIONS) expect(world.sim.admin.getFunction(region, 'default', fn)!.codeSha256).toBe(v2.sha256);
  });
});
