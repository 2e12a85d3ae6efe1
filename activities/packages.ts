/**
 * Code packages by reference (see `CodePackage` in contract.ts).
 *
 * `validatePackageRef()` is pure (no I/O, no Temporal): the client runs it before it starts a
 * release, the activity runs it again before anything else. `preparePackage()` does the I/O: it reads
 * or downloads the zip, checks the sha256, the zip signature and the size, and returns the
 * UpdateFunctionCode parameters. Both fail with `PackageError` (field + what to do); the activity turns
 * that into a non-retryable `ApplicationFailure` of type `InvalidPackage` BEFORE any SCF call.
 *
 * Size: UpdateFunctionCode's `ZipFile` takes at most 20 MB *after base64* (seed page), i.e. a zip of
 * at most 15 MiB. Bigger packages must come from COS (`cos://bucket/key?region=...`): SCF then reads the
 * object itself, no bytes pass through the worker, and the sha256 cannot be checked before the update
 * (compare GetFunctionAddress's CodeSha256 afterwards).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodePackage } from './contract';

/** UpdateFunctionCode's ZipFile limit, counted on the base64 text (20 MB per the seed page). */
export const ZIPFILE_MAX_BASE64_BYTES = 20 * 1024 * 1024;
/** The biggest zip whose base64 fits. */
export const ZIPFILE_MAX_RAW_BYTES = Math.floor(ZIPFILE_MAX_BASE64_BYTES / 4) * 3;

export type PackageRef =
  | { kind: 'file'; path: string }
  | { kind: 'http'; url: string }
  | { kind: 'cos'; bucket: string; key: string; region: string };

export interface PackageIssue {
  field: 'pkg.location' | 'pkg.sha256' | 'pkg';
  message: string;
}

export type PackageValidation = { ok: true; ref: PackageRef; sha256: string } | { ok: false; issues: PackageIssue[] };

export class PackageError extends Error {
  override name = 'PackageError';
  constructor(
    readonly field: PackageIssue['field'],
    message: string,
    /** A transient failure (download reset): retrying may help. */
    readonly retryable = false,
  ) {
    super(`${field}: ${message}`);
  }
}

export function base64Length(rawBytes: number): number {
  return Math.ceil(rawBytes / 3) * 4;
}

const COS_BUCKET_RE = /^[a-z0-9][a-z0-9-]*-\d+$/;
const REGION_RE = /^[a-z]{2,}(-[a-z0-9]+)+$/;

