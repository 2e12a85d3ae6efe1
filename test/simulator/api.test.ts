import { createHash } from 'node:crypto';
import { DEFAULT_CREDENTIALS, buildTc3Authorization, type RunningSimulator } from '../../simulator';
import { HELLO, ScfClient, clientFor, errorField, expectCode, startFast, waitStatus, zipB64, type ScfClientT } from './helpers';

let sim: RunningSimulator;
let client: ScfClientT;
const other = { secretId: 'AKIDotheraccount000000000000000000000', secretKey: 'otherSecretKey' };

beforeAll(async () => {
  sim = await startFast({ credentials: [DEFAULT_CREDENTIALS, other] });
  client = clientFor(sim);
});
afterAll(() => sim.stop());
afterEach(() => {
  sim.admin.clearFaults();
  for (const functionName of ['shape', 'addr']) sim.admin.releaseHold({ region: 'ap-guangzhou', functionName });
});

/** The API's JSON answer, as far as these tests read it. */
interface RawResponse {
  Response: { Error?: { Code: string; Message: string }; RequestId: string };
}

async function rawCall(opts: { action: string; body: unknown; timestamp?: number; secretKey?: string; secretId?: string; service?: string; region?: string; version?: string }) {
  const body = Buffer.from(JSON.stringify(opts.body));
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json', host: sim.endpoint, 'x-tc-action': opts.action, 'x-tc-version': opts.version ?? '2018-04-16',
    'x-tc-region': opts.region ?? 'ap-guangzhou', 'x-tc-timestamp': String(ts),
  };
  headers['authorization'] = buildTc3Authorization({
    secretId: opts.secretId ?? DEFAULT_CREDENTIALS.secretId, secretKey: opts.secretKey ?? DEFAULT_CREDENTIALS.secretKey,
    service: opts.service ?? 'scf', timestamp: ts, req: { method: 'POST', rawUrl: '/', headers, body },
  });
  const res = await fetch(`${sim.url}/`, { method: 'POST', headers, body });
  expect(res.status).toBe(200);
  return (await res.json()) as RawResponse;
}

