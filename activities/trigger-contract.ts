/**
 * Trigger types shared by the trigger activities and the workflows (type-only, like contract.ts).
 * A trigger is identified by (type, name, qualifier), as SCF keys it.
 */
import type { FunctionRef } from './contract';

export interface TriggerSpec {
  /** timer, apigw, cos, ckafka, cmq, ... as SCF names the type. */
  type: string;
  /** TriggerName: a timer's name, a COS bucket's domain, a CMQ queue, ... */
  name: string;
  /** The version or alias the trigger invokes ($LATEST, $DEFAULT, an alias, a version number). */
  qualifier: string;
  /** TriggerDesc: a cron expression, or the type's JSON. */
  desc: string;
  enabled: boolean;
  customArgument?: string;
  description?: string;
}

export interface TriggerActivities {
  /** Every trigger of the function (all pages of ListTriggers). */
  listTriggers(input: { fn: FunctionRef }): Promise<TriggerSpec[]>;
  /**
   * CreateTrigger. Twice: when the same trigger (type, name, qualifier) already exists with the same
   * TriggerDesc, `created: false`; with another TriggerDesc, non-retryable ResourceInUse.Trigger.
   */
  createTrigger(input: { fn: FunctionRef; trigger: TriggerSpec }): Promise<{ created: boolean }>;
  /** DeleteTrigger. A trigger (or function) already gone is a success (idempotent, for compensations). */
  deleteTrigger(input: { fn: FunctionRef; trigger: TriggerSpec }): Promise<void>;
}
