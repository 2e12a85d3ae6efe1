/**
 * What the bench calls SCF with: the raw SDK client (no limiter, no retry) and the activities
 * (ScfGateway: limiter, throttle backoff, log line, error table), both against the simulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createActivities, type Activities } from '../activities/activities';
import { LocalArtifactStore } from '../activities/artifact-store';
import type { RateLimiter } from '../activities/rate-limiter';
import { createScfClientFactory, type ScfClientFactory, type ScfSdkClient } from '../activities/scf-client';
import { DEFAULT_CREDENTIALS } from '../simulator';

export const REGION = 'ap-guangzhou';
export const NAMESPACE = 'default';
export const ACCOUNT = 'bench';

export function clientFactory(endpoint: string): ScfClientFactory {
  return createScfClientFactory(
    { endpoint, protocol: 'http://', timeoutMs: 30_000, credentials: 'default', account: ACCOUNT },
    { credential: { secretId: DEFAULT_CREDENTIALS.secretId, secretKey: DEFAULT_CREDENTIALS.secretKey } },
  );
}

/** A raw SDK client (tencentcloud-sdk-nodejs-scf), as the activities use it, without anything around it. */
export function rawClient(endpoint: string): ScfSdkClient {
  return clientFactory(endpoint).forRegion(REGION);
}

export interface BenchActivities {
  activities: Activities;
  /** Lines the gateway logged (one per SCF call, throttled retries included). */
  logLines(): number;
  dispose(): void;
}

/**
 * The activities as a worker builds them, with the logger at `info` (the gateway writes one line per
 * call in production, so its cost is part of what is measured) writing into a counter, not a terminal.
 */
export function benchActivities(endpoint: string, limiter: RateLimiter | undefined): BenchActivities {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scf-bench-'));
  let lines = 0;
  const logger = pino({ level: 'info' }, { write: () => void (lines += 1) });
  const activities = createActivities({
    scf: clientFactory(endpoint),
    store: new LocalArtifactStore(path.join(dir, 'artifacts')),
    logger,
    limiter,
  });
  return { activities, logLines: () => lines, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The Tencent error code of a failed SDK call or activity (ApplicationFailure.type), '' when none. */
export function errorCode(err: unknown): string {
  const e = err as { code?: unknown; type?: unknown };
  if (typeof e?.type === 'string') return e.type;
  if (typeof e?.code === 'string') return e.code;
  return '';
}

export const isThrottle = (code: string) => code.startsWith('RequestLimitExceeded');
