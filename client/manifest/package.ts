/**
 * Turns the manifest's `package` into the `CodePackage` the workflow gets: a local zip is read here
 * (exists, is a zip, fits UpdateFunctionCode's inline limit, holds files, not all under one folder, and
 * the handler's file at its root; sha256 computed or checked), a URL or COS object must come with its
 * sha256 because the client cannot read it. The same pure `validatePackageRef()` the activity runs is
 * run here, so the client refuses what the worker would; and a URL must be https to a public host
 * (the worker checks its allow-list and the resolved addresses again, url-policy.ts).
 */
import { promises as fs } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { sha256OfFile } from '../../activities/artifact-store';
import { isSignedUrlParameter } from '../../activities/credentials';
import { base64Length, fitsZipFile, hasZipSignature, validatePackageRef } from '../../activities/packages';
import { isPublicAddress } from '../../activities/url-policy';
import type { CodePackage } from '../../workflows/definitions';
import type { ManifestIssue } from './issues';
import { listZipEntries, zipContentsProblem } from '../../activities/zip-contents';
import { buildDirectoryZip, DirectoryZipError } from '../package/directory-zip';
import type { PackageStaging, StagedZip } from '../package/stage';

export interface PackageField {
  path?: string;
  /** A directory the client zips deterministically (directory-zip.ts) and stages in COS. */
  dir?: string;
  url?: string;
  cos?: string;
  sha256?: string;
}