describe('SCF simulator API surface', () => {
  test('when a function is created, then it goes Creating → Active and GetFunction returns the documented shape', async () => {
    sim.admin.holdNext({ region: 'ap-guangzhou', functionName: 'shape', transition: 'create' });
    const r = await client.CreateFunction({
      FunctionName: 'shape', Code: { ZipFile: zipB64(HELLO) }, Runtime: 'Nodejs18.15', Handler: 'index.main_handler',
      MemorySize: 256, Timeout: 10, Description: 'd', Environment: { Variables: [{ Key: 'A', Value: '1' }] },
    });
    expect(r.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await client.GetFunction({ FunctionName: 'shape' })).Status).toBe('Creating');
    sim.admin.releaseHold({ region: 'ap-guangzhou', functionName: 'shape' });
    const f = await waitStatus(client, 'shape', 'Active');
    expect(f).toMatchObject({
      FunctionName: 'shape', Namespace: 'default', Handler: 'index.main_handler', Runtime: 'Nodejs18.15', MemorySize: 256, Timeout: 10,
      Description: 'd', Environment: { Variables: [{ Key: 'A', Value: '1' }] }, StatusReasons: [], Triggers: [], FunctionVersion: '$LATEST',
    });
    expect(typeof f.CodeSize).toBe('number');
  });

  test('when a function already exists, then CreateFunction answers ResourceInUse.FunctionName', async () => {
    await expectCode(client.CreateFunction({ FunctionName: 'shape', Code: { ZipFile: zipB64(HELLO) }, Runtime: 'Nodejs18.15' }), 'ResourceInUse.FunctionName');
  });

  test('when parameters are missing or invalid, then the documented error codes come back', async () => {
    await expectCode(client.GetFunction({} as Parameters<ScfClientT['GetFunction']>[0]), 'MissingParameter');
    await expectCode(client.GetFunction({ FunctionName: 'nope' }), 'ResourceNotFound.Function');
    await expectCode(client.GetFunction({ FunctionName: 'shape', Qualifier: '99' }), 'ResourceNotFound.Version');
    await expectCode(client.GetFunction({ FunctionName: 'shape', Namespace: 'ghost' }), 'ResourceNotFound.Namespace');
    await expectCode(client.CreateFunction({ FunctionName: '1bad', Code: { ZipFile: zipB64(HELLO) } }), 'InvalidParameterValue.FunctionName');
    await expectCode(client.CreateFunction({ FunctionName: 'mem', Code: { ZipFile: zipB64(HELLO) }, Runtime: 'Nodejs18.15', MemorySize: 100 }), 'InvalidParameterValue.MemorySize');
    await expectCode(client.UpdateFunctionCode({ FunctionName: 'shape', ZipFile: 'not base64!!' }), 'InvalidParameterValue.ZipFileBase64BinasciiError');
    await expectCode(client.UpdateFunctionCode({ FunctionName: 'shape', ZipFile: Buffer.from('not a zip at all').toString('base64') }), 'InvalidParameterValue.ZipFile');
    await expectCode(client.UpdateFunctionCode({ FunctionName: 'shape', ZipFile: zipB64({ 'other.js': '' }) }), 'InvalidParameterValue.Handler');
    await expectCode(client.UpdateFunctionCode({ FunctionName: 'shape', CosBucketName: 'b', CosObjectName: '/x.zip' }), 'InvalidParameterValue.CosBucketName');
    await expectCode(client.UpdateFunctionCode({ FunctionName: 'shape' }), 'InvalidParameterValue.Code');
    await expectCode(clientFor(sim, 'mars-north-1').ListFunctions({}), 'UnsupportedRegion');
    const r = await rawCall({ action: 'NoSuchThing', body: {} });
    expect(r.Response.Error?.Code).toBe('InvalidAction');
    const v = await rawCall({ action: 'ListFunctions', body: {}, version: '2017-01-01' });
    expect(v.Response.Error?.Code).toBe('NoSuchVersion');
  });

  test('when code comes from the simulated COS, then UpdateFunctionCode uses it and an unknown object fails', async () => {
    const body = Buffer.from(zipB64({ 'index.js': 'exports.main_handler = async () => "cos";' }), 'base64');
    sim.admin.putCosObject({ bucket: 'code-1250000000', key: 'pkg/v2.zip', region: 'ap-guangzhou', body });
    await client.UpdateFunctionCode({ FunctionName: 'shape', CosBucketName: 'code', CosObjectName: '/pkg/v2.zip', CosBucketRegion: 'ap-guangzhou' });
    await waitStatus(client, 'shape', 'Active');
    expect(sim.admin.getFunction('ap-guangzhou', 'default', 'shape')!.codeSha256).toBe(createHash('sha256').update(body).digest('hex'));
    await expectCode(client.UpdateFunctionCode({ FunctionName: 'shape', CosBucketName: 'code', CosObjectName: '/pkg/missing.zip' }), 'InvalidParameterValue.CosObjectName');
  });

  test('when listing, then ListFunctions pages with Offset/Limit/SearchKey and ListNamespaces/CreateNamespace work', async () => {
    await client.CreateNamespace({ Namespace: 'team-a', Description: 'A' });
    await expectCode(client.CreateNamespace({ Namespace: 'team-a' }), 'ResourceInUse.Namespace');
    const ns = await client.ListNamespaces({});
    expect(ns.Namespaces!.map((n) => n.Name)).toEqual(expect.arrayContaining(['default', 'team-a']));
    for (const n of ['list-a', 'list-b', 'list-c']) await client.CreateFunction({ FunctionName: n, Code: { ZipFile: zipB64(HELLO) }, Runtime: 'Nodejs18.15', Namespace: 'team-a' });
    const page = await client.ListFunctions({ Namespace: 'team-a', Offset: 1, Limit: 1 });
    expect(page.TotalCount).toBe(3);
    expect(page.Functions).toHaveLength(1);
    const search = await client.ListFunctions({ Namespace: 'team-a', SearchKey: 'list-b' });
    expect(search.Functions!.map((f) => f.FunctionName)).toEqual(['list-b']);
    expect(search.Functions![0]).toMatchObject({ Namespace: 'team-a', Runtime: 'Nodejs18.15' });
  });

  test('when versions are published, then numbers increment and ListVersionByFunction / DeleteFunction(Qualifier) / DeleteFunctionVersion behave', async () => {
    await client.CreateFunction({ FunctionName: 'ver', Code: { ZipFile: zipB64(HELLO) }, Runtime: 'Nodejs18.15' });
    await waitStatus(client, 'ver', 'Active');
    const p1 = await client.PublishVersion({ FunctionName: 'ver', Description: 'first' });
    expect(p1).toMatchObject({ FunctionVersion: '1', Description: 'first', Handler: 'index.main_handler', Runtime: 'Nodejs18.15', Namespace: 'default', MemorySize: 128, Timeout: 3 });
    expect(typeof p1.CodeSize).toBe('number');
    await waitStatus(client, 'ver', 'Active');
    expect((await client.PublishVersion({ FunctionName: 'ver' })).FunctionVersion).toBe('2');
    await waitStatus(client, 'ver', 'Active');
    expect((await client.PublishVersion({ FunctionName: 'ver' })).FunctionVersion).toBe('3');
    await waitStatus(client, 'ver', 'Active');
    const list = await client.ListVersionByFunction({ FunctionName: 'ver' });
    expect(list.FunctionVersion).toEqual(['$LATEST', '1', '2', '3']);
    expect(list.Versions![1]).toMatchObject({ Version: '1', Description: 'first', Status: 'Active' });
    expect(typeof list.Versions![1]!.AddTime).toBe('string');
    expect((await client.GetFunction({ FunctionName: 'ver', Qualifier: '1' })).FunctionVersion).toBe('1');
    await client.DeleteFunction({ FunctionName: 'ver', Qualifier: '2' });
    await client.DeleteFunctionVersion({ FunctionName: 'ver', Qualifier: '3' });
    await expectCode(client.DeleteFunctionVersion({ FunctionName: 'ver', Qualifier: '3' }), 'ResourceNotFound.FunctionVersion');
    expect((await client.ListVersionByFunction({ FunctionName: 'ver' })).FunctionVersion).toEqual(['$LATEST', '1']);
    expect((await client.PublishVersion({ FunctionName: 'ver' })).FunctionVersion).toBe('4');
  });

  test('when aliases are managed, then Create/Get/Update/List/Delete return the documented shapes and errors', async () => {
    await waitStatus(client, 'ver', 'Active');
    await client.CreateAlias({ FunctionName: 'ver', Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: [{ Version: '4', Weight: 0.3 }] } });
    await expectCode(client.CreateAlias({ FunctionName: 'ver', Name: 'live', FunctionVersion: '1' }), 'ResourceInUse.Alias');
    await expectCode(client.CreateAlias({ FunctionName: 'ver', Name: 'x', FunctionVersion: '77' }), 'ResourceNotFound.FunctionVersion');
    const a = await client.GetAlias({ FunctionName: 'ver', Name: 'live' });
    expect(a).toMatchObject({ Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: [{ Version: '4', Weight: 0.3 }] } });
    await client.UpdateAlias({ FunctionName: 'ver', Name: 'live', FunctionVersion: '4', RoutingConfig: { AdditionalVersionWeights: [] } });
    expect((await client.GetAlias({ FunctionName: 'ver', Name: 'live' })).FunctionVersion).toBe('4');
    const l = await client.ListAliases({ FunctionName: 'ver' });
    expect(l.TotalCount).toBe(1);
    expect(l.Aliases![0]!.Name).toBe('live');
    await expectCode(client.DeleteFunctionVersion({ FunctionName: 'ver', Qualifier: '4' }), 'UnsupportedOperation.AliasBind');
    await client.DeleteAlias({ FunctionName: 'ver', Name: 'live' });
    await expectCode(client.GetAlias({ FunctionName: 'ver', Name: 'live' }), 'ResourceNotFound.Alias');
  });

  test('when GetFunctionAddress is called, then the Url serves the exact zip and CodeSha256 matches; a tampered Url is refused', async () => {
    const zip = Buffer.from(zipB64({ 'index.js': 'exports.main_handler = async () => 1;' }), 'base64');
    sim.admin.holdNext({ region: 'ap-guangzhou', functionName: 'addr', transition: 'create' });
    await client.CreateFunction({ FunctionName: 'addr', Code: { ZipFile: zip.toString('base64') }, Runtime: 'Nodejs18.15' });
    await expectCode(client.GetFunctionAddress({ FunctionName: 'addr' }), 'FailedOperation.FunctionStatusError');
    sim.admin.releaseHold({ region: 'ap-guangzhou', functionName: 'addr' });
    await waitStatus(client, 'addr', 'Active');
    const r = await client.GetFunctionAddress({ FunctionName: 'addr' });
    expect(r.CodeSha256).toBe(createHash('sha256').update(zip).digest('hex'));
    const got = Buffer.from(await (await fetch(r.Url!)).arrayBuffer());
    expect(got.equals(zip)).toBe(true);
    expect((await fetch(r.Url!.replace(/Signature=[0-9a-f]/, 'Signature=x'))).status).toBe(403);
    await expectCode(client.GetFunctionAddress({ FunctionName: 'addr', Qualifier: '5' }), 'ResourceNotFound.Version');
  });

  test('when a function is deleted, then it is Deleting and then gone', async () => {
    sim.admin.holdNext({ region: 'ap-guangzhou', functionName: 'addr', transition: 'delete' });
    await client.DeleteFunction({ FunctionName: 'addr' });
    expect((await client.GetFunction({ FunctionName: 'addr' })).Status).toBe('Deleting');
    sim.admin.releaseHold({ region: 'ap-guangzhou', functionName: 'addr' });
    await sim.admin.waitForStatus({ region: 'ap-guangzhou', functionName: 'addr', statuses: ['Deleted'] });
    await expectCode(client.GetFunction({ FunctionName: 'addr' }), 'ResourceNotFound.Function');
  });

  test('when the key is wrong, the SecretId unknown, the timestamp stale or the token wrong, then AuthFailure.* comes back', async () => {
    await expectCode(clientFor(sim, 'ap-guangzhou', { secretId: DEFAULT_CREDENTIALS.secretId, secretKey: 'wrong' }).ListFunctions({}), 'AuthFailure.SignatureFailure');
    await expectCode(clientFor(sim, 'ap-guangzhou', { secretId: 'AKIDunknown', secretKey: 'x' }).ListFunctions({}), 'AuthFailure.SecretIdNotFound');
    await expectCode(clientFor(sim, 'ap-guangzhou', { ...DEFAULT_CREDENTIALS, token: 'tok' }).ListFunctions({}), 'AuthFailure.TokenFailure');
    const stale = await rawCall({ action: 'ListFunctions', body: {}, timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(stale.Response.Error?.Code).toBe('AuthFailure.SignatureExpire');
    expect(stale.Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    const goSdkStyle = await rawCall({ action: 'ListFunctions', body: {}, service: 'scf' });
    expect(goSdkStyle.Response.Error).toBeUndefined();
    const badService = await rawCall({ action: 'ListFunctions', body: {}, service: 'cvm' });
    expect(badService.Response.Error?.Code).toBe('AuthFailure.SignatureFailure');
    const noAuth = (await (await fetch(`${sim.url}/`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tc-action': 'ListFunctions' }, body: '{}' })).json()) as RawResponse;
    expect(noAuth.Response.Error?.Code).toBe('AuthFailure.InvalidAuthorization');
  });

  test('when the SDK signs a GET request, then the simulator accepts it', async () => {
    const getClient = new ScfClient({
      credential: DEFAULT_CREDENTIALS, region: 'ap-guangzhou', profile: { httpProfile: { endpoint: sim.endpoint, protocol: 'http://', reqMethod: 'GET' } },
    });
    const r = await getClient.ListFunctions({ Namespace: 'team-a', Limit: 2 });
    expect(r.TotalCount).toBe(3);
    expect(r.Functions).toHaveLength(2);
  });

  test.each([
    ['POST', 'HmacSHA256'], ['POST', 'HmacSHA1'], ['GET', 'HmacSHA256'], ['GET', 'HmacSHA1'],
  ])('when the SDK signs %s with signature v1 (%s), then the simulator accepts it and rejects a wrong key', async (reqMethod, signMethod) => {
    const make = (secretKey: string) => new ScfClient({
      credential: { ...DEFAULT_CREDENTIALS, secretKey }, region: 'ap-guangzhou',
      profile: { signMethod: signMethod as 'HmacSHA256' | 'HmacSHA1', httpProfile: { endpoint: sim.endpoint, protocol: 'http://', reqMethod: reqMethod as 'POST' | 'GET' } },
    });
    const r = await make(DEFAULT_CREDENTIALS.secretKey).ListFunctions({ Namespace: 'team-a', Limit: 2, Filters: [{ Name: 'Runtime', Values: ['Nodejs18.15'] }] });
    expect(r.TotalCount).toBeGreaterThanOrEqual(0);
    expect(r.Functions?.length).toBeLessThanOrEqual(2);
    await expectCode(make('wrong').ListFunctions({ Namespace: 'team-a' }), 'AuthFailure.SignatureFailure');
  });

  test('when another SecretId calls, then it sees its own account state', async () => {
    const c2 = clientFor(sim, 'ap-guangzhou', other);
    expect((await c2.ListFunctions({})).TotalCount).toBe(0);
    await expectCode(c2.GetFunction({ FunctionName: 'shape' }), 'ResourceNotFound.Function');
  });

  test('when a burst exceeds the per-second limit, then some calls get RequestLimitExceeded', async () => {
    sim.admin.setRateLimits({ ListNamespaces: 5 });
    const results = await Promise.allSettled(Array.from({ length: 15 }, () => client.ListNamespaces({})));
    const limited = results.filter((r) => r.status === 'rejected' && errorField(r.reason, 'code') === 'RequestLimitExceeded');
    expect(limited.length).toBeGreaterThan(0);
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
  });

  test('when the request log is read, then it lists action, region, function and outcome, and clears', () => {
    const log = sim.admin.requestLog();
    const e = log.find((x) => x.action === 'GetFunction' && x.outcome === 'ResourceNotFound.Function');
    expect(e).toMatchObject({ region: 'ap-guangzhou', function: 'nope' });
    expect(log.some((x) => x.action === 'CreateFunction' && x.outcome === 'OK' && x.function === 'shape')).toBe(true);
    sim.admin.clearRequestLog();
    expect(sim.admin.requestLog()).toHaveLength(0);
  });
});
