/**
 * `scf-release release -f fleet.yaml` and the fleet's show / history / abort, in-process against the
 * run's dev server and a simulator world with a real worker.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import type { Command } from 'commander';
import { registerAbortCommand } from '../../client/commands/abort';
import { registerHistoryCommand } from '../../client/commands/history';
import { registerReleaseCommand } from '../../client/commands/release';
import { registerShowCommand } from '../../client/commands/show';
import { MUTATING } from '../../simulator/actions';
import { eventually } from '../harness/eventually';
import { runCli } from '../harness/run-cli';
import { useScfWorld } from '../harness/use-scf-world';
import { OLD_CODE, PRIMARY, newCode, uniqueFunctionName } from '../release/fixtures';

const register = (program: Command) => {
  registerReleaseCommand(program);
  registerShowCommand(program);
  registerHistoryCommand(program);
  registerAbortCommand(program);
};

describe('the fleet CLI', () => {
  const t = useScfWorld();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fleet-cli-test-'));

  function fleetManifest(prefix: string, count: number, policy: Record<string, unknown> = {}): { file: string; names: string[] } {
    const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
    for (const functionName of names) {
      t.world.sim.admin.seedFunction({ region: PRIMARY, functionName, files: OLD_CODE, handler: 'index.main_handler', runtime: 'Nodejs18.15' });
    }
    const file = path.join(dir, `${prefix}.yaml`);
    const pkg = t.world.makePackage(newCode());
    writeFileSync(
      file,
      YAML.stringify({
        region: PRIMARY,
        package: { path: pkg.location },
        handler: 'index.main_handler',
        verification: [{ name: 'answers', event: {}, expect: { retMsgJsonSubset: { ok: true } } }],
        functions: names,
        policy: { maxConcurrency: 2, waves: [{ functions: 1 }, { percent: 100 }], ...policy },
      }),
    );
    return { file, names };
  }

  it('when a fleet manifest is planned, then it lists every function in its wave with its plan and changes nothing', async () => {
    const { file, names } = fleetManifest(uniqueFunctionName('plan'), 3);
    const run = await runCli(register, ['release', '-f', file, '--plan', '--task-queue', t.world.taskQueue]);

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/3 function\(s\) in 2 wave\(s\)/);
    expect(run.stdout).toMatch(new RegExp(`1 +default/${names[0]} +\\w{12} +${PRIMARY}:update-in-place`));
    expect(run.stdout).toMatch(new RegExp(`2 +default/${names[2]} `));
    const mutations = t.world.sim.admin.requestLog().filter((e) => names.includes(e.function ?? '') && MUTATING.has(e.action));
    expect(mutations).toEqual([]);
  });

  it('when a fleet is released with --json, then progress lines go to stderr, the result to stdout, and show and history find it', async () => {
    const { file, names } = fleetManifest(uniqueFunctionName('cli'), 3);
    const run = await runCli(register, ['release', '-f', file, '--json', '--task-queue', t.world.taskQueue, '--by', 'fleet-tester']);

    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(0);
    const out = JSON.parse(run.stdout) as { workflowId: string; status: string; exitCode: number; result: { totals: { succeeded: number } } };
    expect(out).toMatchObject({ status: 'Succeeded', exitCode: 0, result: { totals: { succeeded: 3 } } });
    expect(run.stderr).toMatch(/^\d\d:\d\d:\d\d wave \d\/2 {2}done \d\/3 {2}running \d {2}failed 0 {2}throttled \d/m);
    expect(run.stderr).not.toMatch(/\x1b\[/);

    const shown = await runCli(register, ['show', out.workflowId, '--limit', '2']);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toContain('Succeeded');
    expect(shown.stdout).toMatch(new RegExp(`1 +1 +default/${names[0]} +Succeeded +release/default/${names[0]}/`));
    expect(shown.stdout).toContain('1-2 of 3 (next: --offset 2)');
    expect(shown.stdout).not.toContain(names[2]);

    const listed = await eventually(
      () => runCli(register, ['history', '--kind', 'fleet', '--by', 'fleet-tester', '--json']),
      (r) => r.stdout.includes(out.workflowId),
    );
    expect(JSON.parse(listed.stdout).runs).toEqual([expect.objectContaining({ workflowId: out.workflowId, kind: 'fleet', status: 'Succeeded' })]);
    const children = await eventually(
      () => runCli(register, ['history', '--fleet', out.workflowId, '--kind', 'release', '--json']),
      (r) => JSON.parse(r.stdout).runs.length === 3,
    );
    expect(JSON.parse(children.stdout).runs.map((r: { functionName: string }) => r.functionName).sort()).toEqual(names);
  });

  it('when a release flag is given with a fleet manifest, then it is refused with exit 64 before anything starts', async () => {
    const { file } = fleetManifest(uniqueFunctionName('flag'), 1);
    const run = await runCli(register, ['release', '-f', file, '--function', 'other-fn', '--task-queue', t.world.taskQueue]);
    expect(run.exitCode).toBe(64);
    expect(run.stderr).toContain('--function cannot be used with a fleet manifest');
  });
});
