/**
 * Writing one drifted target region during a sync, through the release's replication module:
 * create by CopyFunction when the function is missing, otherwise update $LATEST in place with the
 * source's code, then publish, wait and check the CodeSha256 (publishAndCheck), then verify.
 *
 * The source's code comes from a snapshot of the source version in the worker's artifact store
 * (restoreCode into the target), because a sync has no package of its own. Each region has its own
 * Saga: a failing region is put back as it was, and regions that synced stay synced.
 */
import type { CodeSnapshot, FunctionRef } from '../activities/contract';
import { mutation, read, waiting, WAIT_FOR_ACTIVE_MS } from './activity-profiles';
import { Compensations } from './compensation';
import type { CompensationRecord, SyncRegionReport, VerificationCase } from './definitions';
import { toReleaseError } from './failures';
import { publishAndCheck, putCode, restoreCodeUndo, type DeployContext, type RegionDeployment } from './replicate-region';
import type { SourceCode, TargetDrift } from './sync-drift';
import { verifyQualifier } from './verify';

export interface SyncRegionContext {
  source: SourceCode;
  /** Taken lazily, once per function: only needed when $LATEST cannot simply be copied. */
  sourceSnapshot: () => Promise<CodeSnapshot>;
  /** Tags the published version (PublishVersion idempotency), e.g. `sync/<id>`. */
  publishTag: string;
  verification: readonly VerificationCase[];
}

export interface SyncedRegion {
  report: SyncRegionReport;
  compensations: CompensationRecord[];
}

export async function syncRegion(fn: FunctionRef, drift: TargetDrift, ctx: SyncRegionContext): Promise<SyncedRegion> {
  const saga = new Compensations();
  const base = { region: fn.region, action: drift.action, sourceSha256: ctx.source.sha256, targetSha256: drift.targetSha256 };
  const deploy: DeployContext = {
    // publishAndCheck compares against pkg.sha256; the location is never read on this path.
    pkg: { location: `scf://${ctx.source.fn.region}/${ctx.source.fn.namespace}/${ctx.source.fn.functionName}:${ctx.source.qualifier}`, sha256: ctx.source.sha256 },
    releaseId: ctx.publishTag,
    description: `synced from ${ctx.source.fn.region}:${ctx.source.qualifier}`,
    saga,
  };
  const deployment: RegionDeployment = { fn, action: drift.action === 'create-by-copy' ? 'create-by-copy' : 'update-in-place', copySource: ctx.source.fn };
  let version: string | undefined;
  try {
    if (deployment.action === 'create-by-copy') {
      await putCode(deployment, { ...deploy, pkg: { ...deploy.pkg, sha256: ctx.source.latestSha256 } });
      // CopyFunction copied the source's $LATEST; when the selected version differs, put that code in.
      if (ctx.source.latestSha256 !== ctx.source.sha256) await restoreSourceInto(fn, ctx, saga, false);
    } else {
      await restoreSourceInto(fn, ctx, saga, true);
    }
    const published = await publishAndCheck(deployment, deploy);
    version = published.version;
    if (ctx.verification.length > 0) await verifyQualifier(fn, published.version, ctx.verification);
    return { report: { ...base, outcome: 'synced', version: published.version }, compensations: [] };
  } catch (err) {
    const error = toReleaseError(err, fn.region);
    const { records } = await saga.compensate();
    return { report: { ...base, outcome: 'failed', ...(version ? { version } : {}), error }, compensations: records };
  }
}

/** Update in place: $LATEST gets the source's code (the target's own code is snapshotted first, to undo). */
async function restoreSourceInto(fn: FunctionRef, ctx: SyncRegionContext, saga: Compensations, snapshotTarget: boolean): Promise<void> {
  if (snapshotTarget) {
    const before = await read.snapshotCode({ fn });
    saga.add(restoreCodeUndo(fn, before));
  }
  const source = await ctx.sourceSnapshot();
  await mutation.restoreCode({ snapshot: { ...source, fn } });
  await waiting.waitForActive({ fn, maxWaitMs: WAIT_FOR_ACTIVE_MS });
}
