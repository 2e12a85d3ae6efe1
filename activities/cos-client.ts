/**
 * COS through the official SDK (cos-nodejs-sdk-v5), shared by the client (staging packages) and the
 * worker (undo snapshots). Objects are content-addressed: `<prefix>/sha256/<hex>.zip`, so a HEAD tells
 * whether an upload is needed and the key says what the bytes must hash to.
 *
 * Credentials: the same Tencent chain as SCF (`credentialFor`, scf-client.ts) signs each request
 * (COS's q-sign-algorithm=sha1, computed by the SDK's own signer), so no secret is configured here.
 * A private endpoint (`SCF_COS_ENDPOINT`, the simulator) is reached with the SDK's `Ip` option: the
 * request goes to that host:port with the COS Host header `<bucket>.cos.<region>.<domain>`, exactly
 * as COS would get it; the domain never resolves, so nothing can fall through to Tencent by mistake.
 */
import COS from 'cos-nodejs-sdk-v5';
import type { Credential, DynamicCredential } from 'tencentcloud-sdk-nodejs-common/tencentcloud/common/interface';

export interface CosLocation { bucket: string; region: string; key: string }

/** Where the client stages packages and the worker keeps snapshots (SCF_COS_BUCKET/REGION/PREFIX). */
export interface CosSettings {
  bucket: string;
  region: string;
  /** Key prefix, no leading or trailing `/` (default `scf-release`). */
  prefix: string;
  /** `host:port` of a COS-compatible endpoint over http (the simulator); undefined = Tencent COS over https. */
  endpoint?: string;
}

export const DEFAULT_COS_PREFIX = 'scf-release';
/** Host suffix for a private endpoint; never resolves (see above). */
const PRIVATE_DOMAIN = '{Bucket}.cos.{Region}.cos-endpoint.invalid';

/** The content-addressed key of a zip: `<prefix>/sha256/<hex>.zip`. */
export function shaObjectKey(prefix: string, sha256: string): string {
  return `${prefix ? `${prefix}/` : ''}sha256/${sha256}.zip`;
}

export function cosUri(loc: CosLocation): string {
  return `cos://${loc.bucket}/${loc.key.split('/').map(encodeURIComponent).join('/')}?region=${encodeURIComponent(loc.region)}`;
}

export interface CosClientOptions {
  /** `host:port` of a private endpoint (the simulator), reached over http; undefined = Tencent COS. */
  endpoint?: string;
  credential: Credential | DynamicCredential;
  timeoutMs?: number;
}

/** What a COS call failed with, without any signature or secret in it. */
export class CosCallError extends Error {
  override name = 'CosCallError';
  constructor(readonly code: string, readonly statusCode: number | undefined, message: string) {
    super(message);
  }
}

function describeFailure(what: string, loc: CosLocation, e: unknown, credentialError: Error | undefined): CosCallError {
  if (credentialError) return new CosCallError('MissingCredentials', undefined, `COS ${what} ${cosUri(loc)}: ${credentialError.message}`);
  const err = (e ?? {}) as { code?: string; statusCode?: number; message?: string };
  return new CosCallError(err.code ?? 'CosError', err.statusCode, `COS ${what} ${cosUri(loc)} failed: ${err.code ?? ''} ${err.statusCode ?? ''} ${err.message ?? String(e)}`.replace(/\s+/g, ' ').trim());
}

/** The few object operations we need, over the SDK. */
export class CosObjects {
  readonly sdk: COS;
  /** Why the credential chain last failed (the SDK only says its callback got no key). */
  private credentialError: Error | undefined;

  constructor(options: CosClientOptions) {
    const { credential } = options;
    const read = async (): Promise<Credential> => ('getCredential' in credential ? credential.getCredential() : credential);
    this.sdk = new COS({
      ...(options.endpoint ? { Protocol: 'http:', Ip: options.endpoint, Domain: PRIVATE_DOMAIN } : { Protocol: 'https:' }),
      Timeout: options.timeoutMs ?? 60_000,
      getAuthorization: (opts, callback) => {
        read().then(
          (c) => {
            this.credentialError = undefined;
            const Authorization = COS.getAuthorization({
              SecretId: c.secretId ?? '', SecretKey: c.secretKey ?? '', Method: opts.Method, Pathname: opts.Pathname, Query: opts.Query, Headers: opts.Headers,
            });
            callback({ Authorization, ...(c.token ? { SecurityToken: c.token } : {}) } as unknown as COS.GetAuthorizationCallbackParams);
          },
          (err: unknown) => {
            this.credentialError = err instanceof Error ? err : new Error(String(err));
            callback({} as COS.GetAuthorizationCallbackParams);
          },
        );
      },
    });
  }

  private failure(what: string, loc: CosLocation, e: unknown): CosCallError {
    return describeFailure(what, loc, e, this.credentialError);
  }

  /** The object's size, or undefined when it does not exist. */
  async head(loc: CosLocation): Promise<{ size: number } | undefined> {
    try {
      const r = await this.sdk.headObject({ Bucket: loc.bucket, Region: loc.region, Key: loc.key });
      return { size: Number(r.headers?.['content-length'] ?? 0) };
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return undefined;
      throw this.failure('HEAD', loc, e);
    }
  }

  /** Uploads bytes; above `sliceSize` in parts (InitiateMultipartUpload, UploadPart, Complete). */
  async putFile(loc: CosLocation, filePath: string, sliceSize = 8 * 1024 * 1024): Promise<void> {
    try {
      await this.sdk.uploadFile({ Bucket: loc.bucket, Region: loc.region, Key: loc.key, FilePath: filePath, SliceSize: sliceSize });
    } catch (e) {
      throw this.failure('upload', loc, e);
    }
  }

  async put(loc: CosLocation, body: Buffer): Promise<void> {
    try {
      await this.sdk.putObject({ Bucket: loc.bucket, Region: loc.region, Key: loc.key, Body: body });
    } catch (e) {
      throw this.failure('PUT', loc, e);
    }
  }

  /** The object's bytes; undefined when it does not exist. */
  async get(loc: CosLocation): Promise<Buffer | undefined> {
    try {
      const r = await this.sdk.getObject({ Bucket: loc.bucket, Region: loc.region, Key: loc.key });
      return Buffer.from(r.Body as Buffer);
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404 && (e as { code?: string }).code === 'NoSuchKey') return undefined;
      throw this.failure('GET', loc, e);
    }
  }
}
