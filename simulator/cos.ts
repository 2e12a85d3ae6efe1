/** Simulated COS: objects put through the admin API, read by CreateFunction/UpdateFunctionCode. */
export class CosStore {
  private objects = new Map<string, Buffer>();

  private static norm(bucket: string, key: string, region: string): string {
    return `${region}|${bucket}|${key.replace(/^\/+/, '')}`;
  }

  put(input: { bucket: string; key: string; region: string; body: Buffer }): void {
    this.objects.set(CosStore.norm(input.bucket, input.key, input.region), Buffer.from(input.body));
  }

  /** SCF takes the bucket name without the `-appid` suffix; accept both forms. */
  get(bucket: string, key: string, region: string): Buffer | undefined {
    const exact = this.objects.get(CosStore.norm(bucket, key, region));
    if (exact) return exact;
    const k = key.replace(/^\/+/, '');
    for (const [id, body] of this.objects) {
      const [r, b, o] = id.split('|') as [string, string, string];
      if (r === region && o === k && (b.replace(/-\d+$/, '') === bucket || bucket.replace(/-\d+$/, '') === b)) return body;
    }
    return undefined;
  }

  bucketExists(bucket: string, region: string): boolean {
    for (const id of this.objects.keys()) {
      const [r, b] = id.split('|') as [string, string];
      if (r === region && (b === bucket || b.replace(/-\d+$/, '') === bucket || bucket.replace(/-\d+$/, '') === b)) return true;
    }
    return false;
  }

  list(): Array<{ region: string; bucket: string; key: string; size: number }> {
    return [...this.objects].map(([id, body]) => {
      const [region, bucket, key] = id.split('|') as [string, string, string];
      return { region, bucket, key, size: body.length };
    });
  }
}
