/**
 * The version an alias starts from where the release creates it: the one whose code was live
 * before the release, never a version a release that did not land left behind (the soak's
 * `--short --seed 2` sequence: a broken release rolls back and leaves its version; the next good
 * release creates the alias and must not canary from, or roll back onto, that version).
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import type { AliasInput } from '../../activities/contract';
import { approveSignal, progressQuery, type ReleaseInput } from '../../workflows/definitions';
import { eventually } from '../harness/eventually';
import { useScfWorld } from '../harness/use-scf-world';
import { ALIAS, EXISTING, PRIMARY, maybeRecordHistory, newCode, releaseInput, seedWorld, uniqueFunctionName } from './fixtures';
import { latestSha, startRelease } from './world-helpers';

/** Code that fails every invoke: its release fails verification in the primary and rolls back. */
const BROKEN_CODE = { 'index.js': "exports.main_handler = async () => { throw new Error('this release is broken'); };\n" };

/** Every createAlias/updateAlias the release scheduled for `region`, decoded from its history. */
async function aliasMoves(handle: WorkflowHandle, region: string): Promise<AliasInput[]> {
  const { events } = await handle.fetchHistory();
  const moves: AliasInput[] = [];
  for (const e of events ?? []) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    const type = scheduled?.activityType?.name;
    if (type !== 'createAlias' && type !== 'updateAlias') continue;
    const input = defaultPayloadConverter.fromPayload<AliasInput>(scheduled!.input!.payloads![0] as Payload);
    if (input.fn.region === region) moves.push(input);
  }
  return moves;
}

/** The versions an alias was ever pointed at by these moves (main version and weighted ones). */
function versionsServed(moves: readonly AliasInput[]): string[] {
  return [...new Set(moves.flatMap((m) => [m.functionVersion, ...(m.additionalVersionWeights ?? []).map((w) => w.version)]))].sort();
}

