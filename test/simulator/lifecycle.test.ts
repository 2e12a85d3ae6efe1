import type { RequestLogEntry, RunningSimulator } from '../../simulator';
import { eventually } from '../harness/eventually';
import { FAST, HELLO, clientFor, errorField, expectCode, startFast, waitStatus, zipB64, type ScfClientT } from './helpers';

let sim: RunningSimulator;
let gz: ScfClientT;
let sh: ScfClientT;

beforeAll(async () => {
  sim = await startFast({ seed: 7 });
  gz = clientFor(sim, 'ap-guangzhou');
  sh = clientFor(sim, 'ap-shanghai');
});
afterAll(() => sim.stop());
// Whatever a test armed or slowed down, the next one starts from the plain fast simulator.
afterEach(() => {
  sim.admin.clearFaults();
  sim.admin.setDelays(FAST);
  for (const [region, functionName] of [['ap-guangzhou', 'sm'], ['ap-guangzhou', 'armed'], ['ap-shanghai', 'dst']] as const) sim.admin.releaseHold({ region, functionName });
});

const CODE_V2 = { 'index.js': 'exports.main_handler = async () => "v2";\n' };

describe('SCF simulator state machine and fault injection', () => {
  test('when a function is Updating, then another UpdateFunctionCode fails with FailedOperation.UpdateFunctionCode and succeeds once Active', async () => {
    sim.admin.seedFunction({ region: 'ap-guangzhou', functionName: 'sm', files: HELLO });
    sim.admin.holdNext({ region: 'ap-guangzhou', functionName: 'sm', transition: 'update' });
    await gz.UpdateFunctionCode({ FunctionName: 'sm', ZipFile: zipB64(CODE_V2) });
    expect((await gz.GetFunction({ FunctionName: 'sm' })).Status).toBe('Updating');
    await expectCode(gz.UpdateFunctionCode({ FunctionName: 'sm', ZipFile: zipB64(CODE_V2) }), 'FailedOperation.UpdateFunctionCode');
    await expectCode(gz.UpdateFunctionConfiguration({ FunctionName: 'sm', Timeout: 5 }), 'FailedOperation.UpdateFunctionConfiguration');
    await expectCode(gz.PublishVersion({ FunctionName: 'sm' }), 'FailedOperation.PublishVersion');
    await expectCode(gz.GetFunctionAddress({ FunctionName: 'sm' }), 'FailedOperation.FunctionStatusError');
    await expectCode(gz.InvokeFunction({ FunctionName: 'sm', Qualifier: '$LATEST' }), 'FailedOperation.FunctionStatusError');
    sim.admin.releaseHold({ region: 'ap-guangzhou', functionName: 'sm' });
    await waitStatus(gz, 'sm', 'Active');
    await gz.UpdateFunctionConfiguration({ FunctionName: 'sm', Timeout: 5, Environment: { Variables: [{ Key: 'K', Value: 'v' }] } });
    const f = await waitStatus(gz, 'sm', 'Active');
    expect(f.Timeout).toBe(5);
    expect(f.Environment?.Variables).toEqual([{ Key: 'K', Value: 'v' }]);
  });

  test('when PublishVersion is called, then the function and the new version are Publishing and then Active', async () => {
    sim.admin.holdNext({ region: 'ap-guangzhou', functionName: 'sm', transition: 'publish' });
    const p = await gz.PublishVersion({ FunctionName: 'sm', Description: 'rel' });
    expect((await gz.GetFunction({ FunctionName: 'sm' })).Status).toBe('Publishing');
    expect((await gz.GetFunction({ FunctionName: 'sm', Qualifier: p.FunctionVersion })).Status).toBe('Publishing');
    sim.admin.releaseHold({ region: 'ap-guangzhou', functionName: 'sm' });
    await waitStatus(gz, 'sm', 'Active');
    expect((await gz.GetFunction({ FunctionName: 'sm', Qualifier: p.FunctionVersion })).Status).toBe('Active');
  });

  test('when the function is held in Updating, then it stays there until released', async () => {
    sim.admin.holdInUpdating({ region: 'ap-guangzhou', functionName: 'sm' });
    expect((await gz.GetFunction({ FunctionName: 'sm' })).Status).toBe('Updating');
    // Several calls later (each one a full round trip, however slow) it is still there.
    for (let i = 0; i < 3; i++) expect((await gz.GetFunction({ FunctionName: 'sm' })).Status).toBe('Updating');
    sim.admin.releaseHold({ region: 'ap-guangzhou', functionName: 'sm' });
    expect((await gz.GetFunction({ FunctionName: 'sm' })).Status).toBe('Active');
    sim.admin.holdInUpdating({ region: 'ap-guangzhou', functionName: 'sm', ms: 40 });
    await waitStatus(gz, 'sm', 'Active');
  });

  test('when the next update is set to fail, then the function goes UpdateFailed with StatusReasons and can be updated again', async () => {
    const before = sim.admin.getFunction('ap-guangzhou', 'default', 'sm')!.codeSha256;
    sim.admin.failNextUpdate({ region: 'ap-guangzhou', functionName: 'sm', errorCode: 'InstallDependencyFailed', errorMessage: 'npm exploded' });
    await gz.UpdateFunctionCode({ FunctionName: 'sm', ZipFile: zipB64({ 'index.js': 'exports.main_handler = async () => "v3";' }) });
    const failed = await waitStatus(gz, 'sm', 'UpdateFailed');
    expect(failed.StatusReasons).toEqual([{ ErrorCode: 'InstallDependencyFailed', ErrorMessage: 'npm exploded' }]);
    expect(sim.admin.getFunction('ap-guangzhou', 'default', 'sm')!.codeSha256).toBe(before);
    await gz.UpdateFunctionCode({ FunctionName: 'sm', ZipFile: zipB64({ 'index.js': 'exports.main_handler = async () => "v3";' }) });
    const ok = await waitStatus(gz, 'sm', 'Active');
    expect(ok.StatusReasons).toEqual([]);
    expect(sim.admin.getFunction('ap-guangzhou', 'default', 'sm')!.codeSha256).not.toBe(before);
  });

  test('when CopyFunction copies across regions, then code and configuration are copied but not triggers or versions', async () => {
    sim.admin.seedFunction({
      region: 'ap-guangzhou', functionName: 'src', files: HELLO, memorySize: 256, timeout: 9, environment: { E: '1' }, description: 'orig',
      triggers: [{ type: 'timer', name: 'every-minute' }], publishVersions: 2,
    });
    sim.admin.holdNext({ region: 'ap-shanghai', functionName: 'dst', transition: 'create' });
    await gz.CopyFunction({ FunctionName: 'src', NewFunctionName: 'dst', TargetRegion: 'ap-shanghai' });
    expect((await sh.GetFunction({ FunctionName: 'dst' })).Status).toBe('Creating');
    sim.admin.releaseHold({ region: 'ap-shanghai', functionName: 'dst' });
    const f = await waitStatus(sh, 'dst', 'Active');
    expect(f).toMatchObject({ MemorySize: 256, Timeout: 9, Description: 'orig', Environment: { Variables: [{ Key: 'E', Value: '1' }] }, Triggers: [] });
    expect((await sh.ListVersionByFunction({ FunctionName: 'dst' })).FunctionVersion).toEqual(['$LATEST']);
    const src = sim.admin.getFunction('ap-guangzhou', 'default', 'src')!;
    expect(sim.admin.getFunction('ap-shanghai', 'default', 'dst')!.codeSha256).toBe(src.codeSha256);
    expect((await gz.GetFunction({ FunctionName: 'src' })).Triggers).toHaveLength(1);
  });

  test('when the copy target exists, then CopyFunction needs Override, which replaces the target and its versions', async () => {
    await expectCode(gz.CopyFunction({ FunctionName: 'src', NewFunctionName: 'dst', TargetRegion: 'ap-shanghai' }), 'ResourceInUse.FunctionName');
    await sh.PublishVersion({ FunctionName: 'dst' });
    await waitStatus(sh, 'dst', 'Active');
    await gz.CopyFunction({ FunctionName: 'src', NewFunctionName: 'dst', TargetRegion: 'ap-shanghai', Override: true, CopyConfiguration: false });
    const f = await waitStatus(sh, 'dst', 'Active');
    expect(f.MemorySize).toBe(128);
    expect((await sh.ListVersionByFunction({ FunctionName: 'dst' })).FunctionVersion).toEqual(['$LATEST']);
    await expectCode(gz.CopyFunction({ FunctionName: 'src', NewFunctionName: 'x2', TargetNamespace: 'nope' }), 'ResourceNotFound.Namespace');
  });

  test('when failNext is set, then the next N matching calls fail with that code and the rest succeed', async () => {
    sim.admin.failNext({ action: 'GetFunction', count: 2, code: 'InternalError', region: 'ap-guangzhou', functionName: 'src' });
    await expectCode(gz.GetFunction({ FunctionName: 'sm' }).then(() => gz.GetFunction({ FunctionName: 'src' })), 'InternalError');
    await expectCode(gz.GetFunction({ FunctionName: 'src' }), 'InternalError');
    expect((await gz.GetFunction({ FunctionName: 'src' })).FunctionName).toBe('src');
  });

  test('when the response of PublishVersion is lost, then the SDK sees a network error but the version was published once', async () => {
    sim.admin.seedFunction({ region: 'ap-guangzhou', functionName: 'lost', files: HELLO });
    sim.admin.loseResponse({ action: 'PublishVersion', count: 1 });
    const err = await gz.PublishVersion({ FunctionName: 'lost' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeDefined();
    expect(errorField(err, 'code')).toBeFalsy();
    await waitStatus(gz, 'lost', 'Active');
    expect((await gz.ListVersionByFunction({ FunctionName: 'lost' })).FunctionVersion).toEqual(['$LATEST', '1']);
    const entry = sim.admin.requestLog().find((e) => e.action === 'PublishVersion' && e.function === 'lost');
    expect(entry).toMatchObject({ outcome: 'OK', lost: true });
  });

  test('when the connection is dropped, then the action did not happen', async () => {
    sim.admin.dropConnection({ action: 'PublishVersion', count: 1, functionName: 'lost' });
    await expect(gz.PublishVersion({ FunctionName: 'lost' })).rejects.toBeDefined();
    expect((await gz.ListVersionByFunction({ FunctionName: 'lost' })).FunctionVersion).toEqual(['$LATEST', '1']);
  });

  test('when a call is held, then it is handled only once released, and a held call whose caller hangs up is never performed', async () => {
    sim.admin.seedFunction({ region: 'ap-guangzhou', functionName: 'heldcall', files: HELLO });
    sim.admin.holdCall({ action: 'PublishVersion', count: 2, functionName: 'heldcall' });
    const published = gz.PublishVersion({ FunctionName: 'heldcall' });
    const held = await eventually(() => sim.admin.heldCalls(), (calls) => calls.length === 1);
    expect(held).toEqual([{ action: 'PublishVersion', region: 'ap-guangzhou', functionName: 'heldcall' }]);
    expect((await gz.ListVersionByFunction({ FunctionName: 'heldcall' })).FunctionVersion).toEqual(['$LATEST']);
    sim.admin.releaseCalls();
    expect((await published).FunctionVersion).toBe('1');
    await waitStatus(gz, 'heldcall', 'Active');

    // The second matching call is held too; its caller gives up (as a killed worker's socket closes).
    const caller = new AbortController();
    const sdk = gz as unknown as { request(action: string, req: unknown, o: { signal: AbortSignal }): Promise<unknown> };
    const abandoned = sdk.request('PublishVersion', { FunctionName: 'heldcall' }, { signal: caller.signal }).catch((e: unknown) => e);
    expect(await eventually(() => sim.admin.heldCalls(), (calls) => calls.length === 1)).toHaveLength(1);
    caller.abort();
    await abandoned;
    const abandonedCall = (log: RequestLogEntry[]) => log.some((e) => e.action === 'PublishVersion' && e.function === 'heldcall' && e.outcome === 'ABANDONED');
    expect(abandonedCall(await eventually(() => sim.admin.requestLog(), abandonedCall))).toBe(true);
    expect(sim.admin.heldCalls()).toEqual([]);
    expect((await gz.ListVersionByFunction({ FunctionName: 'heldcall' })).FunctionVersion).toEqual(['$LATEST', '1']);
  });

  test('when holds are armed for the next create, update and publish, then each transition waits for its release', async () => {
    sim.admin.holdNext({ region: 'ap-guangzhou', functionName: 'armed', transition: 'create' });
    await gz.CreateFunction({ FunctionName: 'armed', Code: { ZipFile: zipB64(HELLO) }, Runtime: 'Nodejs18.15', Handler: 'index.main_handler' });
    for (let i = 0; i < 3; i++) expect((await gz.GetFunction({ FunctionName: 'armed' })).Status).toBe('Creating');
    expect(sim.admin.getFunction('ap-guangzhou', 'default', 'armed')!.held).toBe(true);
    sim.admin.releaseHold({ region: 'ap-guangzhou', functionName: 'armed' });
    await waitStatus(gz, 'armed', 'Active');
    // Released: the next update is not held.
    await gz.UpdateFunctionConfiguration({ FunctionName: 'armed', Timeout: 7 });
    expect((await waitStatus(gz, 'armed', 'Active')).Timeout).toBe(7);

    sim.admin.holdNext({ region: 'ap-guangzhou', functionName: 'armed', transition: 'update' });
    await gz.UpdateFunctionConfiguration({ FunctionName: 'armed', Timeout: 8 });
    for (let i = 0; i < 3; i++) expect((await gz.GetFunction({ FunctionName: 'armed' })).Status).toBe('Updating');
    sim.admin.releaseHold({ region: 'ap-guangzhou', functionName: 'armed' });
    expect((await waitStatus(gz, 'armed', 'Active')).Timeout).toBe(8);

    // An armed update hold leaves publishing alone; an armed publish hold leaves updates alone.
    sim.admin.holdNext({ region: 'ap-guangzhou', functionName: 'armed', transition: 'update' });
    const v1 = await gz.PublishVersion({ FunctionName: 'armed' });
    await waitStatus(gz, 'armed', 'Active');
    expect((await gz.GetFunction({ FunctionName: 'armed', Qualifier: v1.FunctionVersion })).Status).toBe('Active');
    sim.admin.releaseHold({ region: 'ap-guangzhou', functionName: 'armed' });
    sim.admin.holdNext({ region: 'ap-guangzhou', functionName: 'armed', transition: 'publish' });
    const v2 = await gz.PublishVersion({ FunctionName: 'armed' });
    for (let i = 0; i < 3; i++) expect((await gz.GetFunction({ FunctionName: 'armed', Qualifier: v2.FunctionVersion })).Status).toBe('Publishing');
    sim.admin.releaseHold({ region: 'ap-guangzhou', functionName: 'armed' });
    await waitStatus(gz, 'armed', 'Active');
    expect((await gz.GetFunction({ FunctionName: 'armed', Qualifier: v2.FunctionVersion })).Status).toBe('Active');
  });

  test('when throttle and internal-error rates are set, then a share of calls fail deterministically', async () => {
    sim.admin.setFaults({ throttleRate: 0.5, seed: 3, actions: ['ListFunctions'] });
    const results = await Promise.allSettled(Array.from({ length: 16 }, () => gz.ListFunctions({})));
    const codes = results.map((r) => (r.status === 'rejected' ? errorField(r.reason, 'code') : 'OK'));
    expect(codes.filter((c) => c === 'RequestLimitExceeded').length).toBeGreaterThan(2);
    expect(codes.filter((c) => c === 'OK').length).toBeGreaterThan(2);
    sim.admin.setFaults({ throttleRate: 0, internalErrorRate: 1 });
    await expectCode(gz.ListFunctions({}), 'InternalError');
    sim.admin.setFaults({ internalErrorRate: 0, actions: undefined });
    expect((await gz.ListFunctions({})).TotalCount).toBeGreaterThan(0);
  });

  test('when the admin HTTP API is used, then it seeds functions and returns the request log and state', async () => {
    const post = (name: string, body: unknown) => fetch(`${sim.url}/_admin/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('seedFunction', { region: 'ap-tokyo', functionName: 'viahttp', files: HELLO })).status).toBe(200);
    expect((await clientFor(sim, 'ap-tokyo').GetFunction({ FunctionName: 'viahttp' })).Status).toBe('Active');
    expect((await post('failNext', { action: 'ListAliases', count: 1, code: 'ResourceUnavailable' })).status).toBe(200);
    await expectCode(clientFor(sim, 'ap-tokyo').ListAliases({ FunctionName: 'viahttp' }), 'ResourceUnavailable');
    const log = (await (await fetch(`${sim.url}/_admin/requestLog`)).json()) as RequestLogEntry[];
    expect(log.length).toBeGreaterThan(0);
    const state = JSON.stringify(await (await fetch(`${sim.url}/_admin/state`)).json());
    expect(state).toContain('viahttp');
    expect(state).not.toContain('simulatorSecretKey');
  });
});
