/** Zips a function directory the way SCF wants it (its contents at the zip's root), deterministically. */
import { promises as fs } from 'node:fs';
import { buildDirectoryZip } from '../package/directory-zip';

export async function zipDirectory(dir: string, zipPath: string, replace: Record<string, string> = {}): Promise<void> {
  await fs.writeFile(zipPath, (await buildDirectoryZip(dir, { replace })).zip);
}
