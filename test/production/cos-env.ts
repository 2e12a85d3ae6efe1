/**
 * The COS settings a worker (and the client) take from the environment (activities/config.ts):
 * one list, so that the production test's workers and docker-compose.yml's worker are given the
 * same variables (test/platform/docker-compose.test.ts checks the compose side).
 */
import type { CosSettings } from '../../activities/cos-client';

export const COS_ENV = ['SCF_COS_BUCKET', 'SCF_COS_REGION', 'SCF_COS_PREFIX', 'SCF_COS_ENDPOINT'] as const;
export type CosEnvName = (typeof COS_ENV)[number];

/** `cos` as SCF_COS_* variables (SCF_COS_ENDPOINT only when the bucket is on a private endpoint). */
export function cosEnv(cos: CosSettings): Partial<Record<CosEnvName, string>> {
  return {
    SCF_COS_BUCKET: cos.bucket,
    SCF_COS_REGION: cos.region,
    SCF_COS_PREFIX: cos.prefix,
    ...(cos.endpoint ? { SCF_COS_ENDPOINT: cos.endpoint } : {}),
  };
}
