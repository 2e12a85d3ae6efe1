import { createHash } from 'node:crypto';

/** Hex SHA-256: a package's CodeSha256, and the hashes of the TC3 signature. */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
