/**
 * The worker's health endpoints, for a supervisor (Docker HEALTHCHECK, compose, a Kubernetes probe):
 * - `GET /healthz` (liveness): 200 while the process can answer at all;
 * - `GET /readyz` (readiness): 200 only while the worker is RUNNING, its workflow and activity pollers
 *   are polling, and Temporal answered a health check within the last few seconds; otherwise 503.
 *   Both answer a small JSON body saying why.
 * Plain node:http on its own address (SCF_RELEASE_HEALTH_ADDRESS), so it works whether metrics are on or not.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { splitHostPort } from './listen-address';

export interface HealthServerOptions {
  /** `host:port`; port 0 picks a free one (see `url`). */
  address: string;
  worker: Pick<Worker, 'getState' | 'getStatus'>;
  connection: Pick<NativeConnection, 'healthService'>;
}

export interface HealthServer {
  /** `http://host:port` the server listens on. */
  url: string;
  close(): Promise<void>;
}

/** How long one Temporal health check may take before the worker counts as not connected. */
const TEMPORAL_CHECK_TIMEOUT_MS = 3_000;

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { host, port } = splitHostPort(options.address);
  const server = http.createServer((req, res) => {
    const reply = (code: number, body: Record<string, unknown>) =>
      res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, { error: 'GET only' });
    if (req.url === '/healthz') return reply(200, { live: true });
    if (req.url === '/readyz') {
      void readiness(options).then((r) => reply(r.ready ? 200 : 503, r));
      return;
    }
    reply(404, { error: 'try /healthz or /readyz' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return {
    url: `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface Readiness extends Record<string, unknown> {
  ready: boolean;
  state: string;
  pollers?: { workflow: string; activity: string };
  temporal: 'ok' | 'not checked' | string;
}

async function readiness({ worker, connection }: HealthServerOptions): Promise<Readiness> {
  const state = worker.getState();
  if (state !== 'RUNNING') return { ready: false, state, temporal: 'not checked' };
  const status = worker.getStatus();
  const pollers = { workflow: status.workflowPollerState, activity: status.activityPollerState };
  if (pollers.workflow !== 'POLLING' || pollers.activity !== 'POLLING') return { ready: false, state, pollers, temporal: 'not checked' };
  const temporal = await checkTemporal(connection);
  return { ready: temporal === 'ok', state, pollers, temporal };
}

/** The gRPC health service of the frontend the worker is connected to. */
async function checkTemporal(connection: HealthServerOptions['connection']): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${TEMPORAL_CHECK_TIMEOUT_MS} ms`), TEMPORAL_CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      connection.healthService.check({}).then((r) => (r.status === 1 ? 'ok' : `status ${r.status}`)),
      timeout,
    ]);
  } catch (err) {
    return (err as Error).message;
  } finally {
    clearTimeout(timer);
  }
}
