/**
 * Putting a code package into one region and publishing it: update in place (keeps triggers,
 * versions and aliases) or CopyFunction from the primary, then PublishVersion and a CodeSha256 check.
 * Every side-effecting call registers its undo on the Saga first. Used for the primary (update only)
 * and the target regions by the release, and by the sync workflows.
 */
import { ActivityFailure, ApplicationFailure, patched } from '@temporalio/workflow';
import type { CodePackage, CodeSnapshot, FunctionRef, LatestAfterUpdate, PublishedCodeCheck } from '../activities/contract';
import { compensation, compensationWait, mutation, mutationAndWait, read, waiting, WAIT_FOR_ACTIVE_MS } from './activity-profiles';
import type { Compensations, Undo } from './compensation';
import type { RegionAction } from './definitions';
import { FailureType, releaseFailure, toReleaseError } from './failures';

/** Runs one named step of a region, recording its timing and outcome (the release's tracker does). */
export type StepRunner = <T>(name: string, region: string, fn: () => Promise<T>) => Promise<T>;

/** A StepRunner that records nothing. */
export const runStep: StepRunner = (_name, _region, fn) => fn();

export interface RegionDeployment {
  fn: FunctionRef;
  action: Exclude<RegionAction, 'no-op' | 'move-alias'>;
  /** The function CopyFunction copies from: the primary, already carrying the package. */
  copySource?: FunctionRef;
  /** $LATEST as the preflight kept it (under the lock): no second read before the update. */
  snapshot?: CodeSnapshot;
}

export interface DeployContext {
  pkg: CodePackage;
  handler?: string;
  releaseId: string;
  description?: string;
  saga: Compensations;
  step?: StepRunner;
  /** Told about a published version as soon as it exists, so a rollback can name it. */
  onPublished?: (region: string, version: string) => void;
}

export interface DeployedRegion {
  version: string;
  codeSha256: string;
  /** How the version's code was checked: its CodeSha256 read, or $LATEST unchanged since the update. */
  codeCheck: PublishedCodeCheck;
  /** What CopyFunction did not carry (regions created or overridden by copy). */
  notCopied?: string[];
}

const where = (fn: FunctionRef) => `${fn.region}/${fn.namespace}/${fn.functionName}`;

/**
 * Patch id guarding the unchanged-code check of restore-code: histories recorded before it redeployed
 * the snapshot even where the update never took effect (e.g. SCF refused the package), so they replay that.
 */
export const SKIP_UNCHANGED_RESTORE_PATCH = 'skip-unchanged-restore';

/**
 * Whether $LATEST is, settled, exactly what the snapshot holds (code and handler): then restoring
 * would only redeploy it. Anything else (busy, failed, other code or handler) is restored.
 */
async function stillAsSnapshot(fn: FunctionRef, snapshot: CodeSnapshot): Promise<boolean> {
  const info = await compensation.getFunction({ fn });
  if (!info.exists || info.status !== 'Active') return false;
  if (snapshot.handler !== undefined && info.handler !== snapshot.handler) return false;
  const { codeSha256 } = await compensation.getFunctionAddress({ fn });
  return codeSha256 === snapshot.sha256;
}

/** Puts $LATEST back to a snapshot and waits until the function is Active again; skipped where nothing changed. */
export function restoreCodeUndo(fn: FunctionRef, snapshot: CodeSnapshot, extraManualAction = ''): Undo {
  return {
    name: 'restore-code',
    region: fn.region,
    run: async () => {
      if (patched(SKIP_UNCHANGED_RESTORE_PATCH) && (await stillAsSnapshot(fn, snapshot))) return 'skipped';
      await compensation.restoreCode({ snapshot });
      await compensationWait.waitForActive({ fn, maxWaitMs: WAIT_FOR_ACTIVE_MS });
    },
    manualAction:
      `restore ${where(fn)} $LATEST to the code with CodeSha256 ${snapshot.sha256} ` +
      `(snapshot ${snapshot.artifact}) and check it is Active${extraManualAction}`,
  };
}

export interface PutCodeOutcome {
  notCopied?: string[];
  /** After an update in place: $LATEST as the update left it, for publishAndCheck's check. */
  latestAfterUpdate?: LatestAfterUpdate;
}

/** The update's last GetFunction, when it carries what publishAndWait compares (histories before it do not). */
function stampOf(info: { modTime?: string; codeSize?: number }): LatestAfterUpdate | undefined {
  return info.modTime !== undefined && info.codeSize !== undefined ? { modTime: info.modTime, codeSize: info.codeSize } : undefined;
}

