/**
 * What an operator sees of a deployed worker process (worker/main.ts): its Prometheus endpoint
 * (our scf_release_* metrics and the SDK's temporal_* ones), and, with OTEL_EXPORTER_OTLP_ENDPOINT set
 * on the CLI and the worker, one trace from `scf-release release` through every SCF call, exported
 * over OTLP/HTTP to a receiver in the test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { eventually } from '../harness/eventually';
import { freePort } from '../harness/ports';
import { spawnCli } from '../harness/run-cli';
import { uniqueTaskQueue } from '../harness/temporal';
import { useScfWorld } from '../harness/use-scf-world';
import { within } from '../harness/within';
import { deployedWorkerEnv, killWorkerProcesses, spawnWorker } from '../harness/worker-process';
import { uniqueFunctionName } from '../release/fixtures';

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  attributes: Record<string, unknown>;
}

/** An OTLP/HTTP trace receiver (JSON, what @opentelemetry/exporter-trace-otlp-http sends). */
async function startOtlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces' && /json/.test(req.headers['content-type'] ?? '')) {
        for (const rs of JSON.parse(body).resourceSpans ?? []) {
          const service = attributesOf(rs.resource?.attributes)['service.name'] as string;
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              spans.push({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, service, attributes: attributesOf(s.attributes) });
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        res.writeHead(415).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function attributesOf(list: Array<{ key: string; value: Record<string, unknown> }> | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, Object.values(value)[0]]));
}

describe('an operated worker process', () => {
  let artifactDir: string;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  beforeAll(async () => {
    artifactDir = mkdtempSync(path.join(tmpdir(), 'observability-artifacts-'));
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await killWorkerProcesses();
    await receiver?.close();
    if (artifactDir) rmSync(artifactDir, { recursive: true, force: true });
  });
  const t = useScfWorld({ worker: false });

  it('when a release runs through it, then /metrics serves our SCF, limiter and release metrics with their labels and the SDK ones, /readyz is ready, and one trace covers the CLI, the workflow and every SCF call', async () => {
    const { world } = t;
    const taskQueue = uniqueTaskQueue('observability');
    const [metricsPort, healthPort] = [await freePort(), await freePort()];
    const worker = spawnWorker(
      deployedWorkerEnv(
        { simulatorUrl: world.sim.url, packageDir: world.packageDir, artifactDir, taskQueue },
        {
          SCF_RELEASE_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
          SCF_RELEASE_HEALTH_ADDRESS: `127.0.0.1:${healthPort}`,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        },
      ),
    );
    await within(worker.ready, 60_000, 'worker running', worker.output);
    const readyz = await eventually(() => fetch(`http://127.0.0.1:${healthPort}/readyz`).then((r) => r.status), (s) => s === 200, 30_000);
    expect(readyz).toBe(200);

    const fn = uniqueFunctionName('obs');
    const V1 = { 'index.js': "exports.main_handler = async () => ({ ok: true, version: 'v1' });\n" };
    for (const region of ['ap-guangzhou', 'ap-shanghai']) {
      world.sim.admin.seedFunction({ region, functionName: fn, files: V1, handler: 'index.main_handler', runtime: 'Nodejs18.15' });
    }
    const pkg = world.makePackage({ 'index.js': "exports.main_handler = async () => ({ ok: true, version: 'v2' });\n" });
    const manifest = path.join(artifactDir, `${fn}.yaml`);
    writeFileSync(manifest, YAML.stringify({ function: fn, region: 'ap-guangzhou', regions: ['ap-shanghai'], package: { path: pkg.location } }));
    // One throttled answer on the way: it is retried inside the call and counted.
    world.sim.admin.failNext({ action: 'GetFunction', count: 1, code: 'RequestLimitExceeded', region: 'ap-shanghai', functionName: fn });

    const run = await spawnCli(['release', '-f', manifest, '--json', '--task-queue', taskQueue], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    expect(run.stderr).not.toMatch(/scf-release:/);
    expect(run.code).toBe(0);
    const { workflowId } = JSON.parse(run.stdout) as { workflowId: string };

    const metrics = await eventually(
      () => fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()),
      (text) => /^scf_release_releases\{[^}]*status="Succeeded"[^}]*\} 1$/m.test(text),
      30_000,
    );
    expect(metrics).toMatch(/^scf_release_releases\{[^}]*status="Succeeded"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^scf_release_scf_requests\{[^}]*action="UpdateFunctionCode"[^}]*code="OK"[^}]*region="ap-guangzhou"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^scf_release_scf_requests\{[^}]*action="GetFunction"[^}]*code="RequestLimitExceeded"[^}]*region="ap-shanghai"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^scf_release_scf_throttled\{[^}]*action="GetFunction"[^}]*region="ap-shanghai"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^scf_release_scf_request_latency_bucket\{[^}]*action="PublishVersion"/m);
    expect(metrics).toMatch(/^scf_release_limiter_wait_bucket\{[^}]*action="UpdateFunctionCode"/m);
    expect(metrics).toMatch(/^scf_release_release_duration_count\{[^}]*status="Succeeded"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^temporal_activity_execution_latency_bucket\{/m);
    expect(metrics).toMatch(/^temporal_workflow_completed\{/m);

    // The client's start, the workflow and the SCF calls, all in the one trace of the CLI's start span.
    const spans = await eventually(
      () => receiver.spans,
      (all) => all.some((s) => s.name === 'scf PublishVersion' && s.attributes['scf.region'] === 'ap-shanghai') && all.some((s) => s.name.startsWith('RunWorkflow:releaseWorkflow')),
      30_000,
    );
    const start = spans.find((s) => s.name === 'StartWorkflow:releaseWorkflow' && s.service === 'scf-release-cli');
    expect(start).toBeDefined();
    const trace = spans.filter((s) => s.traceId === start!.traceId);
    expect(trace.find((s) => s.name === 'RunWorkflow:releaseWorkflow')?.attributes).toMatchObject({ workflowId, workflowType: 'releaseWorkflow' });
    const scfCalls = trace.filter((s) => s.name.startsWith('scf '));
    const update = scfCalls.find((s) => s.name === 'scf UpdateFunctionCode' && s.attributes['scf.region'] === 'ap-guangzhou');
    expect(update?.attributes).toMatchObject({ 'scf.action': 'UpdateFunctionCode', 'scf.function': fn, 'scf.namespace': 'default', 'scf.code': 'OK', 'scf.request_id': expect.any(String) });
    // Each SCF call span is a child of the activity span that made it.
    const parent = trace.find((s) => s.spanId === update!.parentSpanId);
    expect(parent?.name).toBe('RunActivity:updateCodeAndWait');
    expect(scfCalls.find((s) => s.attributes['scf.code'] === 'RequestLimitExceeded')?.attributes).toMatchObject({ 'scf.action': 'GetFunction', 'scf.region': 'ap-shanghai' });
    // Every SCF call the simulator saw for this function is in the trace.
    const seen = world.sim.admin.requestLog().filter((e) => e.function === fn);
    expect(scfCalls).toHaveLength(seen.length);
  }, 240_000);
});
