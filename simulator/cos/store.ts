/**
 * Simulated COS buckets: `<name>-<appid>` per region, each with its objects and open multipart
 * uploads. The COS XML API (api.ts) and the admin API write here; CreateFunction/UpdateFunctionCode
 * read here, so SCF's Cos* parameters see exactly what a client uploaded.
 */
import { createHash, randomBytes } from 'node:crypto';

export const COS_BUCKET_RE = /^[a-z0-9][a-z0-9-]*-(\d+)$/;

export interface CosObject { body: Buffer; etag: string; lastModified: string; contentType: string }
export interface CosUpload { key: string; initiated: string; parts: Map<number, { body: Buffer; etag: string }> }
interface Bucket { name: string; region: string; created: string; objects: Map<string, CosObject>; uploads: Map<string, CosUpload> }

export interface CosSnapshot {
  buckets: Array<{ name: string; region: string; created: string }>;
  objects: Array<{ region: string; bucket: string; key: string; body: string; contentType?: string }>;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const normKey = (key: string) => key.replace(/^\/+/, '');

export class CosStore {
  private buckets = new Map<string, Bucket>();

  private static id(bucket: string, region: string): string {
    return `${region}|${bucket}`;
  }

  /** Creates the bucket (idempotent); throws for a name that is not `<name>-<appid>`. */
  createBucket(bucket: string, region: string): void {
    if (!COS_BUCKET_RE.test(bucket)) throw new Error(`COS bucket "${bucket}" must be <name>-<appid>, e.g. code-1250000000`);
    const id = CosStore.id(bucket, region);
    if (!this.buckets.has(id)) this.buckets.set(id, { name: bucket, region, created: new Date().toISOString(), objects: new Map(), uploads: new Map() });
  }

  /** The bucket exactly as named (the COS API's view). */
  bucket(bucket: string, region: string): Bucket | undefined {
    return this.buckets.get(CosStore.id(bucket, region));
  }

  /** SCF takes the bucket name with or without the `-appid` suffix (`code` or `code-1250000000`). */
  private scfBucket(bucket: string, region: string): Bucket | undefined {
    const exact = this.bucket(bucket, region);
    if (exact) return exact;
    for (const b of this.buckets.values()) if (b.region === region && b.name.replace(/-\d+$/, '') === bucket) return b;
    return undefined;
  }

  bucketExists(bucket: string, region: string): boolean {
    return this.scfBucket(bucket, region) !== undefined;
  }

  /** Admin put: creates the bucket when needed. */
  put(input: { bucket: string; key: string; region: string; body: Buffer; contentType?: string }): void {
    this.createBucket(input.bucket, input.region);
    this.putObject(this.bucket(input.bucket, input.region)!, input.key, input.body, input.contentType);
  }

  putObject(b: Bucket, key: string, body: Buffer, contentType = 'application/octet-stream', etag = md5(body)): CosObject {
    const o: CosObject = { body: Buffer.from(body), etag, lastModified: new Date().toUTCString(), contentType };
    b.objects.set(normKey(key), o);
    return o;
  }

  /** An object's bytes as SCF reads them (bucket with or without `-appid`). */
  get(bucket: string, key: string, region: string): Buffer | undefined {
    return this.scfBucket(bucket, region)?.objects.get(normKey(key))?.body;
  }

  initiate(b: Bucket, key: string): string {
    const uploadId = `${Date.now()}${randomBytes(8).toString('hex')}`;
    b.uploads.set(uploadId, { key: normKey(key), initiated: new Date().toISOString(), parts: new Map() });
    return uploadId;
  }

  list(): Array<{ region: string; bucket: string; key: string; size: number }> {
    const out: Array<{ region: string; bucket: string; key: string; size: number }> = [];
    for (const b of this.buckets.values()) for (const [key, o] of b.objects) out.push({ region: b.region, bucket: b.name, key, size: o.body.length });
    return out;
  }

  snapshot(): CosSnapshot {
    const buckets = [...this.buckets.values()];
    return {
      buckets: buckets.map((b) => ({ name: b.name, region: b.region, created: b.created })),
      objects: buckets.flatMap((b) => [...b.objects].map(([key, o]) => ({ region: b.region, bucket: b.name, key, body: o.body.toString('base64'), contentType: o.contentType }))),
    };
  }

  /** Restores a snapshot; also reads the old format (a bare list of objects). */
  restore(snap: CosSnapshot | CosSnapshot['objects'] | undefined): void {
    const objects = Array.isArray(snap) ? snap : (snap?.objects ?? []);
    if (!Array.isArray(snap)) for (const b of snap?.buckets ?? []) this.createBucket(b.name, b.region);
    for (const o of objects) this.put({ bucket: o.bucket, key: o.key, region: o.region, body: Buffer.from(o.body, 'base64'), contentType: o.contentType });
  }
}
