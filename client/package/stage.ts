/**
 * Staging a local package in COS, so the release carries `cos://bucket/key?region=...` plus sha256
 * and never the client's path: workers on other hosts (sharing no disk with the client) read it, and
 * SCF reads it itself (UpdateFunctionCode's Cos* parameters; no bytes through the worker).
 *
 * Content-addressed (`<prefix>/sha256/<hex>.zip`): HEAD first, upload only when absent, so staging
 * the same code again uploads nothing. Through the official SDK (activities/cos-client.ts), signed
 * by the same Tencent credential chain as SCF.
 */
import { promises as fs } from 'node:fs';
import { sha256OfFile } from '../../activities/artifact-store';
import { cosSettings } from '../../activities/config';
import { CosObjects, cosUri, DEFAULT_COS_PREFIX, shaObjectKey, type CosLocation, type CosSettings } from '../../activities/cos-client';
import { credentialFor } from '../../activities/scf-client';
import { DEFAULT_CREDENTIALS } from '../../simulator';
import type { CodePackage } from '../../workflows/definitions';
import { buildDirectoryZip } from './directory-zip';
import type { Credential, DynamicCredential } from 'tencentcloud-sdk-nodejs-common/tencentcloud/common/interface';

/** A zip the client has: in memory (a built directory) or a file. */
export type StagedZip = { bytes: Buffer; sha256: string } | { file: string; sha256: string };

export interface StageResult {
  pkg: CodePackage;
  location: CosLocation;
  /** False when COS already held the object (nothing was sent). */
  uploaded: boolean;
}

/** Where and as whom the client stages packages. */
export interface PackageStaging {
  /** Stages the zip for a release whose primary region is `region`. */
  stage(zip: StagedZip, region: string): Promise<StageResult>;
}

/** Above this a zip goes up in parts (sliceUploadFile), from its file. */
const SLICE_BYTES = 8 * 1024 * 1024;

async function put(objects: CosObjects, location: CosLocation, zip: StagedZip): Promise<void> {
  if ('bytes' in zip) return objects.put(location, zip.bytes);
  const { size } = await fs.stat(zip.file);
  if (size > SLICE_BYTES) return objects.putFile(location, zip.file, SLICE_BYTES);
  return objects.put(location, await fs.readFile(zip.file));
}

/** Stages one zip in `cos` (HEAD, then upload when absent). */
export async function stageZip(zip: StagedZip, cos: CosSettings, credential: Credential | DynamicCredential): Promise<StageResult> {
  const objects = new CosObjects({ endpoint: cos.endpoint, credential });
  const location: CosLocation = { bucket: cos.bucket, region: cos.region, key: shaObjectKey(cos.prefix, zip.sha256) };
  const present = await objects.head(location);
  if (!present) await put(objects, location, zip);
  return { pkg: { location: cosUri(location), sha256: zip.sha256 }, location, uploaded: !present };
}

/**
 * Stages a directory (zipped deterministically, see directory-zip.ts) or a zip file in COS and
 * returns the package a release takes. For tests and programs: `stagePackage({ dir: 'build' }, { cos, credential })`.
 */
export async function stagePackage(
  source: { dir: string } | { file: string },
  options: { cos: CosSettings; credential: Credential | DynamicCredential },
): Promise<StageResult> {
  const zip: StagedZip = 'dir' in source
    ? await buildDirectoryZip(source.dir).then((z) => ({ bytes: z.zip, sha256: z.sha256 }))
    : { file: source.file, sha256: (await sha256OfFile(source.file)).sha256 };
  return stageZip(zip, options.cos, options.credential);
}


/**
 * The client's staging from its environment: SCF_COS_BUCKET/REGION/PREFIX (and SCF_COS_ENDPOINT)
 * with the SCF_CREDENTIALS chain; else, when SCF_ENDPOINT names a simulator, the simulator's default
 * bucket (asked from its admin API), signed with the environment's keys or the simulator's built-in ones;
 * else undefined (local packages then travel as paths the worker must be able to read).
 */
export function packageStagingFromEnv(env: NodeJS.ProcessEnv = process.env, simulatorHost?: string): PackageStaging | undefined {
  const configured = cosSettings(env, simulatorHost);
  const chain = credentialFor((env.SCF_CREDENTIALS as 'default' | 'env' | 'profile' | 'cvm-role' | undefined) ?? 'default', env);
  if (configured) return { stage: (zip) => stageZip(zip, configured, chain) };
  if (!simulatorHost) return undefined;
  const credential = env.TENCENTCLOUD_SECRET_ID && env.TENCENTCLOUD_SECRET_KEY
    ? { secretId: env.TENCENTCLOUD_SECRET_ID, secretKey: env.TENCENTCLOUD_SECRET_KEY, ...(env.TENCENTCLOUD_SESSION_TOKEN ? { token: env.TENCENTCLOUD_SESSION_TOKEN } : {}) }
    : { ...DEFAULT_CREDENTIALS };
  return {
    async stage(zip, region) {
      const q = new URLSearchParams({ region, secretId: credential.secretId });
      const r = await fetch(`http://${simulatorHost}/_admin/defaultCosBucket?${q}`);
      if (!r.ok) throw new Error(`the simulator at ${simulatorHost} gave no default COS bucket (HTTP ${r.status}); set SCF_COS_BUCKET and SCF_COS_REGION`);
      const { bucket } = (await r.json()) as { bucket: string };
      return stageZip(zip, { bucket, region, prefix: DEFAULT_COS_PREFIX, endpoint: simulatorHost }, credential);
    },
  };
}

/** What the client says when a release must carry its local path (no bucket, real Tencent): the workers must read it. */
export function unstagedPathWarning(location: string): string | undefined {
  if (!location.startsWith('/')) return undefined;
  return (
    `no COS bucket is configured (SCF_COS_BUCKET, SCF_COS_REGION): the release carries the local path ${location}, ` +
    'which every worker must be able to read under its SCF_PACKAGE_DIR. Set SCF_COS_BUCKET to stage the zip in COS instead.'
  );
}
