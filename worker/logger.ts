/**
 * The worker's one pino logger, and the Temporal SDK's runtime logger bridged into it, so SDK, workflow
 * (`workflow.log`) and activity log lines all come out as the same JSON stream. Install once per process.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import pino, { type Logger } from 'pino';
import { REDACT_PATHS } from '../activities/logger';

const PINO_LEVEL: Record<LogLevel, pino.Level> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

export function createWorkerLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino({ name: 'scf-release-worker', level: PINO_LEVEL[level], redact: { paths: REDACT_PATHS, censor: '***' } }, destination);
}

export interface SdkRuntimeOptions {
  /** `[]` when the caller handles SIGINT/SIGTERM itself. */
  shutdownSignals?: NodeJS.Signals[];
  /**
   * `host:port` of the SDK's Prometheus endpoint (`/metrics`): its own `temporal_*` metrics and
   * whatever workflows and activities record through their metric meter (`scf_release_*`).
   */
  metricsAddress?: string;
}

/**
 * Installs the SDK's runtime, once per process: its logs (core, worker, workflow and activity context
 * loggers) go into `logger`, and with `metricsAddress` its metrics to a Prometheus endpoint.
 * `shutdownSignals: []` when the caller handles SIGINT/SIGTERM itself (the dev stack stops its worker
 * in order; the SDK's own handler racing it leaves the process hanging after the stop).
 */
export function installSdkLogging(logger: Logger, level: LogLevel, options: SdkRuntimeOptions = {}): void {
  const sdk = logger.child({ component: 'temporal' });
  const { metricsAddress, ...runtimeOptions } = options;
  Runtime.install({
    ...runtimeOptions,
    logger: new DefaultLogger(level, ({ level: entryLevel, message, meta }) => {
      sdk[PINO_LEVEL[entryLevel]](meta ?? {}, message);
    }),
    telemetryOptions: {
      logging: { filter: { core: level === 'TRACE' ? 'TRACE' : 'WARN', other: 'ERROR' }, forward: {} },
      // Histograms in milliseconds, counters without a _total suffix: the names README and deploy/grafana/ use.
      ...(metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress } } } : {}),
    },
  });
}