export interface PackageContext {
  /** The manifest's handler: its file must be at the zip's root. */
  handler?: string;
  /** `host:port` of the simulator the worker talks to (SCF_ENDPOINT), the one host a URL may reach over http. */
  simulatorHost?: string;
  /** Where local packages are staged (COS); without it a zip travels as the client's path. */
  staging?: PackageStaging;
  /** The release's primary region (the simulator's default bucket is there). */
  region?: string;
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** Names that never lead to a public host: loopback, mDNS, and the usual private-network suffixes. */
const LOCAL_NAME = /(^|\.)(localhost|local|localdomain|internal|intranet|lan|home\.arpa|arpa)$/i;

/** `viaCos`: the zip will be staged in COS, so UpdateFunctionCode's inline ZipFile limit does not apply. */
async function resolveLocal(file: string, declared: string | undefined, handler: string | undefined, viaCos = false): Promise<CodePackage | ManifestIssue[]> {
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat) return [{ path: 'package.path', message: `${file} does not exist; build the zip first or fix the path (relative paths are relative to the manifest)` }];
  if (!stat.isFile()) return [{ path: 'package.path', message: `${file} is not a file; zip the function's code (handler file at the zip's root) and give the zip` }];
  if (!viaCos && !fitsZipFile(stat.size)) {
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
  let entries: string[];
  try {
    entries = await listZipEntries(file);
  } catch (err) {
    return [{ path: 'package.path', message: `${file} is not a valid zip (${(err as Error).message}); rebuild it, e.g. \`cd fn && zip -r ../fn.zip .\`` }];
  }
  const problem = zipContentsProblem(entries, handler);
  if (problem) return [{ path: 'package.path', message: `${path.basename(file)} ${problem}` }];
  const { sha256 } = await sha256OfFile(file);
  if (declared && declared !== sha256) {
    return [{ path: 'package.sha256', message: `is ${declared} but the file's sha256 is ${sha256}; remove package.sha256 (the client computes it) or fix it` }];
  }
  return { location: file, sha256 };
}

/** A URL or COS package needs its sha256 (the client cannot read it) and, for a URL, no signature. */
function remoteIssues(field: 'url' | 'cos', location: string, declared: string | undefined): ManifestIssue[] {
  const issues: ManifestIssue[] = field === 'url' ? signedUrlIssues(location) : [];
  if (!declared) {
    issues.unshift({ path: 'package.sha256', message: `is required for a package.${field} (the client cannot read it); add the zip's sha256 (sha256sum <zip>)` });
  }
  return issues;
}

/**
 * Where a package.url may point: https to a public host name (http only to the simulator), no
 * credentials, no literal private address, no `localhost`. `file:` and `cos:` belong in their own fields.
 */
function urlIssues(location: string, simulatorHost: string | undefined): ManifestIssue[] {
  const issue = (message: string): ManifestIssue[] => [{ path: 'package.url', message }];
  const url = URL.canParse(location) ? new URL(location) : undefined;
  if (!url) return issue(`"${location.slice(0, 200)}" is not a valid URL; give https://host/path/fn.zip`);
  if (url.protocol === 'file:') return issue('is a file: URL; give the zip as package.path with a plain path (relative to the manifest) instead');
  if (url.protocol === 'cos:') return issue('is a cos:// location; set it as package.cos instead');
  const trusted = simulatorHost !== undefined && url.host === simulatorHost;
  if (url.protocol === 'http:' && !trusted) {
    return issue('is plain http (anyone on the way can read or change the zip, and workers fetch https only); use https://, or package.cos');
  }
  // The fix every refusal of a package.url offers: what the client and the workers both take.
  const instead = 'use an unsigned https:// URL on an allowed host, or package.cos';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return issue(`scheme "${url.protocol}" is not supported; ${instead}`);
  if (url.username || url.password) return issue(`must not carry credentials in the URL (they would be recorded in workflow history); ${instead}`);
  if (trusted) return [];
  const hostname = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (isIP(hostname)) {
    return isPublicAddress(hostname) ? [] : issue(`points at ${hostname}, a loopback, link-local or private address; give the public https host of the zip, or package.cos`);
  }
  if (LOCAL_NAME.test(hostname) || !hostname.includes('.')) {
    return issue(`points at "${hostname}", which is not a public host name; give the public https host of the zip, or package.cos`);
  }
  return [];
}

function signedUrlIssues(location: string): ManifestIssue[] {
  const signed = [...new URL(location).searchParams.keys()].find(isSignedUrlParameter);
  if (!signed) return [];
  return [
    {
      path: 'package.url',
      message: `carries a signature (${signed}=...), a credential that would be recorded in workflow history; use package.cos (the worker reads COS with its own credentials) or an unsigned URL`,
    },
  ];
}

/** Stages a local zip when the client has somewhere to (COS); else the path (the release command warns). */
async function stageOrWarn(zip: StagedZip, local: CodePackage, field: 'path' | 'dir', context: PackageContext): Promise<CodePackage | ManifestIssue[]> {
  if (context.staging) {
    try {
      return (await context.staging.stage(zip, context.region ?? 'ap-guangzhou')).pkg;
    } catch (err) {
      return [{ path: `package.${field}`, message: `could not be staged in COS (${(err as Error).message}); check SCF_COS_BUCKET/SCF_COS_REGION and the credentials` }];
    }
  }
  if (field === 'dir') {
    return [{ path: 'package.dir', message: 'needs a COS bucket to stage the zip in, so that the workers can read it: set SCF_COS_BUCKET and SCF_COS_REGION (or SCF_ENDPOINT to the simulator), or build a zip and give package.path' }];
  }
  return local;
}

/** `package.dir`: zipped deterministically, checked like a zip, then staged. */
async function resolveDirectory(dir: string, declared: string | undefined, context: PackageContext): Promise<CodePackage | ManifestIssue[]> {
  let built;
  try {
    built = await buildDirectoryZip(dir);
  } catch (err) {
    if (err instanceof DirectoryZipError) return [{ path: 'package.dir', message: err.message }];
    throw err;
  }
  const problem = zipContentsProblem(built.files, context.handler);
  if (problem) return [{ path: 'package.dir', message: `${path.basename(dir)} zipped ${problem}` }];
  if (declared && declared !== built.sha256) {
    return [{ path: 'package.sha256', message: `is ${declared} but the zip of ${dir} has sha256 ${built.sha256}; remove package.sha256 (the client computes it) or fix it` }];
  }
  return stageOrWarn({ bytes: built.zip, sha256: built.sha256 }, { location: dir, sha256: built.sha256 }, 'dir', context);
}

/** The package as the workflow takes it, or the problems with it. Relative paths resolve against `baseDir`. */
export async function resolvePackage(pkg: PackageField, baseDir: string, context: PackageContext = {}): Promise<CodePackage | ManifestIssue[]> {
  if (pkg.dir !== undefined) return resolveDirectory(path.resolve(baseDir, pkg.dir), pkg.sha256, context);
  let location: string;
  let field: 'path' | 'url' | 'cos';
  if (pkg.path !== undefined) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pkg.path)) {
      return [{ path: 'package.path', message: `is a URL (${pkg.path.slice(0, pkg.path.indexOf(':'))}:); give a plain path to the zip (relative to the manifest), or use package.url for https` }];
    }
    field = 'path';
    location = path.resolve(baseDir, pkg.path);
  } else {
    field = pkg.url !== undefined ? 'url' : 'cos';
    location = (pkg.url ?? pkg.cos) as string;
  }
  if (field === 'url') {
    const hostile = urlIssues(location, context.simulatorHost);
    if (hostile.length) return hostile;
  }
  const remote = field === 'path' ? [] : remoteIssues(field, location, pkg.sha256);
  // The activity's own check (scheme, COS bucket/key/region, credentials in the URL), with our field names.
  const checked = validatePackageRef({ location, sha256: pkg.sha256 ?? '0'.repeat(64) });
  const refIssues = checked.ok
    ? []
    : checked.issues.filter((i) => i.field !== 'pkg.sha256').map((i) => ({ path: `package.${field}`, message: i.message }));
  if (remote.length || refIssues.length) return [...refIssues, ...remote];
  if (field !== 'path') return { location, sha256: pkg.sha256 as string };
  const local = await resolveLocal(location, pkg.sha256, context.handler, context.staging !== undefined);
  return Array.isArray(local) ? local : stageOrWarn({ file: local.location, sha256: local.sha256 }, local, 'path', context);
}
