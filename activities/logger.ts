/**
 * The paths pino redacts in the worker's logger (worker/logger.ts): secrets are redacted by path
 * (whatever object they end up in), and the SCF gateway never logs request bodies (code bytes, events)
 * in the first place.
 */
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
