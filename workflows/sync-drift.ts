/**
 * Read-only half of a sync: which code the source holds (the selector resolved to a qualifier and
 * its CodeSha256), and how each target compares. Used unchanged by dry runs and real syncs, so a
 * dry run reports exactly what a real sync would decide.
 */
import { patched } from '@temporalio/workflow';
import type { FunctionRef } from '../activities/contract';
import { read } from './activity-profiles';
import type { RegionAction, SyncSelector } from './definitions';
import { releaseFailure } from './failures';
import { highestPublishedVersion, inspectRegion, liveCodeVersions, versionHolding } from './preflight';

/** Failure types of our own for a source that cannot be synced from. */
export const SyncFailureType = {
  SourceMissing: 'ResourceNotFound.Function',
  SourceAliasMissing: 'ResourceNotFound.Alias',
  SourceHasNoVersion: 'ResourceNotFound.Version',
} as const;

export interface SourceCode {
  fn: FunctionRef;
  /** A version number or `$LATEST`. */
  qualifier: string;
  sha256: string;
  /** $LATEST's CodeSha256: CopyFunction copies $LATEST, so a copy is only enough when it matches. */
  latestSha256: string;
}

export interface TargetDrift {
  region: string;
  exists: boolean;
  /** $LATEST CodeSha256 in the target. */
  targetSha256?: string;
  /** CodeSha256 of the target's highest published version (only read when the selector is a version). */
  targetVersionSha256?: string;
  action: RegionAction;
}

export async function resolveSource(fn: FunctionRef, what: SyncSelector): Promise<SourceCode> {
  const info = await read.getFunction({ fn });
  if (!info.exists) {
    throw releaseFailure(SyncFailureType.SourceMissing, `${fn.namespace}/${fn.functionName} does not exist in the source region ${fn.region}`);
  }
  if (what.kind === 'latest-version' && patched(SYNC_LIVE_CODE_VERSION_PATCH)) return latestVersionSource(fn);
  const qualifier = await sourceQualifier(fn, what);
  const [{ codeSha256: sha256 }, { codeSha256: latestSha256 }] = await Promise.all([
    read.getFunctionAddress({ fn, qualifier }),
    qualifier === '$LATEST' ? Promise.resolve({ codeSha256: '' }) : read.getFunctionAddress({ fn }),
  ]);
  return { fn, qualifier, sha256, latestSha256: qualifier === '$LATEST' ? sha256 : latestSha256 };
}

function noPublishedVersion(fn: FunctionRef) {
  return releaseFailure(SyncFailureType.SourceHasNoVersion, `${fn.functionName} has no published version in ${fn.region}`);
}

/**
 * Patch id guarding what `latest-version` selects: histories recorded before it took the highest
 * published version, which may be one a release that did not land left behind (its rollback
 * restored $LATEST, its version stays); with it, the highest holding $LATEST's code.
 */
export const SYNC_LIVE_CODE_VERSION_PATCH = 'sync-latest-version-live-code';

/**
 * `latest-version`: the newest published version holding $LATEST's code (the code that stayed live),
 * among the newest LIVE_CODE_CANDIDATES. When none holds it, $LATEST has moved on past them
 * (unpublished work), and the newest version is taken, as before the patch.
 */
async function latestVersionSource(fn: FunctionRef): Promise<SourceCode> {
  const { codeSha256: latestSha256 } = await read.getFunctionAddress({ fn });
  const codes = await liveCodeVersions(fn, latestSha256);
  const chosen = versionHolding(codes, latestSha256) ?? codes[0];
  if (!chosen) throw noPublishedVersion(fn);
  return { fn, qualifier: chosen.version, sha256: chosen.codeSha256, latestSha256 };
}

async function sourceQualifier(fn: FunctionRef, what: SyncSelector): Promise<string> {
  switch (what.kind) {
    case '$LATEST':
      return '$LATEST';
    case 'alias': {
      const alias = await read.getAlias({ fn, name: what.alias });
      if (!alias) {
        throw releaseFailure(SyncFailureType.SourceAliasMissing, `alias ${what.alias} of ${fn.functionName} does not exist in ${fn.region}`);
      }
      // A split alias still has one main version; canary weights are a release's business, not a sync's.
      return alias.functionVersion;
    }
    case 'latest-version': {
      const version = await highestPublishedVersion(fn);
      if (!version) throw noPublishedVersion(fn);
      return version;
    }
  }
}

/**
 * A target is in sync when its $LATEST holds the source's code and, for a version selector, its
 * highest published version does too (that is what a sync leaves behind). Target aliases are not
 * compared or moved: moving traffic is a release's job, with its verification and approval.
 */
export async function inspectTarget(fn: FunctionRef, source: SourceCode, what: SyncSelector): Promise<TargetDrift> {
  // GetFunction, then $LATEST's GetFunctionAddress: the release's preflight of a target, without an alias.
  const inspection = await inspectRegion(fn, false);
  if (!inspection.exists) return { region: fn.region, exists: false, action: 'create-by-copy' };
  const targetSha256 = inspection.currentSha256!;
  let targetVersionSha256: string | undefined;
  if (what.kind !== '$LATEST') {
    const version = await highestPublishedVersion(fn);
    targetVersionSha256 = version ? (await read.getFunctionAddress({ fn, qualifier: version })).codeSha256 : undefined;
  }
  const inSync = targetSha256 === source.sha256 && (what.kind === '$LATEST' || targetVersionSha256 === source.sha256);
  return {
    region: fn.region,
    exists: true,
    targetSha256,
    ...(targetVersionSha256 ? { targetVersionSha256 } : {}),
    // Never override-by-copy: CopyFunction with Override deletes the target's versions and triggers.
    action: inSync ? 'no-op' : 'update-in-place',
  };
}
