/**
 * The worker's configuration, read once at start:
 * - Temporal connection: `@temporalio/envconfig` (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 *   TEMPORAL_TLS_*, TEMPORAL_PROFILE and the temporal.toml profile file), exactly as the `temporal` CLI reads it;
 * - `SCF_RELEASE_TASK_QUEUE` (default `scf-release`), `LOG_LEVEL` (trace|debug|info|warn|error, default info);
 * - `SCF_RELEASE_WORKFLOW_BUNDLE`: path of a prebuilt workflow bundle (`bundleWorkflowCode` output, e.g. the
 *   one the test harness or a deploy step built from this same tree). Without it the worker bundles
 *   workflows/ at start (a few seconds). The bundle must come from the deployed code, or replay breaks;
 *   a missing file fails the start-up instead of silently bundling;
 * - `SCF_RELEASE_SHUTDOWN_GRACE_TIME`: how long in-flight activities get to finish after SIGTERM/SIGINT
 *   before they are cancelled, a duration in the one grammar (`10s`, `500ms`, `1m`; a bare number is
 *   seconds, workflows/durations.ts); default 10 s, at most 1 h. The process exits when
 *   the worker has drained, so a supervisor's kill timeout should be a little longer than this;
 * - `SCF_RELEASE_METRICS_ADDRESS`: `host:port` of the Prometheus endpoint (`/metrics`: the SDK's `temporal_*`
 *   metrics and our `scf_release_*` ones, worker/metrics.ts); `SCF_RELEASE_HEALTH_ADDRESS`: `host:port` of
 *   `/healthz` and `/readyz` (worker/health.ts). Both off when unset (several workers on one host would
 *   fight over a default port); the image sets 0.0.0.0:9464 and 0.0.0.0:8081;
 * - `OTEL_EXPORTER_OTLP_ENDPOINT` (and the exporter's other `OTEL_*` variables): when set, traces go
 *   there over OTLP/HTTP (activities/tracing.ts);
 * - the SCF activities' settings (`SCF_*`, see activities/config.ts).
 * Secrets (Tencent keys, a Temporal API key) stay in the environment and in the objects the SDKs hold;
 * `describeWorkerConfig` is what may be logged.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Duration } from '@temporalio/common';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { LogLevel, NativeConnectionOptions } from '@temporalio/worker';
import { loadScfConfig, type ScfConfig } from '../activities/config';
import { loadNotifyConfig } from '../activities/notify';
import { checkDuration } from '../workflows/durations';
import { TASK_QUEUE } from '../workflows/definitions';
import { splitHostPort } from './listen-address';

export interface WorkerConfig {
  connection: NativeConnectionOptions;
  namespace: string;
  taskQueue: string;
  logLevel: LogLevel;
  /** Absolute path of a prebuilt workflow bundle; undefined = bundle workflows/ at start. */
  workflowBundlePath?: string;
  /** In-flight activities' time to finish on shutdown. */
  shutdownGraceTime: Duration;
  /** `host:port` of the Prometheus endpoint; undefined = no metrics endpoint. */
  metricsAddress?: string;
  /** `host:port` of /healthz and /readyz; undefined = no health endpoint. */
  healthAddress?: string;
  scf: ScfConfig;
  /** Notification channels (SCF_NOTIFY_CHANNELS, JSON) and the hosts their URLs may be on (SCF_NOTIFY_HOSTS). */
  notify: ReturnType<typeof loadNotifyConfig>;
}

const LOG_LEVELS: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

export class WorkerConfigError extends Error {
  override name = 'WorkerConfigError';
}