/** Step 1 in a region: $LATEST gets the package (update in place, or copy from the primary). */
export async function putCode(d: RegionDeployment, ctx: DeployContext): Promise<PutCodeOutcome> {
  const step = ctx.step ?? runStep;
  const { fn } = d;
  let notCopied: string[] | undefined;
  const snapshotted = () => d.snapshot ?? step('snapshot-code', fn.region, () => read.snapshotCode({ fn }));
  if (d.action === 'update-in-place') {
    const snapshot = await snapshotted();
    ctx.saga.add(restoreCodeUndo(fn, snapshot));
    // The handler it runs with afterwards (the manifest's, else its own): the activity refuses a zip without its file.
    const runsHandler = ctx.handler ?? snapshot.handler;
    const update = { fn, pkg: ctx.pkg, handler: ctx.handler, ...(runsHandler !== undefined && { runsHandler }) };
    if (patched(ONE_ACTIVITY_PER_CHANGE_PATCH)) {
      const updated = await step('update-code', fn.region, () => mutationAndWait.updateCodeAndWait({ ...update, maxWaitMs: WAIT_FOR_ACTIVE_MS }));
      const latestAfterUpdate = stampOf(updated);
      return latestAfterUpdate ? { latestAfterUpdate } : {};
    }
    await step('update-code', fn.region, () => mutation.updateFunctionCode(update));
  } else {
    if (!d.copySource) throw new Error(`${d.action} in ${fn.region} needs a copy source`);
    const override = d.action === 'override-by-copy';
    // Registered before the copy: the copy may take effect even if its activity times out.
    // A plain copy that fails because the name is taken never created anything, so its undo is disarmed.
    const createdByUs = { armed: true };
    if (override) {
      const snapshot = await snapshotted();
      ctx.saga.add(
        restoreCodeUndo(fn, snapshot, '; CopyFunction with Override deleted its versions and triggers: recreate them'),
      );
    } else {
      ctx.saga.add({
        name: 'delete-copied-function',
        region: fn.region,
        run: async () => {
          if (createdByUs.armed) await compensation.deleteFunction({ fn });
        },
        manualAction: `delete ${where(fn)}: the release created it by CopyFunction`,
      });
    }
    try {
      const copied = await step('copy-function', fn.region, () =>
        mutation.copyFunction({
          source: d.copySource!,
          targetRegion: fn.region,
          targetNamespace: fn.namespace,
          newFunctionName: fn.functionName,
          override,
          expectedSha256: ctx.pkg.sha256,
        }),
      );
      notCopied = copied.notCopied;
    } catch (err) {
      if (!override && isNameTaken(err)) createdByUs.armed = false;
      throw err;
    }
  }
  await step('wait-active', fn.region, () => waiting.waitForActive({ fn, maxWaitMs: WAIT_FOR_ACTIVE_MS }));
  return notCopied ? { notCopied } : {};
}

/**
 * Patch id guarding one activity per change: histories recorded before it ran updateFunctionCode and
 * its waitForActive as two activities, and publishVersion, its wait and the CodeSha256 read as three;
 * with it each is one heartbeating activity (updateCodeAndWait, publishAndWait), so a release needs
 * half the activities and workflow tasks. Undo registration and idempotency are unchanged.
 */
export const ONE_ACTIVITY_PER_CHANGE_PATCH = 'one-activity-per-change';

/** The version publishAndWait published before it failed (its failure's details say), if any. */
function publishedBeforeFailure(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const found = (cause.details ?? []).find((d): d is { publishedVersion: string } => typeof (d as { publishedVersion?: unknown })?.publishedVersion === 'string');
  return found?.publishedVersion;
}

/** Publish, wait and check the version's code in one activity; a version published before a failure is still reported. */
async function publishInOneActivity(fn: FunctionRef, ctx: DeployContext, step: StepRunner, latestAfterUpdate?: LatestAfterUpdate) {
  try {
    const published = await step('publish-version', fn.region, () =>
      mutationAndWait.publishAndWait({
        fn, releaseId: ctx.releaseId, description: ctx.description, maxWaitMs: WAIT_FOR_ACTIVE_MS,
        ...(latestAfterUpdate && { latestAfterUpdate }),
      }),
    );
    ctx.onPublished?.(fn.region, published.version);
    return published;
  } catch (err) {
    const version = publishedBeforeFailure(err);
    if (version) ctx.onPublished?.(fn.region, version);
    throw err;
  }
}

/**
 * Step 2 in a region: publish a version tagged with the release id, wait for it, check it holds the
 * package: its CodeSha256, or (given the update's `latestAfterUpdate`) $LATEST unchanged since then.
 */
export async function publishAndCheck(d: RegionDeployment, ctx: DeployContext, latestAfterUpdate?: LatestAfterUpdate): Promise<DeployedRegion> {
  const step = ctx.step ?? runStep;
  const { fn } = d;
  let version: string;
  let codeSha256: string;
  if (patched(ONE_ACTIVITY_PER_CHANGE_PATCH)) {
    const published = await publishInOneActivity(fn, ctx, step, latestAfterUpdate);
    version = published.version;
    if (published.codeCheck === 'unchanged-since-update') return { version, codeSha256: ctx.pkg.sha256, codeCheck: published.codeCheck };
    // Read (an older worker's activity always reads, and names no check): compared below.
    codeSha256 = published.codeSha256 ?? '';
  } else {
    ({ version } = await step('publish-version', fn.region, () =>
      mutation.publishVersion({ fn, releaseId: ctx.releaseId, description: ctx.description }),
    ));
    ctx.onPublished?.(fn.region, version);
    await step('wait-version-active', fn.region, () =>
      waiting.waitForActive({ fn, qualifier: version, maxWaitMs: WAIT_FOR_ACTIVE_MS }),
    );
    ({ codeSha256 } = await step('check-code-sha256', fn.region, () =>
      read.getFunctionAddress({ fn, qualifier: version }),
    ));
  }
  if (codeSha256 !== ctx.pkg.sha256) {
    throw releaseFailure(
      FailureType.CodeSha256Mismatch,
      `${where(fn)}:${version} has CodeSha256 ${codeSha256}, the package has ${ctx.pkg.sha256}`,
      { region: fn.region, version, codeSha256, expected: ctx.pkg.sha256 },
    );
  }
  return { version, codeSha256, codeCheck: 'read' };
}

/** putCode + publishAndCheck. */
export async function replicateRegion(d: RegionDeployment, ctx: DeployContext): Promise<DeployedRegion> {
  const { notCopied, latestAfterUpdate } = await putCode(d, ctx);
  const published = await publishAndCheck(d, ctx, latestAfterUpdate);
  return notCopied ? { ...published, notCopied } : published;
}

function isNameTaken(err: unknown): boolean {
  return toReleaseError(err).type.startsWith('ResourceInUse');
}
