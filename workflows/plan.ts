/**
 * planReleaseWorkflow: what a release would do, per region, from read-only calls only (GetFunction,
 * GetFunctionAddress, GetAlias). `scf-release release --plan` prints it. Takes no lock: it changes nothing.
 */
import { forEachBounded } from './bounded';
import { releaseRegions, type ReleaseInput, type ReleasePlan } from './definitions';
import { functionRef, inspectRegion, isLive, regionAction, type RegionInspection } from './preflight';
import { planAliasMoves } from './instant-rollback';
import { DEFAULT_REGION_CONCURRENCY } from './release';
import { read } from './activity-profiles';
import { planTriggerReplication } from './trigger-plan';
import type { TriggerSpec } from '../activities/trigger-contract';

export async function planReleaseWorkflow(input: ReleaseInput): Promise<ReleasePlan> {
  const regions = releaseRegions(input);
  const aliasName = input.alias?.name;
  const inspections = new Map<string, RegionInspection>();
  await forEachBounded(regions, input.regionConcurrency ?? DEFAULT_REGION_CONCURRENCY, async (region) => {
    inspections.set(region, await inspectRegion(functionRef(input, region), region === input.primaryRegion, aliasName));
  });
  const ordered = regions.map((region) => inspections.get(region)!);
  const noOp = ordered.every((i) => isLive(i, input.pkg.sha256, aliasName));
  const primaryExists = inspections.get(input.primaryRegion)?.exists ?? false;
  // Only with replicateTriggers (a new input field): no plan recorded before it reaches this call.
  const primaryTriggers: TriggerSpec[] =
    input.replicateTriggers && primaryExists && !noOp ? await read.listTriggers({ fn: functionRef(input, input.primaryRegion) }) : [];
  const triggersFor = (region: string, action: string) =>
    input.replicateTriggers && action === 'create-by-copy'
      ? { triggers: planTriggerReplication(primaryTriggers, input.replicateTriggers, region, aliasName).map((p) => p.entry) }
      : {};
  return {
    releaseId: input.releaseId,
    functionName: input.functionName,
    namespace: input.namespace,
    sha256: input.pkg.sha256,
    noOp,
    regions: ordered.map((i) => {
      const action = noOp ? 'no-op' : regionAction(i, input.overrideExisting);
      return {
        region: i.region,
        exists: i.exists,
        action,
        ...(i.currentSha256 ? { currentSha256: i.currentSha256 } : {}),
        ...(i.alias ? { aliasVersion: i.alias.functionVersion } : {}),
        ...triggersFor(i.region, action),
      };
    }),
    ...(input.alias ? { aliasSteps: input.alias.steps } : {}),
    warnings: noOp ? [] : ordered.flatMap((i) => warningsFor(i, input)),
    ...(input.aliasRollback ? { rollback: await planAliasMoves(input) } : {}),
  };
}

function warningsFor(i: RegionInspection, input: ReleaseInput): string[] {
  const warnings: string[] = [];
  const aliasName = input.alias?.name;
  if (i.isPrimary && !i.exists) warnings.push(`${i.region}: the function does not exist in the primary region; the release would fail at preflight`);
  if (i.isPrimary && i.exists && i.status !== 'Active') warnings.push(`${i.region}: the primary is ${i.status}, not Active; the release would fail at preflight`);
  if (!i.isPrimary && i.exists && input.overrideExisting) {
    const triggers = i.triggers.length ? `, and its triggers ${i.triggers.map((t) => `${t.type}:${t.name}`).join(', ')}` : '';
    warnings.push(`${i.region}: CopyFunction with Override deletes the existing function's versions and aliases${triggers}`);
  }
  if (!i.isPrimary && !i.exists) {
    const triggers = input.replicateTriggers ? ' (the release recreates the triggers replicateTriggers names: see triggers)' : '';
    warnings.push(`${i.region}: the function is created by CopyFunction, which does not carry triggers or the CLS log target${triggers}`);
  }
  if (aliasName && i.exists && i.alias === null) warnings.push(`${i.region}: alias ${aliasName} does not exist; the release creates it`);
  if (i.alias && i.alias.additionalVersionWeights.length > 0) {
    warnings.push(`${i.region}: alias ${aliasName} is split between versions: ${JSON.stringify(i.alias.additionalVersionWeights)}`);
  }
  return warnings;
}
