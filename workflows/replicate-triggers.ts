/**
 * Creating the primary's triggers in a region the release created by CopyFunction, as
 * workflows/trigger-plan.ts decides: each trigger's undo (delete it) is on the Saga before the call.
 */
import type { FunctionRef } from '../activities/contract';
import { compensation, mutation, read } from './activity-profiles';
import { forEachBounded } from './bounded';
import type { Compensations } from './compensation';
import type { RegionResult } from './definitions';
import type { StepRunner } from './replicate-region';
import { planTriggerReplication, type PlannedTrigger, type ReplicateTriggersOption, type TriggerReplication } from './trigger-plan';

/** Patch id of the trigger-replication step: histories recorded before it never ran it. */
export const REPLICATE_TRIGGERS_PATCH = 'replicate-triggers';

const where = (fn: FunctionRef) => `${fn.region}/${fn.namespace}/${fn.functionName}`;

/** Creates the planned triggers in `fn`'s region, each with its undo registered first; returns every entry. */
export async function replicateTriggers(
  fn: FunctionRef,
  planned: PlannedTrigger[],
  saga: Compensations,
  step: StepRunner,
): Promise<TriggerReplication[]> {
  for (const { spec } of planned) {
    if (!spec) continue;
    saga.add({
      name: 'delete-trigger',
      region: fn.region,
      run: () => compensation.deleteTrigger({ fn, trigger: spec }),
      manualAction: `delete trigger ${spec.type}:${spec.name} (${spec.qualifier}) of ${where(fn)}: the release created it`,
    });
    await step('create-trigger', fn.region, () => mutation.createTrigger({ fn, trigger: spec }));
  }
  return planned.map((p) => p.entry);
}

/** The primary's triggers, planned and created in each region the release created by copy; sets each region's `triggers`. */
export async function replicateTriggersToCopies(args: {
  primary: FunctionRef;
  /** The regions the release created by CopyFunction, with the result each one reports. */
  copies: Array<{ fn: FunctionRef; result: RegionResult }>;
  option: ReplicateTriggersOption;
  releaseAlias?: string;
  saga: Compensations;
  step: StepRunner;
  concurrency: number;
}): Promise<void> {
  if (args.copies.length === 0) return;
  const primaryTriggers = await args.step('list-triggers', args.primary.region, () => read.listTriggers({ fn: args.primary }));
  await forEachBounded(args.copies, args.concurrency, async ({ fn, result }) => {
    const planned = planTriggerReplication(primaryTriggers, args.option, fn.region, args.releaseAlias);
    result.triggers = planned.map((p) => p.entry);
    await replicateTriggers(fn, planned, args.saga, args.step);
  });
}
