/**
 * The artifact store when the worker has a COS bucket (SCF_COS_*): snapshots are kept in COS under
 * `<prefix>/sha256/<hex>.zip`, as durable as the workflow that refers to them, and the local
 * directory (SCF_ARTIFACT_DIR) is only a cache. A compensation on another host, without the volume
 * of the worker that took the snapshot, reads it back from COS (checked against its sha256).
 *
 *   commit  local write (atomic, digest checked), then upload unless COS has it: a snapshot is taken
 *           only once it is durable, so the activity fails (and retries) when COS does not take it;
 *   has     COS has it (a local copy COS lacks is uploaded first);
 *   read    the local copy, else COS (kept in the cache); a wrong digest is never used.
 */
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import { shaFromRef, type ArtifactStore, type LocalArtifactStore } from './artifact-store';
import { shaObjectKey, type CosLocation, type CosObjects, type CosSettings } from './cos-client';

/** Above this a snapshot goes up in parts (multipart upload). */
const SLICE_BYTES = 8 * 1024 * 1024;

export class CosBackedArtifactStore implements ArtifactStore {
  constructor(
    readonly local: LocalArtifactStore,
    private readonly objects: CosObjects,
    private readonly cos: CosSettings,
  ) {}

  /** Where the artifact with this digest is (or goes) in COS. */
  locationOf(refOrSha: string): CosLocation {
    return { bucket: this.cos.bucket, region: this.cos.region, key: shaObjectKey(this.cos.prefix, shaFromRef(refOrSha)) };
  }

  tempPath(): Promise<string> {
    return this.local.tempPath();
  }

  pathOf(refOrSha: string): string {
    return this.local.pathOf(refOrSha);
  }

  private async upload(sha: string): Promise<void> {
    const file = this.local.pathOf(sha);
    const { size } = await fs.stat(file);
    const where = this.locationOf(sha);
    if (size > SLICE_BYTES) await this.objects.putFile(where, file, SLICE_BYTES);
    else await this.objects.put(where, await this.local.read(sha));
  }

  async commit(tempFile: string, sha256: string, computedSha256?: string): Promise<string> {
    const ref = await this.local.commit(tempFile, sha256, computedSha256);
    if (!(await this.objects.head(this.locationOf(sha256)))) await this.upload(sha256);
    return ref;
  }

  async has(sha256: string): Promise<boolean> {
    if (await this.objects.head(this.locationOf(sha256))) return true;
    if (!(await this.local.has(sha256))) return false;
    await this.upload(sha256);
    return true;
  }

  async read(refOrSha: string): Promise<Buffer> {
    const sha = shaFromRef(refOrSha);
    if (await this.local.has(sha)) {
      try {
        return await this.local.read(sha);
      } catch {
        /* a corrupted cache entry: fetch it again from COS */
      }
    }
    const body = await this.objects.get(this.locationOf(sha));
    if (!body) throw new Error(`artifact ${sha} is neither in the local cache nor in COS (${this.cos.bucket}/${this.locationOf(sha).key})`);
    const actual = createHash('sha256').update(body).digest('hex');
    if (actual !== sha) throw new Error(`artifact ${sha} in COS has sha256 ${actual}; it was changed or damaged there`);
    const tmp = await this.local.tempPath();
    await fs.writeFile(tmp, body);
    await this.local.commit(tmp, sha, actual);
    return body;
  }
}
