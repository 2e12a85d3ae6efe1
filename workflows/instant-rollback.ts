/**
 * Instant rollback: the alias goes back, in each region, to a version that already holds the earlier
 * release's code: one UpdateAlias per region, no upload, no publish. Before anything moves, each
 * version is checked to still hold that code (ListVersions, GetFunctionAddress) and is verified
 * directly with the cases; after the move the alias is baked for the earlier release's bake time (its
 * steps' bakes added up). Undo: the alias back to the version it served, in one UpdateAlias.
 *
 * `planAliasMove` is also what `rollback --plan` runs (planReleaseWorkflow), so the plan predicts
 * exactly what the rollback decides; a `redeploy` move means the version is gone and only a redeploy
 * of the package (the client decides, after checking the package's sha256) brings the code back.
 */
import { mutation, read } from './activity-profiles';
import { forEachBounded } from './bounded';
import type { Compensations } from './compensation';
import type { AliasRollbackMove, FunctionRef, ReleaseInput, ReleaseResult } from './definitions';
import { releaseFailure } from './failures';
import { functionRef } from './preflight';
import type { ReleaseTracker } from './release-tracker';
import { aliasBackUndo, bake, type PreparedAlias } from './traffic';
import { verifyQualifier } from './verify';

/** The failure type when a version an instant rollback goes back to is gone or holds other code. */
export const ROLLBACK_VERSION_GONE = 'RollbackVersionGone';

/** What moving `alias` back to `toVersion` (which must hold `sha256`) means in `fn`'s region, from read-only calls. */
export async function planAliasMove(fn: FunctionRef, alias: string, toVersion: string, sha256: string): Promise<AliasRollbackMove> {
  const base = { region: fn.region, alias, toVersion };
  const info = await read.getFunction({ fn });
  if (!info.exists) return { ...base, move: 'redeploy', reason: `the function does not exist in ${fn.region}` };
  const current = await read.getAlias({ fn, name: alias });
  const from = current ? { fromVersion: current.functionVersion } : {};
  if (!(await read.listVersions({ fn })).some((v) => v.version === toVersion)) {
    return { ...base, ...from, move: 'redeploy', reason: `version ${toVersion} no longer exists in ${fn.region}` };
  }
  const { codeSha256 } = await read.getFunctionAddress({ fn, qualifier: toVersion });
  if (codeSha256 !== sha256) {
    return { ...base, ...from, move: 'redeploy', reason: `version ${toVersion} in ${fn.region} holds sha256 ${codeSha256.slice(0, 12)}, not ${sha256.slice(0, 12)}` };
  }
  if (!current) return { ...base, move: 'redeploy', reason: `alias ${alias} does not exist in ${fn.region}` };
  const servesOnly = current.functionVersion === toVersion && current.additionalVersionWeights.length === 0;
  return { ...base, ...from, move: servesOnly ? 'no-op' : 'alias' };
}

/** Every region's move, in the order the input lists them. */
export async function planAliasMoves(input: ReleaseInput): Promise<AliasRollbackMove[]> {
  const rollback = input.aliasRollback!;
  const moves = new Map<string, AliasRollbackMove>();
  await forEachBounded(rollback.versions, input.regionConcurrency ?? 4, async ({ region, version }) => {
    moves.set(region, await planAliasMove(functionRef(input, region), rollback.alias, version, input.pkg.sha256));
  });
  return rollback.versions.map(({ region }) => moves.get(region)!);
}

/** Total bake time of the earlier release's traffic steps: the rollback bakes once, that long. */
function bakeSeconds(input: ReleaseInput): number {
  return (input.alias?.steps ?? []).reduce((sum, s) => sum + s.bakeSeconds, 0);
}

export async function runInstantRollback(input: ReleaseInput, tracker: ReleaseTracker, saga: Compensations): Promise<ReleaseResult> {
  const { alias } = input.aliasRollback!;
  const sha = input.pkg.sha256;
  const concurrency = input.regionConcurrency ?? 4;
  const moves = await tracker.step('preflight', 'all', () => planAliasMoves(input));
  tracker.rollback = { to: input.rollbackTo ?? '', mode: 'alias', moves };
  const gone = moves.filter((m) => m.move === 'redeploy');
  if (gone.length > 0) {
    throw releaseFailure(
      ROLLBACK_VERSION_GONE,
      `nothing was changed: ${gone.map((m) => m.reason).join('; ')}; only a redeploy of the package brings that code back (\`scf-release rollback\` does so when its plan says redeploy)`,
    );
  }
  for (const m of moves) {
    Object.assign(tracker.region(m.region), {
      action: m.move === 'no-op' ? 'no-op' : 'move-alias',
      existedBefore: true,
      version: m.toVersion,
      codeSha256: sha,
      ...(m.fromVersion ? { aliasVersionBefore: m.fromVersion } : {}),
      ...(m.move === 'no-op' ? { state: 'done' } : {}),
    });
  }
  const moving = moves.filter((m) => m.move === 'alias');
  if (moving.length === 0) {
    return tracker.result('NoOp', `nothing to do: alias ${alias} already serves sha256 ${sha.slice(0, 12)} in ${moves.map((m) => m.region).join(', ')}`);
  }

  tracker.phase = 'VerifyingRegions';
  await forEachBounded(moving, concurrency, async (m) => {
    tracker.region(m.region).state = 'running';
    await tracker.step('verify-version', m.region, () =>
      verifyQualifier(functionRef(input, m.region), m.toVersion, input.verification, (figures) => tracker.noteFigures(m.region, figures)),
    );
  });

  tracker.phase = 'ShiftingTraffic';
  tracker.trafficPercent = 100;
  await forEachBounded(moving, concurrency, async (m) => {
    const fn = functionRef(input, m.region);
    saga.add(aliasBackUndo(fn, alias, m.fromVersion!));
    const moved = await tracker.step('alias-back', m.region, () =>
      mutation.updateAlias({ fn, name: alias, functionVersion: m.toVersion, additionalVersionWeights: [] }),
    );
    tracker.noteAlias(m.region, moved, false);
  });
  const seconds = bakeSeconds(input);
  if (seconds > 0) {
    const prepared: PreparedAlias[] = moving.map((m) => ({
      fn: functionRef(input, m.region),
      newVersion: m.toVersion,
      before: null,
      functionCreatedByRelease: false,
      fromVersion: m.fromVersion,
    }));
    await tracker.step('bake-100%', 'all', () =>
      bake(prepared, seconds, {
        aliasName: alias,
        steps: [],
        cases: input.verification,
        concurrency,
        saga,
        step: tracker.step,
        onFigures: (region, figures) => tracker.noteFigures(region, figures),
      }),
    );
  }
  for (const m of moving) tracker.region(m.region).state = 'done';
  const moved = moves.map((m) => `${m.region} ${m.fromVersion ?? '-'}→${m.toVersion}`).join(', ');
  return tracker.result(
    'Succeeded',
    `rolled back ${input.namespace}/${input.functionName} to sha256 ${sha.slice(0, 12)}${input.rollbackTo ? ` (${input.rollbackTo})` : ''} by moving alias ${alias}: ${moved}`,
  );
}
