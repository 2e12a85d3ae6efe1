/**
 * What a person meets around a release: `--version`, and a release nobody will run (no worker polls
 * its task queue) that says so instead of staying silent.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawnCli, spawnCliLive } from '../harness/run-cli';
import { uniqueTaskQueue } from '../harness/temporal';
import { useScfWorld } from '../harness/use-scf-world';

describe('the scf-release CLI, around a release', () => {
  const t = useScfWorld();

  it('when asked for --version, then it prints package.json\'s version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string };
    const run = await spawnCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(version);
  });

  it('when a release starts on a task queue no worker polls, then it warns and names the command that starts one', async () => {
    const fn = `ux-idle-${randomUUID().slice(0, 8)}`;
    const pkg = t.world.makePackage({ 'index.js': 'exports.main_handler = async () => ({ ok: true });\n' });
    const taskQueue = uniqueTaskQueue('no-worker');
    const live = spawnCliLive([
      'release', '--function', fn, '--region', 'ap-guangzhou', '--package', pkg.location, '--task-queue', taskQueue,
    ]);
    try {
      const seen = await live.waitFor(/no worker is polling task queue "[^"]+"/);
      expect(seen).toContain(`no worker is polling task queue "${taskQueue}"`);
      expect(seen).toMatch(/npm run worker/);
      expect(seen).toContain(`SCF_RELEASE_TASK_QUEUE=${taskQueue}`);
      // Only a warning: the release was started and keeps waiting for a worker.
      expect(seen).toMatch(new RegExp(`^Started release/default/${fn}/`, 'm'));
    } finally {
      await live.stop();
      for await (const run of t.env.client.workflow.list({ query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"` })) {
        await t.env.client.workflow.getHandle(run.workflowId).terminate('test cleanup');
      }
    }
  });
});
