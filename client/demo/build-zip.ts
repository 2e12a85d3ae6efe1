/** Zips a function directory the way SCF wants it: the directory's contents at the zip's root. */
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';

// A fixed timestamp makes the zip, and so its sha256, depend on the file contents only.
const FIXED_MTIME = new Date('2020-01-01T00:00:00Z');

export async function zipDirectory(dir: string, zipPath: string, replace: Record<string, string> = {}): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const name of (await fs.readdir(dir, { recursive: true })).sort()) {
    const file = path.join(dir, name);
    if (!(await fs.stat(file)).isFile()) continue;
    const entry = name.split(path.sep).join('/');
    const body = replace[entry] !== undefined ? Buffer.from(replace[entry]) : await fs.readFile(file);
    zip.addBuffer(body, entry, { mtime: FIXED_MTIME, mode: 0o100644 });
  }
  zip.end();
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(zipPath);
    out.on('close', resolve).on('error', reject);
    zip.outputStream.on('error', reject).pipe(out);
  });
}
