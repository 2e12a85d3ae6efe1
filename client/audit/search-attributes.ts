/**
 * Registers the custom search attributes on a real cluster, the way the dev stack and the test
 * harness do at start. Idempotent: it adds only the missing ones, and refuses (without changing
 * anything) when one exists with another type, because Temporal cannot retype an attribute.
 */
import type { ConnectionLike } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType, type SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/definitions';

export interface SearchAttributeSetup {
  added: string[];
  alreadyPresent: string[];
}

export class SearchAttributeConflictError extends Error {
  constructor(readonly conflicts: Array<{ name: string; wanted: string; found: string }>) {
    super(
      'custom search attributes exist with another type (Temporal cannot change the type; remove or rename them first): ' +
        conflicts.map((c) => `${c.name} is ${c.found}, wanted ${c.wanted}`).join('; '),
    );
    this.name = 'SearchAttributeConflictError';
  }
}

const TYPE_NAMES = Object.values(SearchAttributeType);

function typeName(indexedValueType: number): string {
  return TYPE_NAMES.find((name) => encodeSearchAttributeIndexedValueType(name) === indexedValueType) ?? `#${indexedValueType}`;
}

/** How long setup waits for the frontends to accept queries on the attributes it added. */
const QUERYABLE_TIMEOUT_MS = 120_000;

/**
 * Registered is not yet usable: each frontend validates queries against a cached copy of the
 * attributes, refreshed on a timer (a dev server refreshes on every read, a production cluster does
 * not: deploy/temporal/dynamicconfig). Until it has refreshed, a list query naming a new attribute
 * fails with "invalid search attribute". So setup returns only once a query on every key is accepted.
 */
async function untilQueryable(
  connection: Pick<ConnectionLike, 'workflowService'>,
  namespace: string,
  keys: ReadonlyArray<SearchAttributeKey<SearchAttributeType>>,
  timeoutMs = QUERYABLE_TIMEOUT_MS,
): Promise<void> {
  const query = keys.map((key) => `${key.name} IS NOT NULL`).join(' OR ');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await connection.workflowService.countWorkflowExecutions({ namespace, query });
      return;
    } catch (err) {
      const stale = /invalid search attribute/i.test(String((err as Error)?.message ?? err));
      if (!stale || Date.now() > deadline) {
        throw stale ? new Error(`the search attributes are registered but ${namespace}'s frontends still refuse queries on them after ${timeoutMs / 1000} s: ${(err as Error).message}`) : err;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

export async function ensureSearchAttributes(
  connection: Pick<ConnectionLike, 'operatorService' | 'workflowService'>,
  namespace: string,
  keys: ReadonlyArray<SearchAttributeKey<SearchAttributeType>> = SEARCH_ATTRIBUTE_KEYS,
): Promise<SearchAttributeSetup> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = customAttributes ?? {};
  const conflicts = keys
    .filter((key) => key.name in existing && existing[key.name] !== encodeSearchAttributeIndexedValueType(key.type))
    .map((key) => ({ name: key.name, wanted: key.type, found: typeName(existing[key.name] as number) }));
  if (conflicts.length > 0) throw new SearchAttributeConflictError(conflicts);

  const missing = keys.filter((key) => !(key.name in existing));
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!])),
    });
    await untilQueryable(connection, namespace, keys);
  }
  return {
    added: missing.map((key) => key.name),
    alreadyPresent: keys.filter((key) => key.name in existing).map((key) => key.name),
  };
}
