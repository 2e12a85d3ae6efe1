/**
 * Moving an alias to the new version in steps: UpdateAlias with AdditionalVersionWeights at each
 * step's share, a bake that keeps invoking through the alias and checking the expectations, and a
 * last step that points the alias fully at the new version with no weights left.
 *
 * Weights are fractions (SCF's unit): 10 % is `{ version, weight: 0.1 }`.
 *
 * A bake probe invokes the new version directly with every case, and the *alias* with the cases'
 * health part only (InvokeResult, duration): while the alias is split a call may land on the previous
 * version, whose answers may rightly differ ("hello v1"), and that must not fail the release.
 *
 * Undo: an alias that existed goes back to the version it served, in ONE UpdateAlias with empty
 * weights, so a rollback never leaves it split between versions. A region where the alias did not
 * exist gets it created first (then shifts like the others) at the version whose code was live
 * before the release: the highest published version holding the CodeSha256 preflight found in
 * $LATEST (a higher version may be one a release that did not land left behind: its code must get
 * no traffic), or the new version where none holds it. A created alias is always deleted on
 * rollback (DeleteAlias; `created-alias-deleted`), whatever version it was created at; in a function
 * the release created by copy, deleting the function takes the alias with it.
 */
import { patched, sleep } from '@temporalio/workflow';
import type { AliasInfo, FunctionRef } from '../activities/contract';
import { compensation, mutation } from './activity-profiles';
import { forEachBounded } from './bounded';
import type { Compensations } from './compensation';
import type { TrafficStep, VerificationCase } from './definitions';
import { releaseFailure } from './failures';
import { checkGate, METRICS_GATE_PATCH, type GateRecord, type MetricsGate } from './metrics-gate';
import { highestPublishedVersion, liveCodeVersions, versionHolding } from './preflight';
import type { StepRunner } from './replicate-region';
import { verifyQualifier, type CaseFigure } from './verify';

/** How many times each bake invokes through the alias (spread over the bake time). */
export const BAKE_PROBES = 3;

export interface AliasRegion {
  fn: FunctionRef;
  newVersion: string;
  /** The alias as preflight found it; null when it did not exist. */
  before: AliasInfo | null;
  /** $LATEST's CodeSha256 as preflight found it: the code that was live before the release. */
  liveSha256?: string;
  /**
   * This release created the function (CopyFunction where it did not exist): no traffic to shift
   * from, and deleting the function undoes the alias. Not so for override-by-copy: its undo restores
   * the code and keeps the function (see OVERRIDE_ALIAS_UNDO_PATCH in release.ts).
   */
  functionCreatedByRelease: boolean;
}

export interface TrafficContext {
  aliasName: string;
  steps: readonly TrafficStep[];
  cases: readonly VerificationCase[];
  concurrency: number;
  saga: Compensations;
  step: StepRunner;
  onPercent?: (percent: number) => void;
  onAlias?: (region: string, alias: AliasInfo, createdByRelease: boolean) => void;
  onFigures?: (region: string, figures: CaseFigure[]) => void;
  /** The metrics gate judged after each canary bake (workflows/metrics-gate.ts). */
  gate?: MetricsGate;
  onGate?: (region: string, record: GateRecord) => void;
  /** What each region's gate waits for, then its verdict. */
  onGateStatus?: (region: string, status: string) => void;
}

/** A region's alias ready to shift: `fromVersion` undefined means it already serves the new version. */
export interface PreparedAlias extends AliasRegion {
  fromVersion?: string;
}

/**
 * The undo of a move of alias `name`: back to `version`, no weights, in one UpdateAlias. `onMoved`
 * records what the alias serves afterwards, so the result (and the summary) tells the alias's state
 * after the rollback, not the split it was rolled back from.
 */
export function aliasBackUndo(fn: FunctionRef, name: string, version: string, onMoved?: (region: string, alias: AliasInfo, createdByRelease: boolean) => void) {
  return {
    name: 'alias-back',
    region: fn.region,
    run: async () => {
      await compensation.updateAlias({ fn, name, functionVersion: version, additionalVersionWeights: [] });
      onMoved?.(fn.region, { name, functionVersion: version, additionalVersionWeights: [] }, false);
    },
    manualAction: `point alias ${name} of ${fn.region}/${fn.namespace}/${fn.functionName} at version ${version} with no additional weights`,
  };
}

/**
 * Patch id guarding the DeleteAlias undo: histories recorded before it existed ran (and failed) the
 * old `AliasCreatedWithoutPreviousVersion` undo without scheduling an activity, so they replay that path.
 */
export const DELETE_CREATED_ALIAS_PATCH = 'delete-created-alias';

/**
 * Patch id guarding the deletion of an alias the release created at the previous version: histories
 * recorded before it registered an undo that pointed the alias back at that version and so left
 * behind an alias that did not exist before the release.
 */
export const CREATED_ALIAS_DELETED_PATCH = 'created-alias-deleted';

/** Undo of an alias this release created (at `version`): delete it. */
function deleteCreatedAliasUndo(fn: FunctionRef, name: string, version: string) {
  return {
    name: 'remove-created-alias',
    region: fn.region,
    run: async () => {
      if (!patched(DELETE_CREATED_ALIAS_PATCH)) {
        throw releaseFailure('AliasCreatedWithoutPreviousVersion', `alias ${name} in ${fn.region} was created at version ${version} and has no older version to go back to`);
      }
      await compensation.deleteAlias({ fn, name });
    },
    manualAction: `delete alias ${name} of ${fn.region}/${fn.namespace}/${fn.functionName} (the release created it at version ${version})`,
  };
}

