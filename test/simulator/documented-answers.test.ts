/**
 * Where the simulator used to answer otherwise than Tencent's documentation, it answers as documented
 * (issue 12, section 3). Each answer through the official Node SDK.
 */
import type { FaultSettings, RunningSimulator } from '../../simulator';
import { HELLO, clientFor, expectCode, startFast, waitStatus, type ScfClientT } from './helpers';

const R = 'ap-guangzhou';
let sim: RunningSimulator;
let c: ScfClientT;

beforeAll(async () => {
  sim = await startFast();
  c = clientFor(sim, R);
  sim.admin.seedFunction({ region: R, functionName: 'doc', files: HELLO, publishVersions: 3 });
});
afterAll(() => sim.stop());
afterEach(() => {
  sim.admin.clearFaults();
  sim.admin.releaseHold({ region: R, functionName: 'doc' });
});

describe('documented answers', () => {
  test('when CreateAlias/UpdateAlias name a version that does not exist, then ResourceNotFound.FunctionVersion', async () => {
    await expectCode(c.CreateAlias({ FunctionName: 'doc', Name: 'a1', FunctionVersion: '77' }), 'ResourceNotFound.FunctionVersion');
    await expectCode(
      c.CreateAlias({ FunctionName: 'doc', Name: 'a1', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: [{ Version: '78', Weight: 0.1 }] } }),
      'ResourceNotFound.FunctionVersion',
    );
    await c.CreateAlias({ FunctionName: 'doc', Name: 'a1', FunctionVersion: '1' });
    await expectCode(c.UpdateAlias({ FunctionName: 'doc', Name: 'a1', FunctionVersion: '77' }), 'ResourceNotFound.FunctionVersion');
    expect((await c.GetAlias({ FunctionName: 'doc', Name: 'a1' })).FunctionVersion).toBe('1');
  });

  test('when a version an alias points at is deleted, then UnsupportedOperation.AliasBind and the version stays', async () => {
    await c.CreateAlias({ FunctionName: 'doc', Name: 'bound', FunctionVersion: '2' });
    await expectCode(c.DeleteFunctionVersion({ FunctionName: 'doc', Qualifier: '2' }), 'UnsupportedOperation.AliasBind');
    await expectCode(c.DeleteFunction({ FunctionName: 'doc', Qualifier: '2' }), 'UnsupportedOperation.AliasBind');
    expect((await c.GetFunction({ FunctionName: 'doc', Qualifier: '2' })).FunctionVersion).toBe('2');
    await c.DeleteAlias({ FunctionName: 'doc', Name: 'bound' });
  });

  test('when Invoke is asynchronous (InvocationType Event), then RetMsg is empty, and its event limit is 128 KB', async () => {
    const r = await c.Invoke({ FunctionName: 'doc', InvocationType: 'Event', ClientContext: '{"a":1}' });
    expect(r.Result?.RetMsg).toBe('');
    expect(typeof r.Result?.FunctionRequestId).toBe('string');
    const big = JSON.stringify({ pad: 'x'.repeat(130 * 1024) });
    await expectCode(c.Invoke({ FunctionName: 'doc', InvocationType: 'Event', ClientContext: big }), 'InvalidParameter.RequestTooLarge');
    // A synchronous call takes up to 6 MB.
    expect((await c.Invoke({ FunctionName: 'doc', ClientContext: big })).Result?.ErrMsg).toBe('');
  });

  test('when the function is busy, then UpdateFunctionConfiguration and CopyFunction answer their own documented codes', async () => {
    sim.admin.holdInUpdating({ region: R, functionName: 'doc' });
    await expectCode(c.UpdateFunctionConfiguration({ FunctionName: 'doc', Timeout: 5 }), 'FailedOperation.UpdateFunctionConfiguration');
    await expectCode(c.CopyFunction({ FunctionName: 'doc', NewFunctionName: 'doc-copy', TargetRegion: 'ap-shanghai' }), 'FailedOperation.CopyFailed');
    sim.admin.releaseHold({ region: R, functionName: 'doc' });
    await waitStatus(c, 'doc', 'Active');
    await c.UpdateFunctionConfiguration({ FunctionName: 'doc', Timeout: 5 });
    expect((await waitStatus(c, 'doc', 'Active')).Timeout).toBe(5);
  });

  test('when alias routing names two additional versions, or weights together with rules, then InvalidParameterValue.RoutingConfig', async () => {
    await expectCode(
      c.CreateAlias({
        FunctionName: 'doc', Name: 'two', FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: [{ Version: '2', Weight: 0.1 }, { Version: '3', Weight: 0.1 }] },
      }),
      'InvalidParameterValue.RoutingConfig',
    );
    await expectCode(
      c.CreateAlias({
        FunctionName: 'doc', Name: 'mixed', FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: [{ Version: '2', Weight: 0.1 }], AddtionVersionMatchs: [{ Version: '2', Key: 'u', Method: 'exact', Expression: 'v' }] },
      }),
      'InvalidParameterValue.RoutingConfig',
    );
    await c.CreateAlias({ FunctionName: 'doc', Name: 'one', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: [{ Version: '2', Weight: 0.1 }] } });
    await expectCode(
      c.UpdateAlias({
        FunctionName: 'doc', Name: 'one', FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: [{ Version: '2', Weight: 0.1 }], AddtionVersionMatchs: [{ Version: '3', Key: 'u', Method: 'exact', Expression: 'v' }] },
      }),
      'InvalidParameterValue.RoutingConfig',
    );
    expect((await c.GetAlias({ FunctionName: 'doc', Name: 'one' })).RoutingConfig?.AdditionalVersionWeights).toEqual([{ Version: '2', Weight: 0.1 }]);
  });

  test('when a throttle code is configured, then random throttles and per-action limits answer that documented variant', async () => {
    sim.admin.setFaults({ throttleRate: 1, throttleCode: 'RequestLimitExceeded.UinLimitExceeded', actions: ['ListFunctions'] });
    await expectCode(c.ListFunctions({}), 'RequestLimitExceeded.UinLimitExceeded');
    sim.admin.setFaults({ throttleRate: 0, throttleCode: 'RequestLimitExceeded.IPLimitExceeded' });
    sim.admin.setRateLimits({ ListNamespaces: 0 });
    await expectCode(c.ListNamespaces({}), 'RequestLimitExceeded.IPLimitExceeded');
    sim.admin.clearFaults();
    await expectCode(c.ListNamespaces({}), 'RequestLimitExceeded');
    sim.admin.setRateLimits({ ListNamespaces: 20 });
    // Over the admin HTTP API the setting is untyped JSON: an undocumented code is refused.
    expect(() => sim.admin.setFaults({ throttleCode: 'RequestLimitExceeded.Nonsense' } as unknown as FaultSettings)).toThrow(/throttleCode/);
  });

  test('when CopyFunction runs on an Active function, then it still copies (the busy code is only for a busy function)', async () => {
    await c.CopyFunction({ FunctionName: 'doc', NewFunctionName: 'doc-copy', TargetRegion: 'ap-shanghai' });
    await waitStatus(clientFor(sim, 'ap-shanghai'), 'doc-copy', 'Active');
  });
});
