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

/**
 * Routes the SDK's logs (core, worker, workflow and activity context loggers) into `logger`.
 * `shutdownSignals: []` when the caller handles SIGINT/SIGTERM itself (the dev stack stops its worker
 * in order; the SDK's own handler racing it leaves the process hanging after the stop).
 */
export function installSdkLogging(logger: Logger, level: LogLevel, options: { shutdownSignals?: NodeJS.Signals[] } = {}): void {
  const sdk = logger.child({ component: 'temporal' });
  Runtime.install({
    ...options,
    logger: new DefaultLogger(level, ({ level: entryLevel, message, meta }) => {
      sdk[PINO_LEVEL[entryLevel]](meta ?? {}, message);
    }),
    telemetryOptions: { logging: { filter: { core: level === 'TRACE' ? 'TRACE' : 'WARN', other: 'ERROR' }, forward: {} } },
  });
}
