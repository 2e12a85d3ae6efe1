/**
 * Releases from a script or CI: examples/release-from-ci.ts starts a release through the programmatic
 * API, follows it and exits with its exit code; the GitHub Actions workflow runs that script with the
 * Temporal connection from the environment.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { connectionEnv } from '../harness/run-cli';
import { useScfWorld } from '../harness/use-scf-world';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = 'examples/release-from-ci.ts';
const WORKFLOW_FILE = 'examples/github-actions/release.yml';

/** Runs the example as CI would: only the environment configures it. */
function runExample(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [SCRIPT], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...connectionEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('releasing from CI', () => {
  const t = useScfWorld();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ci-example-'));

  function seededManifest(): { fn: string; file: string } {
    const fn = `ci-${randomUUID().slice(0, 8)}`;
    for (const region of ['ap-guangzhou', 'ap-shanghai']) {
      t.world.sim.admin.seedFunction({ region, functionName: fn, files: { 'index.js': 'exports.main_handler = async () => ({ ok: true, v: 1 });\n' }, handler: 'index.main_handler', runtime: 'Nodejs18.15' });
    }
    const file = path.join(dir, `${fn}.yaml`);
    writeFileSync(
      file,
      YAML.stringify({
        function: fn,
        region: 'ap-guangzhou',
        regions: ['ap-shanghai'],
        package: { path: t.world.makePackage({ 'index.js': 'exports.main_handler = async () => ({ ok: true, v: 2 });\n' }).location },
        verification: [{ name: 'answers', expect: { retMsgJsonSubset: { ok: true } } }],
      }),
    );
    return { fn, file };
  }

  it('when the example releases a good package, then it exits 0; a package that fails verification exits 2 (RolledBack)', async () => {
    const { fn, file } = seededManifest();
    // An unset secret reaches the step as an empty variable: it must count as unset.
    const env = { SCF_RELEASE_MANIFEST: file, SCF_RELEASE_TASK_QUEUE: t.world.taskQueue, SCF_RELEASE_USER: 'ci:test', TEMPORAL_API_KEY: '' };
    const good = await runExample(env);
    expect(good.output).toMatch(new RegExp(`Started release/default/${fn}/r-`));
    expect(good.output).toMatch(/Succeeded/);
    expect(good.code).toBe(0);

    const broken = t.world.makePackage({ 'index.js': "exports.main_handler = async () => { throw new Error('broken build'); };\n" });
    const rolledBack = await runExample({ ...env, SCF_RELEASE_PACKAGE: broken.location });
    expect(rolledBack.output).toMatch(/RolledBack/);
    expect(rolledBack.code).toBe(2);
  });

  it('when the manifest is invalid, then the example exits 64 and starts nothing', async () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, YAML.stringify({ function: 'x-fn', region: 'ap-shangai', package: './none.zip' }));
    const run = await runExample({ SCF_RELEASE_MANIFEST: file, SCF_RELEASE_TASK_QUEUE: t.world.taskQueue });
    expect(run.output).toContain('did you mean ap-shanghai?');
    expect(run.code).toBe(64);
  });

  it('when the GitHub Actions workflow is read, then a job runs the example with the Temporal connection from the environment', () => {
    const workflow = YAML.parse(readFileSync(path.join(ROOT, WORKFLOW_FILE), 'utf8')) as {
      on: unknown;
      jobs: Record<string, { 'runs-on': string; steps: Array<{ run?: string; uses?: string; env?: Record<string, string> }>; env?: Record<string, string> }>;
    };
    expect(workflow.on).toBeDefined();
    const jobs = Object.values(workflow.jobs);
    const job = jobs.find((j) => j.steps.some((step) => step.run?.includes(`npx tsx ${SCRIPT}`)));
    expect(job).toBeDefined();
    const step = job!.steps.find((s) => s.run?.includes(`npx tsx ${SCRIPT}`))!;
    const env = { ...job!.env, ...step.env };
    // The connection as @temporalio/envconfig reads it, from the repository's secrets and variables.
    expect(env.TEMPORAL_ADDRESS).toMatch(/^\$\{\{ (vars|secrets)\.TEMPORAL_ADDRESS \}\}$/);
    expect(env.TEMPORAL_NAMESPACE).toMatch(/^\$\{\{ (vars|secrets)\.TEMPORAL_NAMESPACE \}\}$/);
    expect(env.TEMPORAL_API_KEY).toBe('${{ secrets.TEMPORAL_API_KEY }}');
    expect(env.SCF_RELEASE_MANIFEST).toBeDefined();
    // Dependencies are installed before the script runs, from the lockfile.
    const runs = job!.steps.map((s) => s.run ?? s.uses ?? '');
    expect(runs.findIndex((r) => r.includes('npm ci'))).toBeLessThan(runs.findIndex((r) => r.includes(SCRIPT)));
    expect(runs.findIndex((r) => r.startsWith('actions/checkout'))).toBe(0);
  });
});
