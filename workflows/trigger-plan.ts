/**
 * What happens to the primary's triggers in a region the release creates by CopyFunction (which
 * copies none): pure, so the plan, the release and the client's manifest checks share it. The manifest
 * opts in per type (`replicateTriggers.types`); COS triggers name a bucket of their own region, so
 * they are mapped to a bucket of the new region or left out (`replicateTriggers.cos`).
 */
import type { TriggerSpec } from '../activities/trigger-contract';

/** The trigger types the release can recreate in another region as they are. */
export const REPLICABLE_TRIGGER_TYPES = ['timer', 'apigw', 'cos', 'ckafka', 'cmq'] as const;

/** The manifest's `replicateTriggers`. */
export interface ReplicateTriggersOption {
  /** The types to recreate; a COS trigger needs `cos` too. */
  types: string[];
  /** COS triggers name a bucket of their region: `skip` them, or `map` region → bucket (`name-appid`) there. */
  cos?: 'skip' | { map: Record<string, string> };
}

/** One primary trigger, and what the release does (or did) with it in one region. */
export interface TriggerReplication {
  type: string;
  /** The trigger's name at the primary. */
  name: string;
  qualifier: string;
  /** `created` as it is, `mapped` (a COS trigger onto a bucket of this region), `left-out` (see note). */
  outcome: 'created' | 'mapped' | 'left-out';
  /** The name it has in this region (a mapped COS trigger's bucket domain). */
  targetName?: string;
  note?: string;
}

/** `<bucket>-<appid>.cos.<region>.myqcloud.com`. */
const COS_NAME = /^([a-z0-9-]+-\d+)\.cos\.([a-z0-9-]+)\.myqcloud\.com$/;

export interface PlannedTrigger {
  entry: TriggerReplication;
  /** The trigger to create in the region; absent when left out. */
  spec?: TriggerSpec;
}

/**
 * What happens to each primary trigger in `region`. `releaseAlias` is the alias the release creates
 * there (a trigger on it can follow); a trigger on another alias or on a numbered version cannot.
 */
export function planTriggerReplication(
  primary: TriggerSpec[],
  option: ReplicateTriggersOption,
  region: string,
  releaseAlias: string | undefined,
): PlannedTrigger[] {
  return primary.map((tr): PlannedTrigger => {
    const base = { type: tr.type, name: tr.name, qualifier: tr.qualifier };
    const leftOut = (note: string): PlannedTrigger => ({ entry: { ...base, outcome: 'left-out', note } });
    if (!option.types.includes(tr.type)) return leftOut(`type ${tr.type} is not in replicateTriggers.types`);
    if (!(REPLICABLE_TRIGGER_TYPES as readonly string[]).includes(tr.type)) return leftOut(`type ${tr.type} cannot be recreated by the release`);
    if (/^\d+$/.test(tr.qualifier)) return leftOut(`it invokes version ${tr.qualifier} of the primary; CopyFunction copies no versions, so recreate it by hand`);
    if (tr.qualifier !== '$LATEST' && tr.qualifier !== '$DEFAULT' && tr.qualifier !== releaseAlias) {
      return leftOut(`it invokes alias ${tr.qualifier}, which the release does not create in ${region}`);
    }
    if (tr.type !== 'cos') return { entry: { ...base, outcome: 'created' }, spec: tr };
    const cos = option.cos ?? 'skip';
    if (cos === 'skip') return leftOut(`a COS trigger needs a bucket in ${region}: map one with replicateTriggers.cos.map.${region}`);
    const bucket = cos.map[region];
    if (!bucket) return leftOut(`no bucket for ${region} in replicateTriggers.cos.map`);
    if (!COS_NAME.test(tr.name)) return leftOut(`its name ${tr.name} is not a COS bucket domain`);
    const targetName = `${bucket}.cos.${region}.myqcloud.com`;
    return { entry: { ...base, outcome: 'mapped', targetName, note: `bucket ${bucket} in ${region}` }, spec: { ...tr, name: targetName } };
  });
}

