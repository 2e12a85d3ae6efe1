/**
 * Turns the manifest's `package` into the `CodePackage` the workflow gets: a local zip is read here
 * (exists, is a zip, fits UpdateFunctionCode's inline limit, sha256 computed or checked), a URL or COS
 * object must come with its sha256 because the client cannot read it. The same pure
 * `validatePackageRef()` the activity runs is run here, so the client refuses what the worker would.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256OfFile } from '../../activities/artifact-store';
import { base64Length, hasZipSignature, validatePackageRef, ZIPFILE_MAX_RAW_BYTES } from '../../activities/packages';
import type { CodePackage } from '../../workflows/definitions';
import type { ManifestIssue } from './issues';

export interface PackageField {
  path?: string;
  url?: string;
  cos?: string;
  sha256?: string;
}

/** Query parameters that make a URL a credential (COS, S3 and generic signed URLs). */
const SIGNED_URL_PARAMS = /^(q-signature|q-ak|x-amz-signature|x-amz-credential|signature|sign|token|x-cos-security-token)$/i;

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function resolveLocal(file: string, declared: string | undefined): Promise<CodePackage | ManifestIssue[]> {
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat) return [{ path: 'package.path', message: `${file} does not exist; build the zip first or fix the path (relative paths are relative to the manifest)` }];
  if (!stat.isFile()) return [{ path: 'package.path', message: `${file} is not a file; zip the function's code (handler file at the zip's root) and give the zip` }];
  if (stat.size > ZIPFILE_MAX_RAW_BYTES) {
    return [
      {
        path: 'package.path',
        message:
          `${path.basename(file)} is ${mib(stat.size)} MiB (${mib(base64Length(stat.size))} MiB as base64); UpdateFunctionCode takes at most 20 MB of base64 inline. ` +
          'Upload the zip to COS and set package.cos: cos://<bucket-appid>/<key>?region=<region> with package.sha256',
      },
    ];
  }
  const handle = await fs.open(file, 'r');
  const signature = Buffer.alloc(4);
  await handle.read(signature, 0, 4, 0).finally(() => handle.close());
  if (!hasZipSignature(signature)) {
    return [{ path: 'package.path', message: `${file} is not a zip file; SCF takes a zip of the code (e.g. \`cd fn && zip -r ../fn.zip .\`)` }];
  }
  const { sha256 } = await sha256OfFile(file);
  if (declared && declared !== sha256) {
    return [{ path: 'package.sha256', message: `is ${declared} but the file's sha256 is ${sha256}; remove package.sha256 (the client computes it) or fix it` }];
  }
  return { location: file, sha256 };
}

function remoteIssues(field: 'url' | 'cos', location: string, declared: string | undefined): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  if (!declared) {
    issues.push({ path: 'package.sha256', message: `is required for a package.${field} (the client cannot read it); add the zip's sha256 (sha256sum <zip>)` });
  }
  if (field === 'url') {
    const url = URL.canParse(location) ? new URL(location) : undefined;
    const signed = url && [...url.searchParams.keys()].find((key) => SIGNED_URL_PARAMS.test(key));
    if (signed) {
      issues.push({
        path: 'package.url',
        message: `carries a signature (${signed}=...), a credential that would be recorded in workflow history; use package.cos (the worker reads COS with its own credentials) or an unsigned URL`,
      });
    }
  }
  return issues;
}

/** The package as the workflow takes it, or the problems with it. Relative paths resolve against `baseDir`. */
export async function resolvePackage(pkg: PackageField, baseDir: string): Promise<CodePackage | ManifestIssue[]> {
  let location: string;
  let field: 'path' | 'url' | 'cos';
  if (pkg.path !== undefined) {
    field = 'path';
    location = pkg.path.startsWith('file://') ? fileURLToPath(pkg.path) : path.resolve(baseDir, pkg.path);
  } else {
    field = pkg.url !== undefined ? 'url' : 'cos';
    location = (pkg.url ?? pkg.cos) as string;
  }
  const remote = field === 'path' ? [] : remoteIssues(field, location, pkg.sha256);
  // The activity's own check (scheme, COS bucket/key/region, credentials in the URL), with our field names.
  const checked = validatePackageRef({ location, sha256: pkg.sha256 ?? '0'.repeat(64) });
  const refIssues = checked.ok
    ? []
    : checked.issues.filter((i) => i.field !== 'pkg.sha256').map((i) => ({ path: `package.${field}`, message: i.message }));
  if (remote.length || refIssues.length) return [...refIssues, ...remote];
  return field === 'path' ? resolveLocal(location, pkg.sha256) : { location, sha256: pkg.sha256 as string };
}
