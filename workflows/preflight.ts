/**
 * Read-only inspection of the regions a release touches: whether the function exists, its state,
 * its $LATEST CodeSha256 and the version its alias serves. Shared by the release's preflight and by
 * planReleaseWorkflow, so `--plan` predicts exactly what the release decides.
 */
import { patched } from '@temporalio/workflow';
import type { AliasInfo, CodeSnapshot, FunctionInfo, FunctionRef } from '../activities/contract';
import { read } from './activity-profiles';
import type { RegionAction, ReleaseInput } from './definitions';

export interface RegionInspection {
  region: string;
  isPrimary: boolean;
  exists: boolean;
  status?: FunctionInfo['status'];
  triggers: Array<{ type: string; name: string }>;
  /** $LATEST CodeSha256. */
  currentSha256?: string;
  /** null: the manifest names an alias and it does not exist here. undefined: no alias in the manifest. */
  alias?: AliasInfo | null;
  /** CodeSha256 of the version the alias serves, when it serves a single version. */
  aliasSha256?: string;
  /** $LATEST kept in the artifact store, read in the preflight (under the lock): the undo of an update reuses it. */
  snapshot?: CodeSnapshot;
}

/**
 * Patch id guarding the snapshot taken in the preflight: histories recorded before it read $LATEST's
 * CodeSha256 with getFunctionAddress here and then again (GetFunctionAddress and GetFunction) in a
 * snapshot-code step before each update; with it one snapshotCode here answers both, with the handler
 * the preflight's GetFunction already read.
 */
export const SNAPSHOT_IN_PREFLIGHT_PATCH = 'snapshot-in-preflight';

/**
 * Patch id guarding the preflight as one activity (inspectLatest: GetFunction, then the snapshot):
 * histories recorded before it ran getFunction and snapshotCode as two activities.
 */
export const INSPECT_IN_ONE_ACTIVITY_PATCH = 'inspect-in-one-activity';

export function functionRef(input: Pick<ReleaseInput, 'namespace' | 'functionName'>, region: string): FunctionRef {
  return { region, namespace: input.namespace, functionName: input.functionName };
}

/**
 * `snapshot`: the release's preflight, which keeps $LATEST's code for the undo of an update (one
 * GetFunctionAddress answers both the CodeSha256 and where to download from). `--plan` and the sync's
 * drift check only read.
 */
export async function inspectRegion(fn: FunctionRef, isPrimary: boolean, aliasName?: string, options: { snapshot?: boolean } = {}): Promise<RegionInspection> {
  const inOne = options.snapshot && patched(INSPECT_IN_ONE_ACTIVITY_PATCH);
  const inspected = inOne ? await read.inspectLatest({ fn }) : { info: await read.getFunction({ fn }) };
  const { info } = inspected;
  if (!info.exists) {
    return { region: fn.region, isPrimary, exists: false, triggers: [], ...(aliasName ? { alias: null } : {}) };
  }
  let snapshot = inspected.snapshot;
  if (!inOne && options.snapshot && patched(SNAPSHOT_IN_PREFLIGHT_PATCH)) {
    snapshot = await read.snapshotCode({ fn, ...(info.handler !== undefined && { handler: info.handler }) });
  }
  const codeSha256 = snapshot ? snapshot.sha256 : (await read.getFunctionAddress({ fn })).codeSha256;
  const inspection: RegionInspection = {
    region: fn.region,
    isPrimary,
    exists: true,
    status: info.status,
    triggers: info.triggers ?? [],
    currentSha256: codeSha256,
    ...(snapshot && { snapshot }),
  };
  if (aliasName) {
    const alias = await read.getAlias({ fn, name: aliasName });
    inspection.alias = alias;
    if (alias && alias.additionalVersionWeights.length === 0) {
      inspection.aliasSha256 =
        alias.functionVersion === '$LATEST'
          ? codeSha256
          : (await read.getFunctionAddress({ fn, qualifier: alias.functionVersion })).codeSha256;
    }
  }
  return inspection;
}

/** Published version numbers (below `below`, when given), highest first. One ListVersions call. */
async function publishedVersions(fn: FunctionRef, below?: string): Promise<string[]> {
  return (await read.listVersions({ fn }))
    .map((v) => v.version)
    .filter((v) => /^\d+$/.test(v))
    .map(Number)
    .filter((n) => below === undefined || n < Number(below))
    .sort((a, b) => b - a)
    .map(String);
}

/**
 * The highest published version number (below `below`, when given); undefined when there is none.
 * One ListVersions call. The sync's drift check uses it, and so do histories recorded before the
 * patches that made the alias start and `latest-version` look at the code (traffic.ts, sync-drift.ts).
 */
export async function highestPublishedVersion(fn: FunctionRef, below?: string): Promise<string | undefined> {
  return (await publishedVersions(fn, below))[0];
}

/**
 * How many of the newest published versions liveCodeVersions reads the code of. A release that did
 * not land (rolled back, aborted) leaves its version above the one whose code stayed live, one per
 * such release, so three finds that version behind two failed releases in a row. Each read is an
 * activity in the workflow's history and a call against SCF's read limits, per region: unbounded,
 * a function with hundreds of versions would cost hundreds. Past the bound, callers act as if no
 * version held the code (the release creates its alias at the new version; a sync takes the newest).
 */
export const LIVE_CODE_CANDIDATES = 3;

export interface VersionCode {
  version: string;
  codeSha256: string;
}

/**
 * The newest published versions (below `below`, when given) with their CodeSha256, highest first,
 * up to the first that holds `sha256` (then it is the last entry) and at most LIVE_CODE_CANDIDATES:
 * one ListVersions, then one GetFunctionAddress per version read.
 */
export async function liveCodeVersions(fn: FunctionRef, sha256: string, below?: string): Promise<VersionCode[]> {
  const codes: VersionCode[] = [];
  for (const version of (await publishedVersions(fn, below)).slice(0, LIVE_CODE_CANDIDATES)) {
    const { codeSha256 } = await read.getFunctionAddress({ fn, qualifier: version });
    codes.push({ version, codeSha256 });
    if (codeSha256 === sha256) break;
  }
  return codes;
}

/** Of what liveCodeVersions read, the version that holds `sha256`; undefined when none does. */
export function versionHolding(codes: readonly VersionCode[], sha256: string): VersionCode | undefined {
  return codes.find((c) => c.codeSha256 === sha256);
}

/** What the release does in a region. The primary is always updated in place. */
export function regionAction(inspection: RegionInspection, overrideExisting: boolean | undefined): RegionAction {
  if (inspection.isPrimary) return 'update-in-place';
  if (!inspection.exists) return 'create-by-copy';
  return overrideExisting ? 'override-by-copy' : 'update-in-place';
}

/** The package already serves here: $LATEST has its sha and the alias (if any) serves only a version with it. */
export function isLive(inspection: RegionInspection, sha256: string, aliasName?: string): boolean {
  if (!inspection.exists || inspection.currentSha256 !== sha256) return false;
  return !aliasName || inspection.aliasSha256 === sha256;
}
