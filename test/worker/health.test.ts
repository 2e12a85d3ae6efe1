/**
 * The worker's health endpoints (worker/health.ts) over a real worker on the run's dev server:
 * /healthz answers while the process lives; /readyz only while the worker polls and Temporal answers.
 */
import { createReleaseWorker } from '../../worker/create-worker';
import { startHealthServer, type HealthServer } from '../../worker/health';
import { eventually } from '../harness/eventually';
import { harnessInfo, uniqueTaskQueue } from '../harness/temporal';
import { useScfWorld } from '../harness/use-scf-world';
import { within } from '../harness/within';

const status = async (url: string) => (await fetch(url)).status;

describe('the health endpoints', () => {
  const t = useScfWorld({ worker: false });
  let health: HealthServer | undefined;
  afterAll(() => health?.close());

  it('when the worker has not started, then it is live but not ready; running, ready; shut down, not ready', async () => {
    const worker = await createReleaseWorker({
      connection: t.env.nativeConnection,
      taskQueue: uniqueTaskQueue('health'),
      activities: t.world.activities,
      workflowBundle: { codePath: harnessInfo().workflowBundlePath },
    });
    health = await startHealthServer({ address: '127.0.0.1:0', worker, connection: t.env.nativeConnection });
    const { url } = health;

    expect(await status(`${url}/healthz`)).toBe(200);
    expect(await status(`${url}/readyz`)).toBe(503);

    const running = worker.run();
    expect(await eventually(() => status(`${url}/readyz`), (s) => s === 200, 60_000)).toBe(200);
    const body = await (await fetch(`${url}/readyz`)).json();
    expect(body).toMatchObject({ ready: true, state: 'RUNNING', temporal: 'ok' });

    worker.shutdown();
    await within(running, 60_000, 'the worker stopped');
    expect(await status(`${url}/readyz`)).toBe(503);
    expect(await status(`${url}/healthz`)).toBe(200);
    expect(await status(`${url}/nothing-here`)).toBe(404);
  });
});