describe('a release that creates its alias after a release that did not land', () => {
  const t = useScfWorld();
  afterEach(() => t.world.sim.admin.clearFaults());

  /**
   * The primary and EXISTING hold the good code as version 1 and no alias; a broken release without
   * an alias then fails verification in the primary, rolls back and leaves its version 2 there.
   */
  async function afterABrokenRelease(functionName: string) {
    const { env, world } = t;
    await seedWorld(world, functionName, { alias: false });
    const goodSha = latestSha(world, PRIMARY, functionName);
    const broken = releaseInput(functionName, world.makePackage(BROKEN_CODE), { regions: [EXISTING], alias: undefined });
    const handle = await startRelease(env, world, broken);
    const result = await world.runWorker(() => handle.result());
    expect(result.status).toBe('RolledBack');
    expect(result.error).toMatchObject({ type: 'VerificationFailed', region: PRIMARY });
    expect(result.versionsLeftInPlace).toEqual([{ region: PRIMARY, version: '2' }]);
    expect(latestSha(world, PRIMARY, functionName)).toBe(goodSha);
    // A release without an alias reads no older version's code (the alias start's reads are the alias's).
    const olderReads = world.sim.admin.requestLog().filter((e) => e.action === 'GetFunctionAddress' && e.function === functionName && e.qualifier === '1');
    expect(olderReads).toEqual([]);
    return { brokenVersion: '2', goodVersion: '1' };
  }

  function goodAliasRelease(functionName: string, overrides: Partial<ReleaseInput> = {}): ReleaseInput {
    return releaseInput(functionName, t.world.makePackage(newCode('v3')), {
      regions: [EXISTING],
      alias: { name: ALIAS, steps: [{ percent: 50, bakeSeconds: 1 }, { percent: 100, bakeSeconds: 0 }] },
      ...overrides,
    });
  }

  it('when the next release creates the alias, then it starts on the version with the code that was live and the canary goes from there to the new version', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('alias-start');
    const { brokenVersion, goodVersion } = await afterABrokenRelease(functionName);
    const readsBefore = world.sim.admin.requestLog().length;

    const handle = await startRelease(env, world, goodAliasRelease(functionName));
    const result = await world.runWorker(() => handle.result());
    await maybeRecordHistory(handle, 'release-alias-created');

    const primaryMoves = await aliasMoves(handle, PRIMARY);
    expect(versionsServed(primaryMoves)).not.toContain(brokenVersion);
    expect(result.status).toBe('Succeeded');
    // Created on the good version 1, 50 % to the new version 3, then all of it on 3.
    expect(primaryMoves.map((m) => ({ functionVersion: m.functionVersion, weights: m.additionalVersionWeights ?? [] }))).toEqual([
      { functionVersion: goodVersion, weights: [] },
      { functionVersion: goodVersion, weights: [{ version: '3', weight: 0.5 }] },
      { functionVersion: '3', weights: [] },
    ]);
    // The target never had a failed version: there the alias starts on version 1 too, and moves to 2.
    expect(versionsServed(await aliasMoves(handle, EXISTING))).toEqual(['1', '2']);
    expect(world.sim.admin.getFunction(PRIMARY, 'default', functionName)!.aliases).toEqual([{ name: ALIAS, functionVersion: '3', weights: [] }]);
    expect(world.sim.admin.getFunction(EXISTING, 'default', functionName)!.aliases).toEqual([{ name: ALIAS, functionVersion: '2', weights: [] }]);
    // Bounded reads: the primary's two older versions' code read once each (newest first), the target's one once.
    const olderCodeReads = world.sim.admin
      .requestLog()
      .slice(readsBefore)
      .filter((e) => e.action === 'GetFunctionAddress' && e.function === functionName)
      .filter((e) => (e.region === PRIMARY && (e.qualifier === '1' || e.qualifier === '2')) || (e.region === EXISTING && e.qualifier === '1'))
      .map((e) => `${e.region}:${e.qualifier}`)
      .sort();
    expect(olderCodeReads).toEqual([`${EXISTING}:1`, `${PRIMARY}:1`, `${PRIMARY}:2`].sort());
  });

  it('when that release then fails after its canary, then the alias it created is deleted and never served the broken version', async () => {
    const { env, world } = t;
    const functionName = uniqueFunctionName('alias-start-undo');
    const { brokenVersion, goodVersion } = await afterABrokenRelease(functionName);

    const handle = await startRelease(env, world, goodAliasRelease(functionName, {
      alias: { name: ALIAS, requireApproval: true, steps: [{ percent: 50, bakeSeconds: 1 }, { percent: 100, bakeSeconds: 0 }] },
    }));
    await world.runWorker(async () => {
      const waiting = await eventually(() => handle.query(progressQuery), (p) => p.awaitingApproval, 60_000);
      expect(waiting.awaitingApproval).toBe(true);
      // The bake after the 50 % step fails in the target, so the release rolls back.
      world.sim.admin.failNext({ action: 'InvokeFunction', count: 100, code: 'InvalidParameterValue.Param', region: EXISTING });
      await handle.signal(approveSignal, { by: 'jest' });
    });
    const result = await world.runWorker(() => handle.result());

    const primaryMoves = await aliasMoves(handle, PRIMARY);
    expect(versionsServed(primaryMoves)).not.toContain(brokenVersion);
    expect(result.status).toBe('RolledBack');
    expect(result.error).toMatchObject({ type: 'InvalidParameterValue.Param', region: EXISTING });
    expect(versionsServed(primaryMoves)).toEqual([goodVersion, '3']);
    expect(result.compensations.filter((c) => c.name === 'remove-created-alias').map((c) => `${c.region}:${c.outcome}`).sort()).toEqual(
      [`${EXISTING}:ok`, `${PRIMARY}:ok`].sort(),
    );
    for (const region of [PRIMARY, EXISTING]) expect(world.sim.admin.getFunction(region, 'default', functionName)!.aliases).toEqual([]);
  });
});
