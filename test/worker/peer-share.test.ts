/**
 * Workers set their own share of the SCF limits (worker/peer-share.ts): 1 / the worker processes the
 * Temporal server sees polling the task queue. Two real worker processes on the dev server, as an
 * operator starts them: neither is told how many there are.
 */
import path from 'node:path';
import { countPollingWorkers } from '../../worker/peer-share';
import { eventually } from '../harness/eventually';
import { uniqueTaskQueue } from '../harness/temporal';
import { useScfWorld } from '../harness/use-scf-world';
import { deployedWorkerEnv, killWorkerProcesses, spawnWorker, type WorkerProcess } from '../harness/worker-process';

const shareLines = (w: WorkerProcess) => w.output().split('\n').filter((l) => l.includes('"msg":"rate limits: this worker takes'));

describe('each worker\'s share of the rate limits', () => {
  const t = useScfWorld({ worker: false });
  afterAll(() => killWorkerProcesses());

  it('when a second worker process starts polling the task queue, then each takes half of every limit on its own; with SCF_RATE_LIMIT_SHARE set, the share is left as set', async () => {
    const taskQueue = uniqueTaskQueue('peers');
    const env = deployedWorkerEnv({ simulatorUrl: t.world.sim.url, packageDir: t.world.packageDir, artifactDir: path.join(t.world.artifactDir, 'peers'), taskQueue });
    const count = () => countPollingWorkers({ connection: t.env.nativeConnection, namespace: 'default', taskQueue });
    expect(await count()).toBe(1); // nobody polls yet: a worker counts itself

    const first = spawnWorker(env);
    await first.ready;
    expect(await eventually(count, (n) => n === 1, 60_000)).toBe(1);
    const second = spawnWorker(env);
    await second.ready;
    expect(await eventually(count, (n) => n === 2, 60_000)).toBe(2);

    for (const w of [first, second]) {
      const lines = await eventually(() => shareLines(w), (ls) => ls.some((l) => l.includes('"workers":2')), 60_000);
      expect(JSON.parse(lines.find((l) => l.includes('"workers":2'))!)).toMatchObject({ workers: 2, share: 0.5 });
    }

    // A poller the server last saw long ago no longer counts (here: as if three minutes had passed).
    const later = await countPollingWorkers({ connection: t.env.nativeConnection, namespace: 'default', taskQueue }, new Date(Date.now() + 3 * 60_000));
    expect(later).toBe(1);

    // An operator who fixes the share keeps it: no counting.
    const fixed = spawnWorker({ ...env, SCF_RATE_LIMIT_SHARE: '0.25' });
    await fixed.ready;
    expect(fixed.output()).toContain('"rateLimitShare":0.25');
    expect(shareLines(fixed)).toEqual([]);
  });
});
