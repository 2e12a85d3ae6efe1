/**
 * The activities' pino logger. Secrets are redacted by path (whatever object they end up in), and the
 * SCF gateway never logs request bodies (code bytes, events) in the first place.
 */
import pino, { type Logger, type LoggerOptions } from 'pino';

export const REDACT_PATHS = [
  'secretId',
  'secretKey',
  'token',
  'SecretId',
  'SecretKey',
  'Token',
  'credential',
  'credentials',
  'authorization',
  'Authorization',
  'ZipFile',
  '*.secretId',
  '*.secretKey',
  '*.token',
  '*.SecretId',
  '*.SecretKey',
  '*.Token',
  '*.credential',
  '*.credentials',
  '*.authorization',
  '*.Authorization',
  '*.ZipFile',
  'headers["x-tc-token"]',
  '*.headers["x-tc-token"]',
  'env.TENCENTCLOUD_SECRET_ID',
  'env.TENCENTCLOUD_SECRET_KEY',
  'env.TENCENTCLOUD_SESSION_TOKEN',
];

export function createActivityLogger(options: LoggerOptions = {}, destination?: pino.DestinationStream): Logger {
  const opts: LoggerOptions = {
    name: 'scf-activities',
    level: process.env.LOG_LEVEL ?? 'info',
    ...options,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(opts, destination) : pino(opts);
}
