/**
 * The Temporal client for the audit, schedule and sync commands: connection settings from
 * `@temporalio/envconfig` (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_PROFILE, temporal.toml),
 * and the Web UI's base URL for links. Kept tiny on purpose: it stands in until the shared
 * `client/connection.ts` exists, and has the same shape to make the swap a one-line change.
 */
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';

export interface TemporalSession {
  client: Client;
  namespace: string;
  /** Base URL of the Temporal Web UI, for links printed next to workflows and schedules. */
  uiUrl: string;
}

/** TEMPORAL_UI_URL wins; the dev server's UI listens on 8233 by default. */
export function temporalUiUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.TEMPORAL_UI_URL ?? 'http://localhost:8233').replace(/\/+$/, '');
}

/** Opens a connection, runs `fn`, and always closes the connection, so the CLI exits promptly. */
export async function withTemporal<T>(fn: (session: TemporalSession) => Promise<T>): Promise<T> {
  const config = loadClientConnectConfig();
  const namespace = config.namespace ?? 'default';
  const connection = await Connection.connect(config.connectionOptions);
  try {
    return await fn({ client: new Client({ connection, namespace }), namespace, uiUrl: temporalUiUrl() });
  } finally {
    await connection.close();
  }
}
