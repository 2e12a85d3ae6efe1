/** The standalone worker's configuration (worker/config.ts): pure, no server, no files but a temp one. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeWorkerConfig, loadWorkerConfig, WorkerConfigError } from '../../worker/config';

describe('loadWorkerConfig', () => {
  let dir: string;
  let bundle: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'worker-config-'));
    bundle = path.join(dir, 'workflow-bundle.js');
    writeFileSync(bundle, '// a bundle\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const base = { TEMPORAL_ADDRESS: '127.0.0.1:7233' };

  test('when only the address is set, then the defaults apply (scf-release queue, info, bundle at start, 10 s grace)', () => {
    const c = loadWorkerConfig(base);
    expect(c).toMatchObject({ namespace: 'default', taskQueue: 'scf-release', logLevel: 'INFO', shutdownGraceTime: '10s' });
    expect(c.connection.address).toBe('127.0.0.1:7233');
    expect(c.workflowBundlePath).toBeUndefined();
    expect(describeWorkerConfig(c)).toMatchObject({ workflowBundle: 'bundled at start', shutdownGraceTime: '10s' });
  });

  test.each([
    ['25', 25_000],
    ['500ms', 500],
    ['3s', 3000],
    [' 1.5 s ', 1500],
    ['1m', 60_000],
    ['0', 0],
  ])('when SCF_RELEASE_SHUTDOWN_GRACE_TIME is %j, then the grace time is %d ms', (text, ms) => {
    expect(loadWorkerConfig({ ...base, SCF_RELEASE_SHUTDOWN_GRACE_TIME: text }).shutdownGraceTime).toBe(ms);
  });

  // '10000' was 10 s when a bare number was milliseconds here; it is seconds everywhere now, over the 1 h cap.
  test.each(['soon', '-1', '10h', '1e3', '5 seconds', 's', '10000'])(
    'when SCF_RELEASE_SHUTDOWN_GRACE_TIME is %j, then loading fails naming the variable',
    (text) => {
      expect(() => loadWorkerConfig({ ...base, SCF_RELEASE_SHUTDOWN_GRACE_TIME: text })).toThrow(WorkerConfigError);
      expect(() => loadWorkerConfig({ ...base, SCF_RELEASE_SHUTDOWN_GRACE_TIME: text })).toThrow(/SCF_RELEASE_SHUTDOWN_GRACE_TIME/);
    },
  );

  test('when SCF_RELEASE_WORKFLOW_BUNDLE names a file, then the worker loads it by its absolute path', () => {
    const c = loadWorkerConfig({ ...base, SCF_RELEASE_WORKFLOW_BUNDLE: bundle });
    expect(c.workflowBundlePath).toBe(bundle);
    expect(describeWorkerConfig(c)).toMatchObject({ workflowBundle: bundle });
  });

  test('when SCF_RELEASE_WORKFLOW_BUNDLE is relative, then it is resolved against the working directory', () => {
    const relative = path.relative(process.cwd(), bundle);
    expect(loadWorkerConfig({ ...base, SCF_RELEASE_WORKFLOW_BUNDLE: relative }).workflowBundlePath).toBe(bundle);
  });

  test('when SCF_RELEASE_WORKFLOW_BUNDLE is blank, then the workflows are bundled at start', () => {
    expect(loadWorkerConfig({ ...base, SCF_RELEASE_WORKFLOW_BUNDLE: '  ' }).workflowBundlePath).toBeUndefined();
  });

  test('when SCF_RELEASE_WORKFLOW_BUNDLE names no file, then loading fails naming the variable and the path', () => {
    const missing = path.join(dir, 'nope.js');
    const load = () => loadWorkerConfig({ ...base, SCF_RELEASE_WORKFLOW_BUNDLE: missing });
    expect(load).toThrow(WorkerConfigError);
    expect(load).toThrow(`SCF_RELEASE_WORKFLOW_BUNDLE: no file at ${missing}`);
  });

  test('when SCF_RELEASE_WORKFLOW_BUNDLE names a directory, then loading fails naming the variable (not EISDIR at worker start)', () => {
    expect(() => loadWorkerConfig({ ...base, SCF_RELEASE_WORKFLOW_BUNDLE: dir })).toThrow(`SCF_RELEASE_WORKFLOW_BUNDLE: no file at ${dir}`);
  });

  test('when LOG_LEVEL and SCF_RELEASE_TASK_QUEUE are set, then they are used', () => {
    expect(loadWorkerConfig({ ...base, LOG_LEVEL: 'WARN', SCF_RELEASE_TASK_QUEUE: ' releases ' })).toMatchObject({ logLevel: 'WARN', taskQueue: 'releases' });
    expect(() => loadWorkerConfig({ ...base, LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  test('when the SCF settings are given, then the loggable description carries them (the one start-up line of the SCF config)', () => {
    const c = loadWorkerConfig({ ...base, SCF_ENDPOINT: 'http://127.0.0.1:9100', SCF_ACCOUNT: 'prod', SCF_RATE_LIMIT_SHARE: '1/2', SCF_CREDENTIALS: 'env' });
    expect(describeWorkerConfig(c)).toMatchObject({
      scf: { endpoint: '127.0.0.1:9100', protocol: 'http://', credentials: 'env', account: 'prod', rateLimitShare: 0.5, artifactDir: c.scf.artifactDir },
    });
  });

  test('when secrets are in the environment, then the loggable description carries none of them', () => {
    const c = loadWorkerConfig({ ...base, TEMPORAL_API_KEY: 'temporal-secret', TENCENTCLOUD_SECRET_KEY: 'tencent-secret', SCF_RELEASE_WORKFLOW_BUNDLE: bundle });
    const described = JSON.stringify(describeWorkerConfig(c));
    expect(described).not.toMatch(/temporal-secret|tencent-secret/);
    expect(describeWorkerConfig(c)).toMatchObject({ temporal: { apiKey: true } });
  });

  test('when no metrics or health address is set, then both endpoints are off', () => {
    const c = loadWorkerConfig(base);
    expect(c.metricsAddress).toBeUndefined();
    expect(c.healthAddress).toBeUndefined();
    expect(describeWorkerConfig(c)).toMatchObject({ metrics: 'off', health: 'off' });
  });

  test('when SCF_RELEASE_METRICS_ADDRESS and SCF_RELEASE_HEALTH_ADDRESS are host:port, then they are used', () => {
    const c = loadWorkerConfig({ ...base, SCF_RELEASE_METRICS_ADDRESS: ' 0.0.0.0:9464 ', SCF_RELEASE_HEALTH_ADDRESS: '[::1]:8081' });
    expect(c).toMatchObject({ metricsAddress: '0.0.0.0:9464', healthAddress: '[::1]:8081' });
    expect(describeWorkerConfig(c)).toMatchObject({ metrics: '0.0.0.0:9464', health: '[::1]:8081' });
  });

  test.each([
    ['SCF_RELEASE_METRICS_ADDRESS', '9464'],
    ['SCF_RELEASE_METRICS_ADDRESS', 'localhost:99999'],
    ['SCF_RELEASE_HEALTH_ADDRESS', 'http://0.0.0.0:8081'],
  ])('when %s is %s, then the start is refused naming the variable', (variable, value) => {
    expect(() => loadWorkerConfig({ ...base, [variable]: value })).toThrow(new RegExp(`^${variable}: not a host:port listen address`));
    expect(() => loadWorkerConfig({ ...base, [variable]: value })).toThrow(WorkerConfigError);
  });
});
