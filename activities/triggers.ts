/**
 * The trigger activities: ListTriggers, CreateTrigger, DeleteTrigger through the gateway (rate limits,
 * the one error table). Idempotent as compensations and retries need them (see trigger-contract.ts).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { currentSignal } from './context';
import { FUNCTION_NOT_FOUND_CODES, failureType } from './error-table';
import type { FunctionRef } from './contract';
import type { ScfGateway } from './scf-client';
import type { TriggerActivities, TriggerSpec } from './trigger-contract';

const PAGE = 100;

const where = (fn: FunctionRef) => `${fn.region}/${fn.namespace}/${fn.functionName}`;
const label = (tr: TriggerSpec) => `${tr.type}:${tr.name} (${tr.qualifier})`;

export function createTriggerActivities(deps: { gw: ScfGateway; logger: Logger }): TriggerActivities {
  const { gw, logger } = deps;
  const target = (fn: FunctionRef, qualifier?: string) => ({ region: fn.region, namespace: fn.namespace, functionName: fn.functionName, qualifier });

  async function listTriggers({ fn }: { fn: FunctionRef }): Promise<TriggerSpec[]> {
    const out: TriggerSpec[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const r = await gw.call(
        'ListTriggers',
        target(fn),
        { FunctionName: fn.functionName, Namespace: fn.namespace, Offset: offset, Limit: PAGE, OrderBy: 'add_time', Order: 'ASC' },
        { signal: currentSignal() },
      );
      const page = r.Triggers ?? [];
      for (const tr of page) {
        out.push({
          type: tr.Type ?? '', name: tr.TriggerName ?? '', qualifier: tr.Qualifier || '$LATEST', desc: tr.TriggerDesc ?? '',
          enabled: tr.Enable === 1,
          ...(tr.CustomArgument ? { customArgument: tr.CustomArgument } : {}),
          ...(tr.Description ? { description: tr.Description } : {}),
        });
      }
      if (page.length < PAGE || out.length >= (r.TotalCount ?? out.length)) return out;
    }
  }

  return {
    listTriggers,

    async createTrigger({ fn, trigger }) {
      try {
        await gw.call(
          'CreateTrigger',
          target(fn, trigger.qualifier),
          {
            FunctionName: fn.functionName, Namespace: fn.namespace, TriggerName: trigger.name, Type: trigger.type,
            TriggerDesc: trigger.desc, Qualifier: trigger.qualifier, Enable: trigger.enabled ? 'OPEN' : 'CLOSE',
            ...(trigger.customArgument !== undefined && { CustomArgument: trigger.customArgument }),
            ...(trigger.description !== undefined && { Description: trigger.description }),
          },
          { signal: currentSignal() },
        );
        return { created: true };
      } catch (err) {
        if (failureType(err) !== 'ResourceInUse.Trigger') throw err;
        const existing = (await listTriggers({ fn })).find((x) => x.type === trigger.type && x.name === trigger.name && x.qualifier === trigger.qualifier);
        if (existing && existing.desc === trigger.desc) {
          logger.info({ fn, trigger: label(trigger) }, 'createTrigger: already there');
          return { created: false };
        }
        throw ApplicationFailure.create({
          type: 'ResourceInUse.Trigger',
          nonRetryable: true,
          message: `createTrigger: ${where(fn)} already has trigger ${label(trigger)} with another TriggerDesc (${existing?.desc ?? 'unknown'}, wanted ${trigger.desc})`,
        });
      }
    },

    async deleteTrigger({ fn, trigger }) {
      try {
        await gw.call(
          'DeleteTrigger',
          target(fn, trigger.qualifier),
          { FunctionName: fn.functionName, Namespace: fn.namespace, TriggerName: trigger.name, Type: trigger.type, TriggerDesc: trigger.desc, Qualifier: trigger.qualifier },
          { signal: currentSignal() },
        );
      } catch (err) {
        const type = failureType(err) ?? '';
        if (type === 'ResourceNotFound.Trigger' || FUNCTION_NOT_FOUND_CODES.has(type)) {
          logger.info({ fn, trigger: label(trigger) }, 'deleteTrigger: already absent');
          return;
        }
        throw err;
      }
    },
  };
}
