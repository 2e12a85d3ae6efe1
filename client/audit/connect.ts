/**
 * The Temporal session the audit, schedule and sync commands run in: the shared connection
 * (client/connection.ts: envconfig, Web UI URL), always closed afterwards so the CLI exits promptly.
 */
import type { Client } from '@temporalio/client';
import { connectTemporal } from '../connection';

export interface TemporalSession {
  client: Client;
  namespace: string;
  /** Base URL of the Temporal Web UI, for links printed next to workflows and schedules. */
  uiUrl: string;
}

export async function withTemporal<T>(fn: (session: TemporalSession) => Promise<T>): Promise<T> {
  const target = await connectTemporal();
  try {
    return await fn({ client: target.client, namespace: target.namespace, uiUrl: target.uiUrl });
  } finally {
    await target.close();
  }
}
