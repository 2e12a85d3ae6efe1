/**
 * Every payload Temporal keeps about a run (history events: inputs, results, failures' details,
 * markers, heartbeats; memo), decoded with the default data converter, as JSON text, one entry per
 * payload. Searching this, not `JSON.stringify` of the history (where payloads are base64), is what
 * can find a value a test must not see in history.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';

function isPayload(value: unknown): value is Payload {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { metadata?: unknown; data?: unknown };
  return typeof v.metadata === 'object' && v.metadata !== null && 'encoding' in v.metadata;
}

function collect(value: unknown, out: string[], seen: Set<unknown>): void {
  if (typeof value !== 'object' || value === null || seen.has(value) || value instanceof Uint8Array) return;
  seen.add(value);
  if (isPayload(value)) {
    const decoded: unknown = defaultPayloadConverter.fromPayload(value);
    out.push(typeof decoded === 'string' ? decoded : (JSON.stringify(decoded) ?? String(decoded)));
    return;
  }
  for (const child of Object.values(value)) collect(child, out, seen);
}

export async function decodedPayloads(client: Client, workflowId: string): Promise<string[]> {
  const handle = client.workflow.getHandle(workflowId);
  const { events } = await handle.fetchHistory();
  const out: string[] = [];
  collect(events, out, new Set());
  const described = await handle.describe();
  out.push(JSON.stringify(described.memo ?? {}));
  return out;
}
