/**
 * The activities' public face for the worker (see worker/main.ts):
 *
 *   const config = loadScfConfig(process.env);                 // once, at worker start
 *   const logger = createWorkerLogger(level);                  // worker/logger.ts (redacts REDACT_PATHS)
 *   const activities = createActivities(createDefaultActivityDeps(config, logger));
 *   Worker.create({ ..., activities });
 *
 * Workflows import only `./contract` (types). Nothing here talks to SCF at import time.
 */
import type { Logger } from 'pino';
import type { Credential, DynamicCredential } from 'tencentcloud-sdk-nodejs-common/tencentcloud/common/interface';
import type { ActivityDeps } from './activities';
import { LocalArtifactStore, type ArtifactStore } from './artifact-store';
import type { ScfConfig } from './config';
import { CosBackedArtifactStore } from './cos-artifact-store';
import { CosObjects } from './cos-client';
import { RateLimiter } from './rate-limiter';
import { createScfClientFactory, credentialFor } from './scf-client';
import { createMonitorClientFactory } from './monitor';

export { createActivities, normalizeSha256, nameMatcher } from './activities';
export type { ActivityDeps, Activities, WaitPolicy } from './activities';
export { loadScfConfig, parseRateLimits, ScfConfigError, DOCUMENTED_RATE_LIMITS, DEFAULT_RATE_LIMIT } from './config';
export type { ScfConfig, CredentialSource } from './config';
export { RateLimiter, TokenBucket } from './rate-limiter';
export type { RateLimiterOptions, BucketStats } from './rate-limiter';
export { LocalArtifactStore, artifactRef, shaFromRef } from './artifact-store';
export type { ArtifactStore } from './artifact-store';
export { CosBackedArtifactStore } from './cos-artifact-store';
export { CosObjects, shaObjectKey, cosUri, type CosSettings, type CosLocation } from './cos-client';
export { createScfClientFactory, credentialFor, CredentialChain, ScfGateway } from './scf-client';
export type { ScfClientFactory, ScfSdkClient, ScfAction, ScfActionMap } from './scf-client';
export { validatePackageRef, assertPackageRef, PackageError, ZIPFILE_MAX_BASE64_BYTES, ZIPFILE_MAX_RAW_BYTES } from './packages';
export type { PackageRef, PackageIssue, PackageValidation } from './packages';
export { COS_HOST_PATTERNS, FetchPolicy, UrlRefused, isPublicAddress, redactUrl } from './url-policy';
export type { LookupAll, ResolvedAddress } from './url-policy';
export { ERROR_TABLE, FAMILY_RULES, classifyCode, toApplicationFailure, describeScfError } from './error-table';
export type { ErrorRule, ErrorClass, CallTarget } from './error-table';
export { REDACT_PATHS } from './logger';

export interface DefaultDepsOptions {
  /** Explicit credentials (e.g. the simulator's); default: the providers named by `config.credentials`. */
  credential?: Credential | DynamicCredential;
  /** Share one limiter between several `createActivities` calls of one process. */
  limiter?: RateLimiter;
}

/** The local artifact dir, backed by COS when the worker has a bucket (SCF_COS_*): snapshots then survive the host. */
function artifactStore(config: ScfConfig, credential: Credential | DynamicCredential): ArtifactStore {
  const local = new LocalArtifactStore(config.artifactDir);
  if (!config.cos) return local;
  const objects = new CosObjects({ endpoint: config.cos.endpoint, credential, timeoutMs: config.timeoutMs });
  return new CosBackedArtifactStore(local, objects, config.cos);
}

/**
 * The real dependencies: SDK client factory, local artifact store, worker-wide rate limiter. Logs
 * nothing: the worker logs its configuration once (`describeWorkerConfig`, worker/config.ts).
 */
export function createDefaultActivityDeps(config: ScfConfig, logger: Logger, options: DefaultDepsOptions = {}): ActivityDeps & { limiter: RateLimiter } {
  // One credential chain for SCF, Cloud Monitor and COS (each chain looks up the profile file and the CVM role).
  const credential = options.credential ?? credentialFor(config.credentials);
  return {
    scf: createScfClientFactory(config, { credential }),
    monitor: createMonitorClientFactory(config, { credential }),
    store: artifactStore(config, credential),
    logger,
    // `auto` starts at the whole limit; the worker then sets its share (worker/peer-share.ts).
    limiter: options.limiter ?? new RateLimiter({ limits: config.rateLimits, share: config.rateLimitShare === 'auto' ? 1 : config.rateLimitShare }),
    // First poll when SCF is expected to be done, then short steps: a 300 ms transition is seen at
    // ~300-400 ms instead of at the old +0/+250/+650 ms polls' 650 ms (BENCHMARKS.md, "polling").
    waitPolicy: { firstPollMs: config.expectedTransitionMs, initialMs: 100, factor: 1.5, maxMs: 2500 },
    packages: {
      maxDownloadBytes: config.maxDownloadBytes,
      hosts: config.packageHosts,
      localDir: config.packageDir,
      simulatorHost: config.simulatorHost,
    },
  };
}
