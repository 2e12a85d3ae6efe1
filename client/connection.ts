/**
 * How the CLI reaches Temporal. Everything comes from Temporal's own environment configuration
 * (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS_*`, `TEMPORAL_PROFILE`
 * and the profile file `temporal config` writes), so one CLI serves the dev server, a self-hosted
 * cluster and Temporal Cloud without flags of its own.
 */
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { startTracing, type Tracing } from '../activities/tracing';

const DEFAULT_ADDRESS = 'localhost:7233';
const DEFAULT_UI_URL = 'http://localhost:8233';

export interface TemporalTarget {
  client: Client;
  namespace: string;
  address: string;
  /** Base URL of the Temporal Web UI, for links. */
  uiUrl: string;
  close(): Promise<void>;
}

export async function connectTemporal(env: NodeJS.ProcessEnv = process.env): Promise<TemporalTarget> {
  const config = loadClientConnectConfig({ overrideEnvVars: definedOnly(env) });
  const address = config.connectionOptions.address ?? DEFAULT_ADDRESS;
  const namespace = config.namespace ?? 'default';
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...config.connectionOptions, address });
  } catch (err) {
    throw new Error(
      `cannot reach Temporal at ${address} (${(err as Error).message}); start it (\`npm run dev\`) or set TEMPORAL_ADDRESS / TEMPORAL_PROFILE`,
    );
  }
  const tracing = cliTracing(env);
  return {
    client: new Client({ connection, namespace, ...(tracing ? { interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } } : {}) }),
    namespace,
    address,
    uiUrl: uiBaseUrl(env),
    close: async () => {
      await connection.close();
      await tracing?.shutdown(); // flushes the CLI's spans before it exits
    },
  };
}

let tracing: Tracing | undefined | null = null;
/** With OTEL_EXPORTER_OTLP_ENDPOINT set, the CLI's client calls start the release's trace (activities/tracing.ts); once per process. */
function cliTracing(env: NodeJS.ProcessEnv): Tracing | undefined {
  if (tracing === null) tracing = startTracing('scf-release-cli', env);
  return tracing;
}

/** A known server (the demo's own dev server): no environment, no profile, no credentials. */
export async function connectTemporalAt(address: string, namespace: string, uiUrl: string): Promise<TemporalTarget> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection, namespace }), namespace, address, uiUrl, close: () => connection.close() };
}

export function uiBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.TEMPORAL_UI_URL || DEFAULT_UI_URL).replace(/\/+$/, '');
}

/** Set variables only; an empty one counts as unset (CI systems pass an unset secret as ""). */
function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}
