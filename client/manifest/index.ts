/**
 * The release manifest: a YAML or JSON file, overridden field by field by CLI flags, validated in
 * full and turned into the workflow's `ReleaseInput`. Nothing here talks to Temporal or SCF: a bad
 * manifest is refused before either is contacted.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { loadScfConfig } from '../../activities/config';
import type { ReleaseInput } from '../../workflows/definitions';
import { defaultStartedBy, newReleaseId } from '../release-id';
import { issuesFromZod, ManifestError, type ManifestIssue } from './issues';
import { inputSizeIssues, MAX_MANIFEST_FILE_BYTES } from './limits';
import type { PackageStaging } from '../package/stage';
import { resolvePackage } from './package';
import { manifestSchema, packageFromString, type Manifest } from './schema';
import { valueIssues } from './value-checks';

export { ManifestError, type ManifestIssue } from './issues';
export type { Manifest } from './schema';

/** Flags that override manifest fields (commander's camelCase option names). */
export interface ManifestFlags {
  function?: string;
  namespace?: string;
  region?: string;
  /** Comma-separated. */
  regions?: string;
  package?: string;
  sha256?: string;
  handler?: string;
  alias?: string;
  description?: string;
  override?: boolean;
}

export interface BuildOptions {
  /** The manifest file; without it the flags must name function, region and package. */
  file?: string;
  /** The file's content when the caller has already read it (readManifestFile), so it is not read twice. */
  raw?: unknown;
  flags?: ManifestFlags;
  /** `--by`; defaults to user@host. */
  startedBy?: string;
  /** The workers' SCF_ENDPOINT, when the client knows it: a simulator there may serve packages over http. */
  scfEndpoint?: string;
  /**
   * Where local packages (package.path, package.dir) are staged: `packageStagingFromEnv()`. Omitted,
   * a zip travels as the client's path (with a warning) and package.dir is refused.
   */
  staging?: PackageStaging;
  now?: Date;
}

export interface BuiltRelease {
  input: ReleaseInput;
  manifest: Manifest;
  /** Things the user must hear before the release starts (printed to stderr). */
  warnings: string[];
}

const OVERRIDE_WARNING =
  'override is on: where the function already exists in a target region, CopyFunction with Override ' +
  'DELETES that function first, with all its versions, aliases and triggers, and copies the primary over it.';

export async function readManifestFile(file: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    const stat = await fs.stat(file);
    if (stat.isFile() && stat.size > MAX_MANIFEST_FILE_BYTES) {
      throw new ManifestError(
        [{ path: '', message: `is ${(stat.size / 1024 / 1024).toFixed(1)} MiB; a manifest is at most ${MAX_MANIFEST_FILE_BYTES / 1024 / 1024} MiB (a release's whole input must fit in 1 MiB)` }],
        file,
      );
    }
    bytes = await fs.readFile(file);
  } catch (err) {
    if (err instanceof ManifestError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ManifestError([{ path: '', message: `cannot read the file (${code ?? String(err)}); check the -f path` }], file);
  }
  let text: string;
  try {
    // Fatal: a byte that is not UTF-8 is refused, not silently turned into U+FFFD in an event.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ManifestError([{ path: '', message: 'is not UTF-8 text; save the manifest as UTF-8' }], file);
  }
  try {
    // YAML is a superset of JSON, so one parser reads both; the extension only picks the error wording.
    // maxAliasCount bounds alias expansion ("billion laughs"): a manifest has no use for many aliases.
    return YAML.parse(text, { maxAliasCount: 50 }) ?? {};
  } catch (err) {
    const kind = file.endsWith('.json') ? 'JSON' : 'YAML';
    throw new ManifestError([{ path: '', message: `is not valid ${kind}: ${(err as Error).message.split('\n')[0]}` }], file);
  }
}

/** Lays the flags over the manifest; returns which top-level fields each flag set. */
function applyFlags(raw: unknown, flags: ManifestFlags): { merged: Record<string, unknown>; setBy: Map<string, string> } {
  const merged: Record<string, unknown> =
    raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : {};
  const setBy = new Map<string, string>();
  const set = (field: string, flag: string, value: unknown) => {
    merged[field] = value;
    setBy.set(field, flag);
  };
  if (flags.function !== undefined) set('function', '--function', flags.function);
  if (flags.namespace !== undefined) set('namespace', '--namespace', flags.namespace);
  if (flags.region !== undefined) set('region', '--region', flags.region);
  if (flags.regions !== undefined) {
    set('regions', '--regions', flags.regions.split(',').map((r) => r.trim()).filter(Boolean));
  }
  if (flags.package !== undefined) set('package', '--package', packageFromString(flags.package));
  if (flags.sha256 !== undefined) {
    const current = merged.package;
    const pkg = typeof current === 'string' ? packageFromString(current) : { ...(current as object) };
    merged.package = { ...pkg, sha256: flags.sha256 };
    setBy.set('package.sha256', '--sha256');
  }
  if (flags.handler !== undefined) set('handler', '--handler', flags.handler);
  if (flags.description !== undefined) set('description', '--description', flags.description);
  if (flags.override) set('override', '--override', true);
  if (flags.alias !== undefined) {
    const current = merged.alias && typeof merged.alias === 'object' ? (merged.alias as object) : {};
    merged.alias = { ...current, name: flags.alias };
    setBy.set('alias.name', '--alias');
  }
  return { merged, setBy };
}

