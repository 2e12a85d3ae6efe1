/**
 * Fidelity check with a second official client: the Tencent Cloud Python SDK
 * (tencentcloud-sdk-python-scf, pinned in scripts/python-sdk.js) drives the simulator through
 * test/fidelity/python_sdk_client.py, signing TC3 (POST JSON and GET) and v1 (HmacSHA256/HmacSHA1,
 * POST form and GET). Never skipped: when pip cannot install the SDK, every test fails with the
 * installer's message.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the summary is untyped JSON printed by the Python script */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { ensurePythonScfSdk } from '../../scripts/python-sdk';
import { DEFAULT_CREDENTIALS, buildV1Signature, startSimulator, type RequestLogEntry, type RunningSimulator } from '../../simulator';

const SCRIPT = path.join(__dirname, 'python_sdk_client.py');

let sim: RunningSimulator | undefined;
let summary: any;
let log: RequestLogEntry[] = [];

function runPython(python: string, pythonPath: string, endpoint: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [SCRIPT, '--endpoint', endpoint, '--secret-id', DEFAULT_CREDENTIALS.secretId, '--secret-key', DEFAULT_CREDENTIALS.secretKey],
      { env: { ...process.env, PYTHONPATH: pythonPath, PYTHONNOUSERSITE: '1', PYTHONDONTWRITEBYTECODE: '1' }, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => (err ? reject(new Error(`${SCRIPT} failed: ${err.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

beforeAll(async () => {
  const sdk = ensurePythonScfSdk(); // throws with pip's message (and how to install by hand) when it cannot install
  sim = await startSimulator({ delays: { createMs: 150, updateMs: 150, publishMs: 150, deleteMs: 50 } });
  summary = JSON.parse(await runPython(sdk.python, sdk.dir, sim.endpoint));
  log = sim.admin.requestLog();
}, 180_000);
afterAll(async () => {
  await sim?.stop();
});

const expectSdkError = (e: any, code: string) => {
  expect(e).toEqual(expect.objectContaining({ code, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) }));
};

describe('official Python SDK against the SCF simulator', () => {
  test('when the pinned Python SDK runs the whole scenario, then no step fails', () => {
    expect(summary.sdk).toEqual(expect.objectContaining({ common: '3.1.195', scf: '3.1.100' }));
    expect(summary.failures).toEqual([]);
  });

  test('when the Python SDK creates a Node function, then it goes Creating → Active with the documented fields', () => {
    const s = summary.steps.createFunction;
    expect(s.statusesSeen).toEqual(['Creating', 'Active']);
    expect(s).toEqual(expect.objectContaining({
      runtime: 'Nodejs18.15', handler: 'index.main_handler', memorySize: 256, timeout: 10, qualifier: '$LATEST', availableStatus: 'Available',
      environment: [{ Key: 'GREETING', Value: 'hello' }],
    }));
    expect(s.functionId).toMatch(/^lam-/);
  });

  test('when code is updated and updated again while Updating, then the second update answers FailedOperation.UpdateFunctionCode', () => {
    const s = summary.steps.updateFunctionCode;
    expect(s.statusRightAfter).toBe('Updating');
    expectSdkError(s.updateWhileUpdating, 'FailedOperation.UpdateFunctionCode');
    expectSdkError(s.publishWhileUpdating, 'FailedOperation.PublishVersion');
    expect(s.statusesSeen.at(-1)).toBe('Active');
  });

  test('when a version is published and listed, then it is "1", goes Publishing → Active, and ListVersionByFunction shows $LATEST and 1', () => {
    const p = summary.steps.publishVersion;
    expect(p).toEqual(expect.objectContaining({ functionVersion: '1', description: 'v1 from python', versionQualifier: '1' }));
    expect(p.versionStatusesSeen.at(-1)).toBe('Active');
    const l = summary.steps.listVersionByFunction;
    expect(l).toEqual({ functionVersion: ['$LATEST', '1'], versions: ['$LATEST', '1'], statuses: ['Active', 'Active'], totalCount: 2 });
  });

  test('when the GetFunctionAddress Url is downloaded, then its sha256 equals CodeSha256 and the uploaded zip', () => {
    const a = summary.steps.getFunctionAddress;
    expect(a.urlIsHttp).toBe(true);
    expect(a.codeSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.downloadedSha256).toBe(a.codeSha256);
    expect(a.uploadedSha256).toBe(a.codeSha256);
  });

  test('when the function is invoked (InvokeFunction and Invoke), then the handler runs with the event and environment', () => {
    const i = summary.steps.invoke;
    expect(i.invokeResult).toBe(0);
    expect(i.retMsg).toEqual({ version: 2, event: { from: 'python' }, fn: 'py-fidelity', env: 'hello' });
    expect(i.legacyInvokeResult).toBe(0);
    expect(i.legacyRetMsg.event).toEqual({ n: 2 });
    expect(i.legacyLogIsString).toBe(true);
  });

  test('when an alias with weighted routing is created, then GetAlias returns it as documented', () => {
    expect(summary.steps.alias).toEqual({
      name: 'live', functionVersion: '1', description: 'py alias', weights: [{ Version: '$LATEST', Weight: 0.25 }], hasAddTime: true,
    });
  });

  test('when the function is copied to another region, then the copy becomes Active there with the same code and is absent from the source region', () => {
    const c = summary.steps.copyFunction;
    expect(c.statusesSeen.at(-1)).toBe('Active');
    expect(c.memorySize).toBe(256);
    expect(c.codeSha256).toBe(summary.steps.getFunctionAddress.codeSha256);
    expectSdkError(c.sourceRegionLookup, 'ResourceNotFound.Function');
  });

  test('when calls go wrong, then the SDK raises TencentCloudSDKException with the documented codes', () => {
    const e = summary.errors;
    expectSdkError(e.wrongKey, 'AuthFailure.SignatureFailure');
    expectSdkError(e.missingFunction, 'ResourceNotFound.Function');
    expectSdkError(e.missingVersion, 'ResourceNotFound.Version');
    expectSdkError(e.duplicateCreate, 'ResourceInUse.FunctionName');
    expectSdkError(e.badZip, 'InvalidParameterValue.ZipFile');
    expectSdkError(e.unknownRegion, 'UnsupportedRegion');
  });

  test('when requests exceed the documented sizes (GET 32 KB, v1 POST 1 MB), then RequestSizeLimitExceeded; TC3 POST takes them', () => {
    expectSdkError(summary.errors.getOver32KB, 'RequestSizeLimitExceeded');
    expectSdkError(summary.errors.v1PostOver1MB, 'RequestSizeLimitExceeded');
    expect(summary.errors.tc3PostOver1MB).toBeNull();
  });

  test.each(['tc3Get', 'hmacSha256Post', 'hmacSha1Post', 'hmacSha256Get', 'hmacSha1Get'])(
    'when the SDK signs with %s, then reads, invokes, nested and boolean parameters work and a wrong key is AuthFailure.SignatureFailure',
    (mode) => {
      const m = summary.signing[mode];
      expect(m.getFunction).toBe('Active');
      expect(m.listVersions).toEqual(['$LATEST', '1']);
      expect(m.invoke).toEqual({ sign: mode });
      expect(m.createNested).toEqual({ status: 'Active', env: { MODE: mode } });
      expect(m.copyBoolean).toBe('ok');
      expectSdkError(m.wrongKey, 'AuthFailure.SignatureFailure');
    },
  );

  test('when the simulator logs the Python calls, then every entry names its action and the SecretId, whatever the signature', () => {
    expect(log.length).toBeGreaterThan(50);
    expect(log.filter((e) => !e.action)).toEqual([]);
    expect(new Set(log.map((e) => e.secretId).filter(Boolean))).toEqual(new Set([DEFAULT_CREDENTIALS.secretId]));
    const actions = new Set(log.map((e) => e.action));
    for (const a of ['CreateFunction', 'GetFunction', 'UpdateFunctionCode', 'PublishVersion', 'ListVersionByFunction', 'GetFunctionAddress',
      'InvokeFunction', 'Invoke', 'CreateAlias', 'GetAlias', 'CopyFunction']) expect(actions).toContain(a);
  });
});

describe('signature v1 edge cases (hand-built, as the documentation describes)', () => {
  const call = async (params: Record<string, string>, opts: { secretKey?: string; method?: 'GET' | 'POST'; signMethod?: 'HmacSHA1' | 'HmacSHA256' } = {}) => {
    const method = opts.method ?? 'POST';
    const all = { ...params };
    if (!('Signature' in all)) {
      all['Signature'] = buildV1Signature({ secretKey: opts.secretKey ?? DEFAULT_CREDENTIALS.secretKey, method, host: sim!.endpoint, params: all, signMethod: opts.signMethod });
    }
    const qs = new URLSearchParams(all).toString();
    const res = method === 'GET'
      ? await fetch(`${sim!.url}/?${qs}`)
      : await fetch(`${sim!.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: qs });
    expect(res.status).toBe(200);
    return ((await res.json()) as { Response: any }).Response;
  };
  const common = () => ({
    Action: 'ListNamespaces', Version: '2018-04-16', Region: 'ap-guangzhou', Timestamp: String(Math.floor(Date.now() / 1000)),
    Nonce: String(Math.floor(Math.random() * 1e9) + 1), SecretId: DEFAULT_CREDENTIALS.secretId,
  });

  test('when SignatureMethod is absent, then HmacSHA1 is assumed, as documented', async () => {
    const r = await call(common(), { signMethod: 'HmacSHA1' });
    expect(r.Error).toBeUndefined();
    expect(r.Namespaces.map((n: any) => n.Name)).toContain('default');
  });

  test('when the timestamp is stale, the SecretId unknown, the Nonce missing or the method unknown, then the documented errors come back', async () => {
    const stale = { ...common(), Timestamp: String(Math.floor(Date.now() / 1000) - 3600), SignatureMethod: 'HmacSHA256' };
    expect((await call(stale, { signMethod: 'HmacSHA256' })).Error.Code).toBe('AuthFailure.SignatureExpire');
    expect((await call({ ...common(), SecretId: 'AKIDunknown' })).Error.Code).toBe('AuthFailure.SecretIdNotFound');
    const { Nonce: _n, ...noNonce } = common();
    expect((await call(noNonce)).Error.Code).toBe('MissingParameter');
    expect((await call({ ...common(), SignatureMethod: 'HmacMD5' })).Error.Code).toBe('AuthFailure.SignatureFailure');
  });

  test('when a parameter is changed after signing, then AuthFailure.SignatureFailure', async () => {
    const p = common();
    const sig = buildV1Signature({ secretKey: DEFAULT_CREDENTIALS.secretKey, method: 'GET', host: sim!.endpoint, params: p });
    const ok = await call({ ...p, Signature: sig }, { method: 'GET' });
    expect(ok.Error).toBeUndefined(); // the signature itself is right...
    const r = await call({ ...p, Limit: '5', Signature: sig }, { method: 'GET' });
    expect(r.Error.Code).toBe('AuthFailure.SignatureFailure'); // ...but not for a changed request
  });
});