/** Pure: parses `location`, checks `sha256`'s form. No file or network access. */
export function validatePackageRef(pkg: Partial<CodePackage> | null | undefined): PackageValidation {
  const issues: PackageIssue[] = [];
  if (!pkg || typeof pkg !== 'object') return { ok: false, issues: [{ field: 'pkg', message: 'a code package { location, sha256 } is required' }] };
  const sha = typeof pkg.sha256 === 'string' ? pkg.sha256.trim() : '';
  if (!/^[0-9a-fA-F]{64}$/.test(sha)) {
    issues.push({
      field: 'pkg.sha256',
      message: `must be the 64-character hex sha256 of the zip (got ${JSON.stringify(pkg.sha256 ?? null)}); compute it with \`sha256sum package.zip\``,
    });
  }
  let ref: PackageRef | undefined;
  const loc = typeof pkg.location === 'string' ? pkg.location.trim() : '';
  if (!loc) {
    issues.push({ field: 'pkg.location', message: 'is empty; give an absolute path or file:// under SCF_PACKAGE_DIR, an https:// URL on an allowed host, or cos://bucket/key?region=...' });
  } else if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(loc)) {
    let url: URL | undefined;
    try {
      url = new URL(loc);
    } catch {
      issues.push({ field: 'pkg.location', message: `"${loc}" is not a valid URL` });
    }
    if (url) {
      switch (url.protocol) {
        case 'file:':
          try {
            ref = { kind: 'file', path: fileURLToPath(url) };
          } catch (e) {
            issues.push({ field: 'pkg.location', message: `"${loc}": ${(e as Error).message}` });
          }
          break;
        case 'http:':
        case 'https:':
          if (url.username || url.password) {
            issues.push({ field: 'pkg.location', message: 'must not carry credentials in the URL (they would be recorded in workflow history); use an unsigned https:// URL on an allowed host, or cos://bucket/key?region=...' });
          } else {
            ref = { kind: 'http', url: url.toString() };
          }
          break;
        case 'cos:': {
          const bucket = url.hostname;
          const key = decodeURIComponent(url.pathname.replace(/^\//, ''));
          const region = url.searchParams.get('region') ?? '';
          if (!COS_BUCKET_RE.test(bucket)) issues.push({ field: 'pkg.location', message: `COS bucket "${bucket}" must look like name-appid (e.g. code-1250000000)` });
          if (!key) issues.push({ field: 'pkg.location', message: 'cos:// location has no object key: cos://<bucket>/<key>?region=<region>' });
          if (!REGION_RE.test(region)) issues.push({ field: 'pkg.location', message: 'cos:// location needs ?region=<region> (e.g. ?region=ap-guangzhou)' });
          if (COS_BUCKET_RE.test(bucket) && key && REGION_RE.test(region)) ref = { kind: 'cos', bucket, key, region };
          break;
        }
        default:
          issues.push({
            field: 'pkg.location',
            message: `scheme "${url.protocol}" is not supported; use an absolute path or file:// under SCF_PACKAGE_DIR, an https:// URL on an allowed host, or cos://bucket/key?region=...`,
          });
      }
    }
  } else if (path.isAbsolute(loc)) {
    ref = { kind: 'file', path: path.normalize(loc) };
  } else {
    issues.push({ field: 'pkg.location', message: `"${loc}" is a relative path; the worker needs an absolute path under SCF_PACKAGE_DIR (or file://, an https:// URL on an allowed host, cos://)` });
  }
  if (issues.length > 0 || !ref) return { ok: false, issues };
  return { ok: true, ref, sha256: sha.toLowerCase() };
}

/** Throws the first issue as a PackageError. */
export function assertPackageRef(pkg: Partial<CodePackage> | null | undefined): { ref: PackageRef; sha256: string } {
  const v = validatePackageRef(pkg);
  if (!v.ok) {
    const first = v.issues[0];
    throw new PackageError(first.field, v.issues.map((i) => (i.field === first.field ? i.message : `${i.field}: ${i.message}`)).join('; '));
  }
  return { ref: v.ref, sha256: v.sha256 };
}

/** The code parameters of UpdateFunctionCode. */
export interface CodeParams {
  ZipFile?: string;
  CosBucketName?: string;
  CosObjectName?: string;
  CosBucketRegion?: string;
}

export interface PreparedPackage {
  params: CodeParams;
}

export interface PrepareOptions {
  maxDownloadBytes: number;
  signal?: AbortSignal;
  /**
   * The only directory local packages (paths, file://) may come from (SCF_PACKAGE_DIR); compared after
   * resolving real paths, so `..` and symlinks cannot leave it. Undefined: local packages are refused.
   */
  localDir?: string;
  /** Downloads http(s) packages to a temporary file; returns its path, the sha256 computed while streaming, and size. */
  download?: (url: string, maxBytes: number, signal?: AbortSignal) => Promise<{ file: string; sha256: string; bytes: number; cleanup: () => Promise<void> }>;
}

/** Whether a zip of `rawBytes` fits UpdateFunctionCode's ZipFile (20 MB after base64). */
export function fitsZipFile(rawBytes: number): boolean {
  return rawBytes <= ZIPFILE_MAX_RAW_BYTES;
}

/** Why a zip of `rawBytes` does not fit the ZipFile limit; `what` names it ("the zip", "the snapshot"). */
export function zipFileTooBigMessage(rawBytes: number, what = 'the zip'): string {
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  return (
    `${what} is ${mb(rawBytes)} MiB (${mb(base64Length(rawBytes))} MiB after base64); ` +
    `UpdateFunctionCode's ZipFile takes at most 20 MB after base64 (a zip of at most ${mb(ZIPFILE_MAX_RAW_BYTES)} MiB).`
  );
}

function tooBig(bytes: number): PackageError {
  return new PackageError('pkg.location', `${zipFileTooBigMessage(bytes)} Upload it to COS and pass cos://<bucket>/<key>?region=<region> instead.`);
}

/** Whether the first bytes are a zip's local-file (or, for an empty zip, end-of-directory) signature. */
export function hasZipSignature(head: Buffer): boolean {
  const sig = head.subarray(0, 4).toString('latin1');
  return sig === 'PK\u0003\u0004' || sig === 'PK\u0005\u0006';
}

function checkDigest(actual: string, sha256: string, where: string): void {
  if (actual !== sha256) {
    throw new PackageError('pkg.sha256', `${where} has sha256 ${actual}, not the declared ${sha256}; rebuild the package or fix pkg.sha256`);
  }
}

/**
 * Checks the bytes against the declared sha256, the zip signature and the ZipFile limit; returns base64.
 * `computedSha256`: the bytes' digest when the caller already has it (hashed while downloading).
 */
export function checkZipBytes(bytes: Buffer, sha256: string, where: string, computedSha256?: string): string {
  if (!fitsZipFile(bytes.length)) throw tooBig(bytes.length);
  checkDigest(computedSha256 ?? createHash('sha256').update(bytes).digest('hex'), sha256, where);
  if (!hasZipSignature(bytes)) {
    throw new PackageError('pkg.location', `${where} is not a zip file (no PK signature); SCF takes a zip of the code`);
  }
  return bytes.toString('base64');
}

const errCode = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/**
 * The real path of `file` when it lies inside `localDir` (both resolved: `..` and symlinks followed).
 * Refuses before reading anything, so no file outside the directory is opened or hashed.
 */
async function insideLocalDir(file: string, localDir: string | undefined): Promise<string> {
  if (!localDir) {
    throw new PackageError(
      'pkg.location',
      `local packages are off on this worker (${file}); set SCF_PACKAGE_DIR on the worker to the directory the zips are in, or use an https:// URL or cos://bucket/key?region=...`,
    );
  }
  let root: string;
  try {
    root = await fs.realpath(localDir);
  } catch (e) {
    throw new PackageError('pkg.location', `SCF_PACKAGE_DIR ${localDir} is not readable on the worker (${errCode(e)})`);
  }
  let real: string;
  try {
    real = await fs.realpath(file);
  } catch (e) {
    // Not there (or not reachable): said only for paths that are inside the directory as written.
    if (!isInside(root, path.resolve(file))) throw outside(file, localDir);
    throw new PackageError('pkg.location', `cannot read ${file} on the worker (${errCode(e)}); the path must exist on the worker's machine`);
  }
  if (!isInside(root, real)) throw outside(file, localDir);
  return real;
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

function outside(file: string, localDir: string): PackageError {
  return new PackageError('pkg.location', `${file} is outside SCF_PACKAGE_DIR (${localDir}) once links and .. are resolved; put the zip in that directory`);
}

/** Reads/downloads the package and returns UpdateFunctionCode's code parameters. No SCF call. */
export async function preparePackage(pkg: CodePackage, opts: PrepareOptions): Promise<PreparedPackage> {
  const { ref, sha256 } = assertPackageRef(pkg);
  switch (ref.kind) {
    case 'cos':
      return { params: { CosBucketName: ref.bucket, CosObjectName: ref.key, CosBucketRegion: ref.region } };
    case 'file': {
      const file = await insideLocalDir(ref.path, opts.localDir);
      let stat;
      try {
        stat = await fs.stat(file);
      } catch (e) {
        throw new PackageError('pkg.location', `cannot read ${ref.path} on the worker (${errCode(e)}); the path must exist on the worker's machine`);
      }
      if (!stat.isFile()) throw new PackageError('pkg.location', `${ref.path} is not a file`);
      if (!fitsZipFile(stat.size)) throw tooBig(stat.size);
      let bytes: Buffer;
      try {
        bytes = await fs.readFile(file);
      } catch (e) {
        throw new PackageError('pkg.location', `cannot read ${ref.path} on the worker (${errCode(e)})`);
      }
      return { params: { ZipFile: checkZipBytes(bytes, sha256, ref.path) } };
    }
    case 'http': {
      if (!opts.download) throw new PackageError('pkg.location', 'http(s) packages are not enabled on this worker');
      const limit = Math.min(opts.maxDownloadBytes, ZIPFILE_MAX_RAW_BYTES + 1);
      const d = await opts.download(ref.url, limit, opts.signal);
      try {
        if (!fitsZipFile(d.bytes)) throw tooBig(d.bytes);
        const url = new URL(ref.url);
        const where = url.host + url.pathname;
        // downloadToFile hashed the body while streaming it: a wrong package is refused without reading it back.
        checkDigest(d.sha256, sha256, where);
        const bytes = await fs.readFile(d.file);
        return { params: { ZipFile: checkZipBytes(bytes, sha256, where, d.sha256) } };
      } finally {
        await d.cleanup();
      }
    }
  }
}
