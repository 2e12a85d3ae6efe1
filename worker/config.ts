/**
 * The worker's configuration, read once at start:
 * - Temporal connection: `@temporalio/envconfig` (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 *   TEMPORAL_TLS_*, TEMPORAL_PROFILE and the temporal.toml profile file), exactly as the `temporal` CLI reads it;
 * - `SCF_RELEASE_TASK_QUEUE` (default `scf-release`), `LOG_LEVEL` (trace|debug|info|warn|error, default info);
 * - the SCF activities' settings (`SCF_*`, see activities/config.ts).
 * Secrets (Tencent keys, a Temporal API key) stay in the environment and in the objects the SDKs hold;
 * `describeWorkerConfig` is what may be logged.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { LogLevel, NativeConnectionOptions } from '@temporalio/worker';
import { loadScfConfig, type ScfConfig } from '../activities/config';
import { TASK_QUEUE } from '../workflows/definitions';

export interface WorkerConfig {
  connection: NativeConnectionOptions;
  namespace: string;
  taskQueue: string;
  logLevel: LogLevel;
  scf: ScfConfig;
}

const LOG_LEVELS: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

export class WorkerConfigError extends Error {
  override name = 'WorkerConfigError';
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const envVars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const { connectionOptions, namespace } = loadClientConnectConfig({ overrideEnvVars: envVars, profile: env.TEMPORAL_PROFILE });
  const levelName = (env.LOG_LEVEL ?? 'info').toLowerCase();
  const logLevel = LOG_LEVELS[levelName];
  if (!logLevel) throw new WorkerConfigError(`LOG_LEVEL must be one of ${Object.keys(LOG_LEVELS).join(', ')}, not ${env.LOG_LEVEL}`);
  return {
    connection: { address: 'localhost:7233', ...connectionOptions },
    namespace: namespace ?? 'default',
    taskQueue: env.SCF_RELEASE_TASK_QUEUE?.trim() || TASK_QUEUE,
    logLevel,
    scf: loadScfConfig(env),
  };
}

/** The config without anything secret, for the start-up log line. */
export function describeWorkerConfig(config: WorkerConfig): Record<string, unknown> {
  return {
    temporal: { address: config.connection.address, namespace: config.namespace, tls: !!config.connection.tls, apiKey: !!config.connection.apiKey },
    taskQueue: config.taskQueue,
    logLevel: config.logLevel,
    scf: { endpoint: config.scf.endpoint ?? 'default', credentials: config.scf.credentials, account: config.scf.account, artifactDir: config.scf.artifactDir },
  };
}