/**
 * Patch id guarding where a created alias starts: histories recorded before it started the alias at
 * the highest published version below the new one (one ListVersions), which may be a version a
 * release that did not land left behind; with it, at the highest holding the code that was live.
 */
export const LIVE_CODE_VERSION_PATCH = 'alias-starts-at-live-code';

/** The version a created alias starts at: the code that was live before the release, or none. */
async function previousVersion(r: AliasRegion): Promise<string | undefined> {
  if (r.functionCreatedByRelease) return undefined;
  if (!patched(LIVE_CODE_VERSION_PATCH)) return highestPublishedVersion(r.fn, r.newVersion);
  if (!r.liveSha256) return undefined;
  return versionHolding(await liveCodeVersions(r.fn, r.liveSha256, r.newVersion), r.liveSha256)?.version;
}

async function prepareAlias(r: AliasRegion, ctx: TrafficContext): Promise<PreparedAlias> {
  const { fn } = r;
  const name = ctx.aliasName;
  if (r.before) {
    ctx.saga.add(aliasBackUndo(fn, name, r.before.functionVersion, ctx.onAlias));
    return { ...r, fromVersion: r.before.functionVersion };
  }
  const previous = await previousVersion(r);
  if (!r.functionCreatedByRelease) {
    // The release creates the alias here, so its undo deletes it (README, step 8), whether it is
    // created at the previous version or, with none, at the new one. (In a function the release
    // created by copy, deleting the function takes the alias with it, so no undo is registered.)
    ctx.saga.add(
      previous && !patched(CREATED_ALIAS_DELETED_PATCH)
        ? aliasBackUndo(fn, name, previous)
        : deleteCreatedAliasUndo(fn, name, previous ?? r.newVersion),
    );
  }
  const created = await ctx.step('create-alias', fn.region, () =>
    mutation.createAlias({ fn, name, functionVersion: previous ?? r.newVersion, additionalVersionWeights: [] }),
  );
  ctx.onAlias?.(fn.region, created, true);
  return { ...r, fromVersion: previous };
}

/**
 * Patch id guarding the split bake: histories recorded before it judged every expectation through
 * the alias (and so failed a canary whose previous version answers differently).
 */
export const BAKE_JUDGES_NEW_VERSION_PATCH = 'bake-judges-new-version';

/**
 * One bake probe in one region. Through the alias a share of calls lands on the previous version,
 * whose answers may rightly differ from the new one's: there only health counts (InvokeResult,
 * duration). The content expectations are judged on the new version, invoked directly.
 */
async function bakeProbe(r: PreparedAlias, ctx: TrafficContext): Promise<void> {
  const record = (figures: CaseFigure[]) => ctx.onFigures?.(r.fn.region, figures);
  if (!patched(BAKE_JUDGES_NEW_VERSION_PATCH)) {
    await verifyQualifier(r.fn, ctx.aliasName, ctx.cases, record);
    return;
  }
  await verifyQualifier(r.fn, r.newVersion, ctx.cases, record);
  await verifyQualifier(r.fn, ctx.aliasName, ctx.cases, record, { healthOnly: true });
}

/** BAKE_PROBES probes over `seconds`, in every region: the new version judged whole, the alias on health. */
export async function bake(regions: readonly PreparedAlias[], seconds: number, ctx: TrafficContext): Promise<void> {
  const pause = Math.round((seconds * 1000) / BAKE_PROBES);
  for (let probe = 0; probe < BAKE_PROBES; probe++) {
    await forEachBounded(regions, ctx.concurrency, (r) => bakeProbe(r, ctx));
    await sleep(pause);
  }
}

/** Prepares the alias in every region, then moves it step by step, baking after each step. */
export async function shiftTraffic(regions: readonly AliasRegion[], ctx: TrafficContext): Promise<void> {
  const { step } = ctx;
  const prepared: PreparedAlias[] = [];
  await forEachBounded(regions, ctx.concurrency, async (r) => {
    prepared.push(await prepareAlias(r, ctx));
  });
  const shifting = prepared.filter((r) => r.fromVersion !== undefined && r.fromVersion !== r.newVersion);
  for (const [i, s] of ctx.steps.entries()) {
    const full = i === ctx.steps.length - 1 || s.percent >= 100;
    const percent = full ? 100 : s.percent;
    ctx.onPercent?.(percent);
    const stepStartMs = Date.now();
    await forEachBounded(shifting, ctx.concurrency, async (r) => {
      const alias = await step(`alias-${percent}%`, r.fn.region, () =>
        mutation.updateAlias(
          full
            ? { fn: r.fn, name: ctx.aliasName, functionVersion: r.newVersion, additionalVersionWeights: [] }
            : {
                fn: r.fn,
                name: ctx.aliasName,
                functionVersion: r.fromVersion!,
                additionalVersionWeights: [{ version: r.newVersion, weight: percent / 100 }],
              },
        ),
      );
      ctx.onAlias?.(r.fn.region, alias, r.before === null);
    });
    await step(`bake-${percent}%`, 'all', () => bake(prepared, s.bakeSeconds, ctx));
    const gate = ctx.gate;
    if (!full && gate && patched(METRICS_GATE_PATCH)) {
      await step(`gate-${percent}%`, 'all', () =>
        forEachBounded(shifting, ctx.concurrency, (r) =>
          checkGate({ fn: r.fn, version: r.newVersion, previousVersion: r.fromVersion }, gate, percent, stepStartMs, (region, record) => ctx.onGate?.(region, record), (region, status) => ctx.onGateStatus?.(region, status)),
        ),
      );
    }
  }
}
