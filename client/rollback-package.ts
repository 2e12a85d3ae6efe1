/**
 * Before a rollback redeploys an earlier release's package: is the zip still the one it released? A
 * local zip is hashed here, so a rebuilt or replaced zip is refused (exit 64) before anything starts,
 * instead of failing the redeploy's sha check half way. A URL or COS object the client cannot read;
 * the worker checks its sha256 before the first change.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { sha256OfFile } from '../activities/artifact-store';
import type { CodePackage } from '../workflows/definitions';
import { CliError, EXIT } from './exit-codes';

/** The local file a package location names, or undefined for a URL or COS object. */
function localFile(location: string): string | undefined {
  if (location.startsWith('file://')) return fileURLToPath(location);
  return path.isAbsolute(location) ? location : undefined;
}

/** Resolves with what was checked; throws CliError (64) when the local zip is gone or holds other bytes. */
export async function checkRollbackPackage(pkg: CodePackage, targetId: string): Promise<string> {
  const file = localFile(pkg.location);
  if (!file) return `the worker checks the sha256 of ${pkg.location} before the first change`;
  const found = await sha256OfFile(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  const fix = 'restore that zip, or release the code you want with `scf-release release`';
  if (!found) throw new CliError(`cannot roll back by redeploying: the package of ${targetId}, ${file}, no longer exists; ${fix}`, EXIT.INVALID_INPUT);
  if (found.sha256 !== pkg.sha256) {
    throw new CliError(
      `cannot roll back by redeploying: ${file} now has sha256 ${found.sha256.slice(0, 12)}, not the ${pkg.sha256.slice(0, 12)} ${targetId} released ` +
        `(it was rebuilt or replaced), so the redeploy would fail its sha check; ${fix}`,
      EXIT.INVALID_INPUT,
    );
  }
  return `${file} still has sha256 ${pkg.sha256.slice(0, 12)}`;
}