/** `LOG_LEVEL` (trace|debug|info|warn|error, any case; default info) as the SDK's level. */
export function parseLogLevel(text: string | undefined): LogLevel {
  const logLevel = LOG_LEVELS[(text ?? 'info').toLowerCase()];
  if (!logLevel) throw new WorkerConfigError(`LOG_LEVEL must be one of ${Object.keys(LOG_LEVELS).join(', ')}, not ${text}`);
  return logLevel;
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const envVars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const { connectionOptions, namespace } = loadClientConnectConfig({ overrideEnvVars: envVars, profile: env.TEMPORAL_PROFILE });
  const logLevel = parseLogLevel(env.LOG_LEVEL);
  const bundle = env.SCF_RELEASE_WORKFLOW_BUNDLE?.trim();
  const workflowBundlePath = bundle ? path.resolve(bundle) : undefined;
  if (workflowBundlePath && !statSync(workflowBundlePath, { throwIfNoEntry: false })?.isFile()) {
    throw new WorkerConfigError(`SCF_RELEASE_WORKFLOW_BUNDLE: no file at ${workflowBundlePath}`);
  }
  return {
    connection: { address: 'localhost:7233', ...connectionOptions },
    namespace: namespace ?? 'default',
    taskQueue: env.SCF_RELEASE_TASK_QUEUE?.trim() || TASK_QUEUE,
    logLevel,
    ...(workflowBundlePath ? { workflowBundlePath } : {}),
    shutdownGraceTime: parseGraceTime(env.SCF_RELEASE_SHUTDOWN_GRACE_TIME),
    ...listenAddress('SCF_RELEASE_METRICS_ADDRESS', 'metricsAddress', env),
    ...listenAddress('SCF_RELEASE_HEALTH_ADDRESS', 'healthAddress', env),
    scf: loadScfConfig(env),
    notify: loadNotifyConfig(env),
  };
}

/** A grace time longer than this is a typo, most often milliseconds written as a bare number (seconds). */
export const MAX_SHUTDOWN_GRACE_MS = 3_600_000;

/** The one duration grammar (workflows/durations.ts; a bare number is seconds); default 10 s, at most 1 h. */
function parseGraceTime(text: string | undefined): Duration {
  if (!text?.trim()) return '10s';
  const checked = checkDuration(text, MAX_SHUTDOWN_GRACE_MS);
  if ('problem' in checked) throw new WorkerConfigError(`SCF_RELEASE_SHUTDOWN_GRACE_TIME: ${checked.problem}`);
  return checked.ms;
}

/** An optional `host:port` setting, checked now rather than when the endpoint binds. */
function listenAddress<K extends 'metricsAddress' | 'healthAddress'>(variable: string, key: K, env: NodeJS.ProcessEnv): Partial<Record<K, string>> {
  const text = env[variable]?.trim();
  if (!text) return {};
  try {
    splitHostPort(text);
  } catch (err) {
    throw new WorkerConfigError(`${variable}: ${(err as Error).message}`);
  }
  return { [key]: text } as Partial<Record<K, string>>;
}

/** The config without anything secret, for the start-up log line. */
export function describeWorkerConfig(config: WorkerConfig): Record<string, unknown> {
  return {
    temporal: { address: config.connection.address, namespace: config.namespace, tls: !!config.connection.tls, apiKey: !!config.connection.apiKey },
    taskQueue: config.taskQueue,
    logLevel: config.logLevel,
    workflowBundle: config.workflowBundlePath ?? 'bundled at start',
    shutdownGraceTime: config.shutdownGraceTime,
    metrics: config.metricsAddress ?? 'off',
    health: config.healthAddress ?? 'off',
    scf: {
      endpoint: config.scf.endpoint ?? 'default',
      protocol: config.scf.protocol,
      credentials: config.scf.credentials,
      account: config.scf.account,
      rateLimitShare: config.scf.rateLimitShare === 'auto' ? 'auto (1 / the workers polling the task queue)' : config.scf.rateLimitShare,
      artifactDir: config.scf.artifactDir,
      packageHosts: config.scf.packageHosts,
      packageDir: config.scf.packageDir ?? 'none (local packages refused)',
      simulatorHost: config.scf.simulatorHost ?? 'none',
      snapshots: config.scf.cos
        ? `cos://${config.scf.cos.bucket}/${config.scf.cos.prefix}?region=${config.scf.cos.region}${config.scf.cos.endpoint ? ` via ${config.scf.cos.endpoint}` : ''} (artifactDir is a cache)`
        : 'artifactDir only (set SCF_COS_BUCKET so that other hosts can undo)',
    },
  };
}
