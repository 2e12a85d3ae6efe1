/**
 * Looks for secrets in everything Temporal keeps about a workflow: every event of its history and
 * what `describe` returns (memo, search attributes, pending activities' heartbeat details), its child
 * workflows' too. Payloads are *decoded with the client's data converter* (codecs, then the payload
 * converter) before they are searched: in a raw history they are bytes (base64 once serialised), so a
 * plain text search of `JSON.stringify(history)` finds nothing even when a secret is there.
 *
 * What counts as a secret: the values activities/credentials.ts says look like credentials
 * (Tencent SecretIds `AKID...`, signed-URL parameters `sign=`/`q-signature=`/`Signature=`, keys named
 * like secret/password/token/key holding long values), plus exact strings the caller knows are secret
 * (by default the simulator's SecretKey). Every string is searched, decoded payload or not: failure
 * messages and stack traces, memo, search attributes, signal and update arguments, heartbeats.
 *
 *   const scan = await scanHistoryForSecrets(client, workflowId);
 *   expect(scan.findings).toEqual([]);
 *   expect(scan.payloadsDecoded).toBeGreaterThan(0); // it really looked
 *
 * Its `payloads` (every decoded payload as JSON) are also what a test searches for a value that must
 * not reach history at all (a signed URL, a function's answer, an event's resolved reference).
 */
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { decode } from '@temporalio/common/lib/internal-non-workflow';
import { credentialLooksLike, forEachLeaf } from '../../activities/credentials';
import { DEFAULT_CREDENTIALS } from '../../simulator';

export interface SecretFinding {
  workflowId: string;
  /** Where in the record: `event 1 WorkflowExecutionStarted` or `describe`. */
  where: string;
  /** For an activity's events (scheduled, completed, failed, ...): the activity type. */
  activity?: string;
  /** The path inside it, down into the decoded payload: `.workflowExecutionStartedEventAttributes.input.payloads[0].verification[0].event.SecretId`. */
  path: string;
  looksLike: string;
}

export interface HistoryScan {
  findings: SecretFinding[];
  /** How many payloads were decoded (a scan that decoded none saw nothing). */
  payloadsDecoded: number;
  /** Payloads the converter could not decode; their bytes were searched as UTF-8 text instead. */
  payloadsUndecodable: number;
  /** Every decoded payload, as JSON, one entry per payload: for "no payload holds X" and size assertions. */
  payloads: string[];
  /** `payloads` joined by newlines, for "it really read the runs" assertions. */
  decodedText: string;
  workflowIds: string[];
}

export interface ScanOptions {
  /** Exact strings that must not appear anywhere; default: the simulator's SecretKey. */
  secrets?: readonly string[];
  /** Also scan child workflows (the function lock); default true. */
  children?: boolean;
}

function isPayload(value: unknown): value is Payload {
  return !!value && typeof value === 'object' && 'data' in value && 'metadata' in value && (value as Payload).data instanceof Uint8Array;
}

/** Proto field names that are not secrets though their names look like it (e.g. a Temporal token). */
const PROTO_NOISE = new Set(['taskToken', 'nextPageToken', 'continuedExecutionRunId']);

export async function scanHistoryForSecrets(client: Client, workflowId: string, options: ScanOptions = {}): Promise<HistoryScan> {
  const secrets = options.secrets ?? [DEFAULT_CREDENTIALS.secretKey];
  const converter = client.options.loadedDataConverter;
  const scan: HistoryScan = { findings: [], payloadsDecoded: 0, payloadsUndecodable: 0, payloads: [], decodedText: '', workflowIds: [] };

  let activity: string | undefined;
  const found = (finding: SecretFinding) => scan.findings.push(activity ? { ...finding, activity } : finding);
  const checkDecoded = (value: unknown, id: string, where: string, path: string) => {
    scan.payloads.push(JSON.stringify(value) ?? '');
    forEachLeaf(value, path, (leaf, at, key) => {
      const looksLike = credentialLooksLike(leaf, key) ?? knownSecret(leaf);
      if (looksLike) found({ workflowId: id, where, path: at, looksLike });
    }, {
      // Nothing is skipped unseen: a value nested too deep to search is reported as a finding.
      tooDeep: (at) => found({ workflowId: id, where, path: at, looksLike: 'a value nested too deep to search' }),
    });
  };
  const knownSecret = (leaf: unknown): string | undefined =>
    typeof leaf === 'string' && secrets.some((s) => leaf.includes(s)) ? 'a known secret (exact match)' : undefined;

  /** Walks a proto object: payloads decoded and searched with their contents' keys, other strings searched as text. */
  const walk = async (node: unknown, id: string, where: string, path: string): Promise<void> => {
    if (node === null || node === undefined) return;
    if (isPayload(node)) {
      const [decodedPayload] = await decode(converter.payloadCodecs, [node]);
      let value: unknown;
      try {
        value = converter.payloadConverter.fromPayload(decodedPayload);
        scan.payloadsDecoded += 1;
      } catch {
        scan.payloadsUndecodable += 1;
        value = Buffer.from(decodedPayload.data ?? new Uint8Array()).toString('utf8');
      }
      checkDecoded(value, id, where, path);
      return;
    }
    if (typeof node === 'string') {
      const looksLike = credentialLooksLike(node, undefined) ?? knownSecret(node);
      if (looksLike) found({ workflowId: id, where, path, looksLike });
      return;
    }
    if (node instanceof Uint8Array) return walk(Buffer.from(node).toString('utf8'), id, where, path);
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) await walk(item, id, where, `${path}[${i}]`);
      return;
    }
    if (typeof node === 'object') {
      // Long and friends: numbers, nothing to find.
      if (typeof (node as { toNumber?: unknown }).toNumber === 'function') return;
      for (const [key, child] of Object.entries(node)) {
        if (!PROTO_NOISE.has(key)) await walk(child, id, where, `${path}.${key}`);
      }
    }
  };

  const visit = async (id: string): Promise<void> => {
    scan.workflowIds.push(id);
    const handle = client.workflow.getHandle(id);
    const { events } = await handle.fetchHistory();
    const children: string[] = [];
    const activityTypes = new Map<string, string>();
    for (const [i, event] of (events ?? []).entries()) {
      const attributes = Object.keys(event).find((k) => k.endsWith('EventAttributes')) ?? 'event';
      const type = attributes.replace(/EventAttributes$/, '').replace(/^./, (c) => c.toUpperCase());
      const scheduled = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (scheduled) activityTypes.set(String(event.eventId), scheduled);
      const scheduledId = (event[attributes as keyof typeof event] as { scheduledEventId?: unknown } | undefined)?.scheduledEventId;
      activity = scheduled ?? (scheduledId !== undefined ? activityTypes.get(String(scheduledId)) : undefined);
      await walk(event, id, `event ${i + 1} ${type}`, '');
      activity = undefined;
      const child = event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      if (child) children.push(child);
    }
    const described = await handle.describe();
    await walk(described.raw, id, 'describe', '');
    if (options.children ?? true) for (const child of new Set(children)) await visit(child);
  };

  await visit(workflowId);
  scan.decodedText = scan.payloads.join('\n');
  return scan;
}
