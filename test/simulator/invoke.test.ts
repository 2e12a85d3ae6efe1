import { createZip, type RunningSimulator } from '../../simulator';
import { clientFor, expectCode, startFast, waitStatus, type ScfClientT } from './helpers';

let sim: RunningSimulator;
let c: ScfClientT;
const R = 'ap-guangzhou';

beforeAll(async () => {
  process.env['SIM_SECRET_OF_PARENT'] = 'must-not-leak';
  sim = await startFast({ seed: 42 });
  c = clientFor(sim, R);
});
afterAll(() => sim.stop());

describe('SCF simulator invokes', () => {
  test('when a handler returns, then InvokeResult is 0 and RetMsg is the JSON return value with a log tail', async () => {
    sim.admin.seedFunction({
      region: R, functionName: 'ok', environment: { GREETING: 'hi' },
      files: { 'index.js': 'exports.main_handler = async (event, context) => { console.log("event", JSON.stringify(event)); return { g: process.env.GREETING, leak: process.env.SIM_SECRET_OF_PARENT ?? null, path: process.env.PATH ?? null, fn: process.env.SCF_FUNCTIONNAME, rid: context.request_id, n: event.n }; };' },
    });
    const r = (await c.InvokeFunction({ FunctionName: 'ok', Event: '{"n":5}', LogType: 'Tail' })).Result!;
    expect(r.InvokeResult).toBe(0);
    const ret = JSON.parse(r.RetMsg!);
    expect(ret).toMatchObject({ g: 'hi', leak: null, fn: 'ok', n: 5, rid: r.FunctionRequestId });
    expect(r.ErrMsg).toBe('');
    expect(r.Log).toContain('event {"n":5}');
    expect(r.Log).toContain(`START RequestId: ${r.FunctionRequestId}`);
    expect(r.Duration).toBeGreaterThanOrEqual(0);
    expect(r.BillDuration).toBeGreaterThanOrEqual(1);
    expect(r.MemUsage).toBeGreaterThan(0);
    const legacy = (await c.Invoke({ FunctionName: 'ok', ClientContext: '{"n":6}' })).Result!;
    expect(JSON.parse(legacy.RetMsg!).n).toBe(6);
    expect(legacy.Log).toBe('');
  });

  test('when a callback-style handler answers, then its value is returned', async () => {
    sim.admin.seedFunction({ region: R, functionName: 'cb', files: { 'index.js': 'exports.main_handler = (event, context, callback) => { setTimeout(() => callback(null, "done"), 5); };' } });
    const r = (await c.InvokeFunction({ FunctionName: 'cb' })).Result!;
    expect(r.InvokeResult).toBe(0);
    expect(r.RetMsg).toBe('"done"');
  });

  test('when the handler throws, then ErrMsg carries statusCode 430 and the message', async () => {
    sim.admin.seedFunction({ region: R, functionName: 'boom', files: { 'index.js': 'exports.main_handler = async () => { throw new Error("kaboom"); };' } });
    const r = (await c.InvokeFunction({ FunctionName: 'boom' })).Result!;
    expect(r.InvokeResult).not.toBe(0);
    const err = JSON.parse(r.ErrMsg!);
    expect(err).toMatchObject({ statusCode: 430, errorMessage: 'kaboom' });
    expect(err.stackTrace).toContain('kaboom');
    // the warm child survives a thrown error
    expect(JSON.parse((await c.InvokeFunction({ FunctionName: 'boom' })).Result!.ErrMsg!).statusCode).toBe(430);
  });

  test('when the handler runs past its Timeout, then ErrMsg carries statusCode 433', async () => {
    sim.admin.seedFunction({ region: R, functionName: 'slow', timeout: 1, files: { 'index.js': 'exports.main_handler = () => new Promise(() => {});' } });
    const r = (await c.InvokeFunction({ FunctionName: 'slow' })).Result!;
    expect(r.InvokeResult).not.toBe(0);
    expect(JSON.parse(r.ErrMsg!).statusCode).toBe(433);
  });

  test('when the runner process dies mid-invoke, then that invoke fails with statusCode 430 and the simulator keeps serving', async () => {
    sim.admin.seedFunction({ region: R, functionName: 'suicide', timeout: 10, files: { 'index.js': 'exports.main_handler = async () => { process.kill(process.pid, "SIGKILL"); await new Promise(() => {}); };' } });
    const r = (await c.InvokeFunction({ FunctionName: 'suicide' })).Result!;
    expect(r.InvokeResult).toBe(-1);
    expect(JSON.parse(r.ErrMsg!)).toMatchObject({ statusCode: 430, errorMessage: expect.stringContaining('Process exited before completing request') });
    const again = (await c.InvokeFunction({ FunctionName: 'cb' })).Result!;
    expect(again.InvokeResult).toBe(0);
    expect((await c.GetFunction({ FunctionName: 'suicide' })).Status).toBe('Active');
  });

  test("when the invoke runner is slow to start, then a function with a short timeout still passes (start-up is not the function's time)", async () => {
    const slow = await startFast({ invoke: { runnerStartDelayMs: 2500 } });
    try {
      slow.admin.seedFunction({ region: R, functionName: 'quick', timeout: 1, files: { 'index.js': 'exports.main_handler = async () => "quick";' } });
      const r = (await clientFor(slow, R).InvokeFunction({ FunctionName: 'quick' })).Result!;
      expect([r.InvokeResult, r.RetMsg, r.ErrMsg]).toEqual([0, '"quick"', '']);
    } finally {
      await slow.stop();
    }
  });

  test('when the handler blows its memory, then ErrMsg carries statusCode 434', async () => {
    sim.admin.seedFunction({
      region: R, functionName: 'hog', memorySize: 64, timeout: 20,
      files: { 'index.js': 'exports.main_handler = async () => { const a = []; for (;;) a.push(new Array(100000).fill({ x: Math.random() })); };' },
    });
    const r = (await c.InvokeFunction({ FunctionName: 'hog' })).Result!;
    expect(r.InvokeResult).not.toBe(0);
    expect(JSON.parse(r.ErrMsg!).statusCode).toBe(434);
  }, 30000);

  test('when the qualifier or event is bad, then the documented errors come back', async () => {
    await expectCode(c.InvokeFunction({ FunctionName: 'ok', Qualifier: 'nope' }), 'ResourceNotFound.Qualifier');
    await expectCode(c.InvokeFunction({ FunctionName: 'ok', Event: '{not json' }), 'InvalidParameterValue.Param');
    await expectCode(c.InvokeFunction({ FunctionName: 'ghost' }), 'ResourceNotFound.Function');
  });

  test('when an alias splits traffic 70/30, then 400 invokes land within tolerance, and a routing key rule wins on a rule-routed alias', async () => {
    sim.admin.seedFunction({ region: R, functionName: 'canary', files: { 'index.js': 'exports.main_handler = async () => process.env.SCF_FUNCTIONVERSION;' }, publishVersions: 2 });
    // CreateAlias documents one additional version, by weight or by rule: two aliases.
    await c.CreateAlias({ FunctionName: 'canary', Name: '$DEFAULT', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: [{ Version: '2', Weight: 0.3 }] } });
    await c.CreateAlias({
      FunctionName: 'canary', Name: 'vip', FunctionVersion: '1',
      RoutingConfig: { AddtionVersionMatchs: [{ Version: '2', Key: 'user', Method: 'exact', Expression: 'vip' }] },
    });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 400; i++) {
      const r = (await c.InvokeFunction({ FunctionName: 'canary' })).Result!;
      const v = JSON.parse(r.RetMsg!);
      counts[v] = (counts[v] ?? 0) + 1;
    }
    expect(counts['2']! / 400).toBeGreaterThan(0.22);
    expect(counts['2']! / 400).toBeLessThan(0.38);
    expect(counts['1']! + counts['2']!).toBe(400);
    for (let i = 0; i < 10; i++) {
      const r = (await c.InvokeFunction({ FunctionName: 'canary', Qualifier: 'vip', RoutingKey: '{"user":"vip"}' })).Result!;
      expect(JSON.parse(r.RetMsg!)).toBe('2');
    }
    expect(JSON.parse((await c.InvokeFunction({ FunctionName: 'canary', Qualifier: 'vip', RoutingKey: '{"user":"other"}' })).Result!.RetMsg!)).toBe('1');
    expect(JSON.parse((await c.InvokeFunction({ FunctionName: 'canary', Qualifier: '$LATEST' })).Result!.RetMsg!)).toBe('$LATEST');
  }, 30000);

  test('when code is updated, then $LATEST runs the new code after the update finishes', async () => {
    await c.UpdateFunctionCode({ FunctionName: 'cb', ZipFile: createZip({ 'index.js': 'exports.main_handler = async () => "new";' }).toString('base64') });
    await waitStatus(c, 'cb', 'Active');
    expect((await c.InvokeFunction({ FunctionName: 'cb', Qualifier: '$LATEST' })).Result!.RetMsg).toBe('"new"');
  });
});
