/**
 * `package: { dir: ./build }`: a deterministic zip of a directory, so the same files always give the
 * same sha256 (a re-release of unchanged code is a NoOp, sync sees no drift that is not there).
 *
 * - entries sorted by their path in the zip (`/`-separated), files only (directories are implied);
 * - every time is the DOS epoch 1980-01-01 00:00:00, built in local time because yazl writes DOS
 *   times from local-time fields, so the bytes do not depend on the building host's time zone;
 * - modes are 0644, or 0755 when the owner may execute the file; nothing else of the host
 *   (no uid/gid, no extended-timestamp extra field: `forceDosTimestamp`);
 * - deflate at yazl's fixed level.
 *
 * Bounded: at most `maxFiles` files and `maxBytes` of content; a symlink is followed only when its
 * target stays inside the directory (else refused, so nothing outside it is read).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';

export const DIRECTORY_ZIP_LIMITS = { maxFiles: 10_000, maxBytes: 256 * 1024 * 1024 } as const;

export class DirectoryZipError extends Error {
  override name = 'DirectoryZipError';
}

export interface DirectoryZip {
  zip: Buffer;
  sha256: string;
  /** The entries, in zip order. */
  files: string[];
}

/** The DOS epoch in local time (see above). */
const DOS_EPOCH = new Date(1980, 0, 1, 0, 0, 0);

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

export async function buildDirectoryZip(
  dir: string,
  limits: { maxFiles?: number; maxBytes?: number; replace?: Record<string, string> } = {},
): Promise<DirectoryZip> {
  const maxFiles = limits.maxFiles ?? DIRECTORY_ZIP_LIMITS.maxFiles;
  const maxBytes = limits.maxBytes ?? DIRECTORY_ZIP_LIMITS.maxBytes;
  let root: string;
  try {
    root = await fs.realpath(dir);
  } catch {
    throw new DirectoryZipError(`${dir} does not exist`);
  }
  if (!(await fs.stat(root)).isDirectory()) throw new DirectoryZipError(`${dir} is not a directory`);
  const names = (await fs.readdir(root, { recursive: true })).map((n) => n.split(path.sep).join('/')).sort();
  const picked: Array<{ entry: string; file: string; mode: number }> = [];
  let bytes = 0;
  for (const entry of names) {
    const file = path.join(root, entry);
    const real = await fs.realpath(file).catch(() => undefined);
    if (!real || !isInside(root, real)) throw new DirectoryZipError(`${entry} in ${dir} is a link to outside the directory (or a broken link); package only what is inside it`);
    const stat = await fs.stat(real);
    if (!stat.isFile()) continue;
    if (picked.length >= maxFiles) throw new DirectoryZipError(`${dir} has more than ${maxFiles} files; package a smaller directory`);
    bytes += stat.size;
    if (bytes > maxBytes) throw new DirectoryZipError(`${dir} holds more than ${maxBytes} bytes; package a smaller directory`);
    picked.push({ entry, file: real, mode: stat.mode & 0o100 ? 0o100755 : 0o100644 });
  }
  if (picked.length === 0) throw new DirectoryZipError(`${dir} holds no files`);
  const zip = new yazl.ZipFile();
  for (const p of picked) {
    const body = limits.replace?.[p.entry] !== undefined ? Buffer.from(limits.replace[p.entry]!) : await fs.readFile(p.file);
    zip.addBuffer(body, p.entry, { mtime: DOS_EPOCH, mode: p.mode, forceDosTimestamp: true });
  }
  zip.end();
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.on('data', (d: Buffer) => chunks.push(d)).on('end', resolve).on('error', reject);
  });
  const out = Buffer.concat(chunks);
  return { zip: out, sha256: createHash('sha256').update(out).digest('hex'), files: picked.map((p) => p.entry) };
}