function flagLookup(setBy: Map<string, string>): (path: string) => string | undefined {
  return (fieldPath) => {
    for (const [field, flag] of setBy) {
      if (fieldPath === field || fieldPath.startsWith(`${field}.`) || fieldPath.startsWith(`${field}[`)) return flag;
    }
    return undefined;
  };
}

/** The simulator's `host:port` when `endpoint` (SCF_ENDPOINT) names one, as the worker derives it. */
export function simulatorHostOf(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  try {
    return loadScfConfig({ SCF_ENDPOINT: endpoint }).simulatorHost;
  } catch {
    return undefined; // a malformed endpoint trusts nothing (the worker refuses to start with it)
  }
}

/** An issue about a field a flag set says so. */
function noteFlag(withFlag: (path: string) => string | undefined): (issue: ManifestIssue) => ManifestIssue {
  return (issue) => (withFlag(issue.path) ? { ...issue, message: `${issue.message} (set by ${withFlag(issue.path)})` } : issue);
}

/** Validates manifest + flags and builds the workflow input; throws ManifestError listing every problem. */
export async function buildRelease(options: BuildOptions): Promise<BuiltRelease> {
  const source = options.file ?? 'flags';
  const raw = options.file ? (options.raw ?? (await readManifestFile(options.file))) : {};
  if (options.file && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ManifestError([{ path: '', message: 'must be a mapping of fields (function, region, package, ...), not a list or a scalar' }], source);
  }
  const { merged, setBy } = applyFlags(raw, options.flags ?? {});
  const withFlag = flagLookup(setBy);
  // Relative package paths are relative to the manifest, or to the working directory when a flag set them.
  const baseDir = options.file && !setBy.has('package') ? path.dirname(path.resolve(options.file)) : process.cwd();
  return buildReleaseFrom(merged, { ...options, source, baseDir, withFlag });
}

export interface BuildFromOptions extends Omit<BuildOptions, 'file' | 'raw' | 'flags'> {
  /** Where the manifest came from, for the refusal's heading. */
  source: string;
  /** What relative package paths are relative to. */
  baseDir: string;
  /** Which flag set a field (its path), if any. */
  withFlag?: (path: string) => string | undefined;
}

/** Validates one release manifest given as an object (a file's, or one a fleet manifest composed) and builds its input. */
export async function buildReleaseFrom(merged: Record<string, unknown>, options: BuildFromOptions): Promise<BuiltRelease> {
  const { source, baseDir } = options;
  const withFlag = options.withFlag ?? (() => undefined);
  const parsed = manifestSchema.safeParse(merged);
  const issues = [...(parsed.success ? [] : issuesFromZod(parsed.error, withFlag)), ...valueIssues(merged).map(noteFlag(withFlag))];
  if (!parsed.success || issues.length > 0) throw new ManifestError(issues, source);
  const manifest = parsed.data;

  const pkg = await resolvePackage(manifest.package, baseDir, {
    handler: manifest.handler, simulatorHost: simulatorHostOf(options.scfEndpoint), staging: options.staging, region: manifest.region,
  });
  if (Array.isArray(pkg)) throw new ManifestError(pkg.map(noteFlag(withFlag)), source);

  const input: ReleaseInput = {
    releaseId: newReleaseId(options.now),
    functionName: manifest.function,
    namespace: manifest.namespace,
    primaryRegion: manifest.region,
    regions: manifest.regions,
    pkg,
    ...(manifest.handler !== undefined && { handler: manifest.handler }),
    ...(manifest.description !== undefined && { description: manifest.description }),
    verification: manifest.verification,
    ...(manifest.alias && { alias: manifest.alias }),
    ...(manifest.override && { overrideExisting: true }),
    ...(manifest.replicateTriggers && { replicateTriggers: manifest.replicateTriggers }),
    ...(manifest.regionConcurrency !== undefined && { regionConcurrency: manifest.regionConcurrency }),
    ...(manifest.notify?.length && { notify: manifest.notify }),
    startedBy: options.startedBy ?? defaultStartedBy(),
  };
  const tooBig = inputSizeIssues(input);
  if (tooBig.length > 0) throw new ManifestError(tooBig, source);
  const warnings = manifest.override ? [OVERRIDE_WARNING] : [];
  if (manifest.verification.length === 0) {
    warnings.push('no verification cases: nothing checks what the new version returns before it is published everywhere.');
  }
  return { input, manifest, warnings };
}
