/**
 * The real activities against a test's own simulator, through the real SDK (endpoint override, the
 * simulator's built-in keys), as loadScfConfig would set them up for SCF_ENDPOINT=<simulator> and
 * SCF_PACKAGE_DIR=<dir>: snapshots in `<dir>/artifacts`, local packages from `dir`, fast polls.
 */
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { createActivities } from '../../activities/activities';
import { LocalArtifactStore } from '../../activities/artifact-store';
import { RateLimiter } from '../../activities/rate-limiter';
import { createScfClientFactory } from '../../activities/scf-client';
import { DEFAULT_CREDENTIALS, type RunningSimulator } from '../../simulator';

export interface SimulatorActivitiesOptions {
  logger?: Logger;
  limiter?: RateLimiter;
  waitPolicy?: { initialMs: number; maxMs: number };
}

export function activitiesOnSimulator(sim: RunningSimulator, dir: string, opts: SimulatorActivitiesOptions = {}) {
  const scf = createScfClientFactory(
    { endpoint: sim.endpoint, protocol: 'http://', timeoutMs: 30_000, credentials: 'default', account: 'sim' },
    { credential: { secretId: DEFAULT_CREDENTIALS.secretId, secretKey: DEFAULT_CREDENTIALS.secretKey } },
  );
  return createActivities({
    scf,
    store: new LocalArtifactStore(path.join(dir, 'artifacts')),
    logger: opts.logger ?? pino({ level: 'silent' }),
    limiter: opts.limiter ?? new RateLimiter(),
    waitPolicy: opts.waitPolicy ?? { initialMs: 25, maxMs: 100 },
    packages: { localDir: dir, simulatorHost: sim.endpoint },
  });
}
