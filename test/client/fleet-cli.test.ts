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
import { registerStatusCommand } from '../../client/commands/status';
import { registerWatchCommand } from '../../client/commands/watch';
import { MUTATING } from '../../simulator/actions';
import { eventually } from '../harness/eventually';
import { runCli, spawnCli } from '../harness/run-cli';
import { useScfWorld } from '../harness/use-scf-world';
import { OLD_CODE, PRIMARY, newCode, uniqueFunctionName } from '../release/fixtures';
import { waitForRequest } from '../release/world-helpers';

const register = (program: Command) => {
  registerReleaseCommand(program);
  registerShowCommand(program);
  registerHistoryCommand(program);
  registerAbortCommand(program);
  registerStatusCommand(program);
  registerWatchCommand(program);
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

  it('when a fleet is started with --detach, then status shows its progress once, watch follows it to the end with its exit code, and status then shows the result', async () => {
    const { file, names } = fleetManifest(uniqueFunctionName('watch'), 3);
    // The canary's update is held, so the fleet is surely running while status looks at it.
    t.world.sim.admin.holdNext({ region: PRIMARY, functionName: names[0], transition: 'update' });
    const detached = await runCli(register, ['release', '-f', file, '--detach', '--task-queue', t.world.taskQueue]);
    expect(detached.exitCode).toBe(0);
    const workflowId = detached.stdout.trim();
    expect(workflowId).toMatch(/^fleet\//);
    expect(detached.stderr).toContain(`scf-release watch ${workflowId}`);
    await waitForRequest(t.world, { action: 'UpdateFunctionCode', region: PRIMARY, functionName: names[0] });

    const running = await runCli(register, ['status', workflowId]);
    expect(running.error).toBeUndefined();
    expect(running.exitCode).toBe(0);
    expect(running.stdout).toMatch(new RegExp(`wave 1/2  done 0/3  running 1  failed 0  throttled \\d`));
    expect(running.stdout).toContain(`running: default/${names[0]}`);
    expect(running.stdout).toContain('The fleet and its releases: http');
    const runningJson = JSON.parse((await runCli(register, ['status', workflowId, '--json'])).stdout);
    expect(runningJson).toMatchObject({ workflowId, status: 'Running', progress: { totals: { total: 3, done: 0, running: 1 } } });

    t.world.sim.admin.releaseHold({ region: PRIMARY, functionName: names[0] });
    const watched = await runCli(register, ['watch', workflowId, '--json']);
    expect(watched.error).toBeUndefined();
    expect(watched.exitCode).toBe(0);
    expect(JSON.parse(watched.stdout)).toMatchObject({ workflowId, status: 'Succeeded', exitCode: 0, result: { totals: { succeeded: 3 } } });
    expect(watched.stderr).toContain(`Watching ${workflowId}`);

    const ended = await runCli(register, ['status', workflowId]);
    expect(ended.exitCode).toBe(0);
    expect(ended.stdout).toContain('Succeeded');
    expect(ended.stdout).toContain(`scf-release show ${workflowId}`);
    // The printed Temporal UI list link's query finds the fleet and each of its releases.
    const listLink = /The fleet and its releases: (\S+)/.exec(ended.stdout)?.[1];
    const query = new URL(listLink!).searchParams.get('query')!;
    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const info of t.env.client.workflow.list({ query })) ids.push(info.workflowId);
        return ids.sort();
      },
      (ids) => ids.length === 4,
    );
    expect(found).toEqual([workflowId, ...names.map((fn) => `release/default/${fn}/${workflowId.slice('fleet/'.length)}`)].sort());
    const endedJson = JSON.parse((await runCli(register, ['status', workflowId, '--json'])).stdout);
    expect(endedJson).toMatchObject({ workflowId, status: 'Succeeded', result: { totals: { succeeded: 3 } } });
  });

  it('when a fleet was aborted, then watch exits with the aborted exit code; an unknown fleet is refused with 64', async () => {
    const { file, names } = fleetManifest(uniqueFunctionName('wabort'), 3);
    t.world.sim.admin.holdNext({ region: PRIMARY, functionName: names[0], transition: 'update' });
    const workflowId = (await runCli(register, ['release', '-f', file, '--detach', '--task-queue', t.world.taskQueue])).stdout.trim();
    await waitForRequest(t.world, { action: 'UpdateFunctionCode', region: PRIMARY, functionName: names[0] });
    const aborted = await runCli(register, ['abort', workflowId, '--reason', 'not today']);
    expect(aborted.exitCode).toBe(0);
    expect(aborted.stdout).toBe(`${workflowId}: abort accepted; 2 release(s) will not start, 1 running one(s) are aborting. Follow it with \`scf-release watch ${workflowId}\`\n`);
    await waitForRequest(t.world, { action: 'UpdateFunctionCode', region: PRIMARY, functionName: names[0], outcome: 'FailedOperation.UpdateFunctionCode' });
    t.world.sim.admin.releaseHold({ region: PRIMARY, functionName: names[0] });

    // The real CLI, as a person types it after --detach: the process ends with the fleet's exit code.
    const watched = await spawnCli(['watch', workflowId]);
    expect(watched.stderr).toBe('');
    expect(watched.code).toBe(4);
    expect(watched.stdout).toContain(`Watching ${workflowId}`);
    expect(watched.stdout).toContain('Aborted');

    const unknown = await runCli(register, ['watch', 'fleet/no-such-fleet']);
    expect(unknown.exitCode).toBe(64);
    expect(unknown.stderr).toContain('no fleet fleet/no-such-fleet');
    expect((await runCli(register, ['status', 'fleet/no-such-fleet'])).exitCode).toBe(64);
  });
});
