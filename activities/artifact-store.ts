/**
 * The worker's artifact store: a local directory, content-addressed by sha256.
 *
 *   <dir>/sha256/<first two hex>/<sha256>.zip   the artifacts
 *   <dir>/tmp/                                  partial writes (same filesystem, so rename is atomic)
 *
 * A reference is `sha256:<hex>`; it is what workflows keep (never the bytes). Writes are atomic: the
 * bytes go to a temporary file, are hashed while written, fsynced, and renamed into place only when
 * the digest matches. Putting the same content twice is a no-op.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';

const SHA_RE = /^[0-9a-f]{64}$/;

export interface ArtifactStore {
  /** A fresh path for a partial write (inside the store, so `commit` can rename it). */
  tempPath(): Promise<string>;
  /**
   * Moves a fully written temporary file into place after checking its sha256; returns the reference.
   * `computedSha256`: the digest the caller computed while writing the file (e.g. `downloadToFile`'s);
   * when given it is compared instead of reading the file again.
   */
  commit(tempFile: string, sha256: string, computedSha256?: string): Promise<string>;
  has(sha256: string): Promise<boolean>;
  /** The local path of an artifact, from its reference (`sha256:<hex>`) or digest. */
  pathOf(refOrSha: string): string;
  /** Reads an artifact, verifying its digest (a corrupted file is reported, never used). */
  read(refOrSha: string): Promise<Buffer>;
}

export function artifactRef(sha256: string): string {
  return `sha256:${sha256}`;
}

export function shaFromRef(refOrSha: string): string {
  const sha = refOrSha.startsWith('sha256:') ? refOrSha.slice('sha256:'.length) : refOrSha;
  if (!SHA_RE.test(sha)) throw new Error(`not an artifact reference: "${refOrSha}" (expected sha256:<64 lowercase hex>)`);
  return sha;
}

export async function sha256OfFile(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

export class LocalArtifactStore implements ArtifactStore {
  constructor(readonly dir: string) {}

  async tempPath(): Promise<string> {
    const tmp = path.join(this.dir, 'tmp');
    await fs.mkdir(tmp, { recursive: true });
    return path.join(tmp, `${randomUUID()}.part`);
  }

  pathOf(refOrSha: string): string {
    const sha = shaFromRef(refOrSha);
    return path.join(this.dir, 'sha256', sha.slice(0, 2), `${sha}.zip`);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(sha256));
      return true;
    } catch {
      return false;
    }
  }

  async commit(tempFile: string, sha256: string, computedSha256?: string): Promise<string> {
    const dest = this.pathOf(sha256);
    try {
      const actual = computedSha256 ?? (await sha256OfFile(tempFile)).sha256;
      if (actual !== sha256) {
        throw new Error(`artifact digest mismatch: expected ${sha256}, wrote ${actual}`);
      }
      const fh = await fs.open(tempFile, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.mkdir(path.dirname(dest), { recursive: true });
      await fs.rename(tempFile, dest);
      return artifactRef(sha256);
    } catch (err) {
      await fs.rm(tempFile, { force: true });
      throw err;
    }
  }

  /** Stores bytes (used by tests and small callers). */
  async putBytes(bytes: Buffer): Promise<string> {
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (await this.has(sha)) return artifactRef(sha);
    const tmp = await this.tempPath();
    await fs.writeFile(tmp, bytes);
    return this.commit(tmp, sha);
  }

  async read(refOrSha: string): Promise<Buffer> {
    const sha = shaFromRef(refOrSha);
    const bytes = await fs.readFile(this.pathOf(sha));
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha) throw new Error(`artifact ${sha} is corrupted on disk (its digest is ${actual})`);
    return bytes;
  }
}
