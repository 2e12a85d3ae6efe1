/**
 * `npm run build`: the CLI and the worker compiled to dist/ with the workflow bundle prebuilt, and
 * what the image runs from it (`node dist/client/cli.js`, `node dist/worker/main.js`) working without tsx.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '../harness/eventually';
import { freePort } from '../harness/ports';
import { uniqueTaskQueue } from '../harness/temporal';
import { useScfWorld } from '../harness/use-scf-world';
import { within } from '../harness/within';
import { deployedWorkerEnv, killWorkerProcesses, spawnWorker } from '../harness/worker-process';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

describe('the compiled build', () => {
  let artifactDir: string;
  beforeAll(async () => {
    artifactDir = mkdtempSync(path.join(tmpdir(), 'build-artifacts-'));
    await run('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  }, 600_000);
  afterAll(async () => {
    await killWorkerProcesses();
    if (artifactDir) rmSync(artifactDir, { recursive: true, force: true });
  });
  const t = useScfWorld({ worker: false });

  it('when built, then the compiled CLI answers --help with its commands and the workflow bundle is there', async () => {
    const { stdout } = await run(process.execPath, ['dist/client/cli.js', '--help'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
    for (const command of ['release', 'rollback', 'sync', 'status', 'setup']) expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    expect(statSync(path.join(ROOT, 'dist/workflow-bundle.js')).size).toBeGreaterThan(0);
    // Its traced twin, for a worker with OTEL_EXPORTER_OTLP_ENDPOINT: only it carries the OpenTelemetry interceptors.
    const plain = readFileSync(path.join(ROOT, 'dist/workflow-bundle.js'), 'utf8');
    const traced = readFileSync(path.join(ROOT, 'dist/workflow-bundle.traced.js'), 'utf8');
    expect({ plain: plain.includes('OpenTelemetryInboundInterceptor'), traced: traced.includes('OpenTelemetryInboundInterceptor') }).toEqual({ plain: false, traced: true });
  });

  it('when the compiled worker runs with the prebuilt bundle, then it becomes ready and drains on SIGTERM', async () => {
    const healthPort = await freePort();
    const worker = spawnWorker(
      deployedWorkerEnv(
        { simulatorUrl: t.world.sim.url, packageDir: t.world.packageDir, artifactDir, taskQueue: uniqueTaskQueue('compiled') },
        { SCF_RELEASE_WORKFLOW_BUNDLE: path.join(ROOT, 'dist/workflow-bundle.js'), SCF_RELEASE_HEALTH_ADDRESS: `127.0.0.1:${healthPort}` },
      ),
      { compiled: true },
    );
    await within(worker.ready, 60_000, 'compiled worker running', worker.output);
    const ready = await eventually(() => fetch(`http://127.0.0.1:${healthPort}/readyz`).then((r) => r.status), (s) => s === 200, 30_000);
    expect(ready).toBe(200);
    worker.signal('SIGTERM');
    expect(await within(worker.exited, 30_000, 'compiled worker exit', worker.output)).toEqual({ code: 0, signal: null });
  });
});
