/**
 * The simulator's Cloud Monitor: it counts what it really runs and answers GetMonitorData (monitor
 * 2018-07-24, namespace QCE/SCF_V2) through the official monitor SDK; plus the traffic generator.
 */
import * as tencentcloudMonitor from 'tencentcloud-sdk-nodejs-monitor';
import { DEFAULT_CREDENTIALS, buildTc3Authorization, type RunningSimulator } from '../../simulator';
import { eventually } from '../harness/eventually';
import { clientFor, expectCode, startFast, type ScfClientT } from './helpers';

const MonitorClient = tencentcloudMonitor.monitor.v20180724.Client;
type MonitorClientT = InstanceType<typeof MonitorClient>;
const R = 'ap-guangzhou';
const FAILS_ON_FLAG = { 'index.js': 'exports.main_handler = async (event) => { if (event.fail) throw new Error("bad event"); return { ok: true }; };\n' };
const SLOW = { 'index.js': 'exports.main_handler = async () => new Promise((r) => setTimeout(() => r("late"), 3000));\n' };

let sim: RunningSimulator;
let scf: ScfClientT;
let mon: MonitorClientT;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
const dims = (o: Record<string, string>) => [{ Dimensions: Object.entries(o).map(([Name, Value]) => ({ Name, Value })) }];
const sum = (values: number[] | undefined) => (values ?? []).reduce((a, b) => a + b, 0);

async function series(metric: string, d: Record<string, string>, period = 60) {
  const now = Date.now();
  const r = await mon.GetMonitorData({
    Namespace: 'QCE/SCF_V2', MetricName: metric, Instances: dims(d), Period: period, StartTime: iso(now - 10 * 60_000), EndTime: iso(now + 60_000),
  });
  expect(r.Period).toBe(period);
  expect(r.MetricName).toBe(metric);
  return r.DataPoints![0]!;
}

beforeAll(async () => {
  sim = await startFast();
  scf = clientFor(sim, R);
  mon = new MonitorClient({ credential: DEFAULT_CREDENTIALS, region: R, profile: { httpProfile: { endpoint: sim.endpoint, protocol: 'http://', reqTimeout: 30 } } });
  sim.admin.seedFunction({ region: R, functionName: 'mon', files: FAILS_ON_FLAG, publishVersions: 2 });
  await scf.CreateAlias({ FunctionName: 'mon', Name: 'live', FunctionVersion: '1' });
  sim.admin.seedFunction({ region: R, functionName: 'slow', files: SLOW, timeout: 1 });
});
afterAll(() => sim.stop());

describe('simulator monitoring', () => {
  test('when a function is invoked through its alias and by version, then GetMonitorData counts invocations, errors, durations and the error percentage', async () => {
    for (const fail of [false, false, true, false, true, false]) {
      await scf.InvokeFunction({ FunctionName: 'mon', Qualifier: 'live', Event: JSON.stringify({ fail }) });
    }
    await scf.InvokeFunction({ FunctionName: 'mon', Qualifier: '2', Event: '{}' });

    const inv = await series('Invocation', { functionName: 'mon', namespace: 'default', alias: 'live' });
    expect(inv.Dimensions).toEqual([{ Name: 'functionName', Value: 'mon' }, { Name: 'namespace', Value: 'default' }, { Name: 'alias', Value: 'live' }]);
    expect(sum(inv.Values)).toBe(6);
    expect(inv.Timestamps!.every((t) => t % 60 === 0)).toBe(true);
    expect(inv.Timestamps).toHaveLength(inv.Values!.length);
    const err = await series('Error', { functionName: 'mon', namespace: 'default', alias: 'live' });
    expect(sum(err.Values)).toBe(2);
    const pct = await series('FunctionErrorPercentage', { functionName: 'mon', namespace: 'default', alias: 'live' });
    pct.Timestamps!.forEach((ts, i) => {
      const at = inv.Timestamps!.indexOf(ts);
      const errors = err.Values![err.Timestamps!.indexOf(ts)] ?? 0;
      expect(pct.Values![i]).toBeCloseTo((100 * errors) / inv.Values![at]!, 2);
    });
    const dur = await series('Duration', { functionName: 'mon', namespace: 'default', version: '1' });
    expect(dur.Values!.every((v) => v > 0)).toBe(true);
    expect(sum((await series('Invocation', { functionName: 'mon', namespace: 'default', version: '2' })).Values)).toBe(1);
    expect(sum((await series('Invocation', { functionName: 'mon', namespace: 'default' })).Values)).toBe(7);
    expect(sum((await series('Http2xx', { functionName: 'mon', namespace: 'default', version: '1' }, 300)).Values)).toBe(4);
    // No traffic: no data points (the documented "missing timestamps").
    expect((await series('Invocation', { functionName: 'nobody', namespace: 'default' })).Values).toEqual([]);
  });

  test('when a function times out, then Http433 counts it, and it is an error', async () => {
    const r = await scf.InvokeFunction({ FunctionName: 'slow', Event: '{}' });
    expect(r.Result?.ErrMsg).toContain('timed out');
    expect(sum((await series('Http433', { functionName: 'slow', namespace: 'default' })).Values)).toBe(1);
    expect(sum((await series('Error', { functionName: 'slow', namespace: 'default' })).Values)).toBe(1);
  });

  test('when GetMonitorData is asked wrongly, then the documented errors come back', async () => {
    const now = Date.now();
    const base = { Namespace: 'QCE/SCF_V2', MetricName: 'Invocation', Instances: dims({ functionName: 'mon', namespace: 'default' }), Period: 60, StartTime: iso(now - 600_000), EndTime: iso(now) };
    await expectCode(mon.GetMonitorData({ ...base, Namespace: 'QCE/CVM' }), 'InvalidParameterValue');
    await expectCode(mon.GetMonitorData({ ...base, MetricName: 'Happiness' }), 'InvalidParameterValue');
    await expectCode(mon.GetMonitorData({ ...base, Period: 1 }), 'InvalidParameterValue');
    await expectCode(mon.GetMonitorData({ ...base, StartTime: iso(now), EndTime: iso(now - 60_000) }), 'InvalidParameterValue');
    await expectCode(mon.GetMonitorData({ ...base, StartTime: 'yesterday' }), 'InvalidParameterValue');
    await expectCode(mon.GetMonitorData({ ...base, Instances: Array.from({ length: 11 }, () => dims({ functionName: 'mon' })[0]!) }), 'LimitExceeded');
    await expectCode(mon.GetMonitorData({ ...base, StartTime: iso(now - 2 * 86_400_000) }), 'LimitExceeded');
    await expectCode(mon.GetMonitorData({ ...base, Instances: dims({ namespace: 'default' }) }), 'InvalidParameterValue');
    await expectCode(mon.GetMonitorData({ ...base, MetricName: '' }), 'MissingParameter');
  });

  test('when a monitor call is signed with another service name than monitor, then AuthFailure.SignatureFailure; scf calls refuse monitor signatures', async () => {
    const call = async (action: string, version: string, service: string, body: unknown) => {
      const bytes = Buffer.from(JSON.stringify(body));
      const ts = Math.floor(Date.now() / 1000);
      const headers: Record<string, string> = {
        'content-type': 'application/json', host: sim.endpoint, 'x-tc-action': action, 'x-tc-version': version, 'x-tc-region': R, 'x-tc-timestamp': String(ts),
      };
      headers['authorization'] = buildTc3Authorization({ ...DEFAULT_CREDENTIALS, service, timestamp: ts, req: { method: 'POST', rawUrl: '/', headers, body: bytes } });
      const res = await fetch(`${sim.url}/`, { method: 'POST', headers, body: bytes });
      return ((await res.json()) as { Response: { Error?: { Code: string }; DataPoints?: unknown[] } }).Response;
    };
    const q = { Namespace: 'QCE/SCF_V2', MetricName: 'Invocation', Instances: dims({ functionName: 'mon', namespace: 'default' }), Period: 60 };
    expect((await call('GetMonitorData', '2018-07-24', 'scf', q)).Error?.Code).toBe('AuthFailure.SignatureFailure');
    expect((await call('GetMonitorData', '2018-07-24', 'monitor', q)).DataPoints).toHaveLength(1);
    expect((await call('ListFunctions', '2018-04-16', 'monitor', {})).Error?.Code).toBe('AuthFailure.SignatureFailure');
    expect((await call('GetMonitorData', '2018-04-16', 'scf', q)).Error?.Code).toBe('InvalidAction');
  });

  test('when the simulator-only fast period is configured, then Period 1 is accepted and buckets are one second', async () => {
    sim.admin.setMonitor({ fastPeriodSeconds: 1 });
    try {
      const p = await series('Invocation', { functionName: 'mon', namespace: 'default' }, 1);
      expect(sum(p.Values)).toBe(7);
    } finally {
      sim.admin.setMonitor({ fastPeriodSeconds: undefined });
    }
    await expectCode(series('Invocation', { functionName: 'mon', namespace: 'default' }, 1), 'InvalidParameterValue');
  });

  test('when the traffic generator runs through an alias with given events, then it invokes at the rate until done, and the metrics show it', async () => {
    const id = sim.admin.startTraffic({ region: R, functionName: 'mon', alias: 'live', ratePerSecond: 40, events: ['{}', '{"fail":true}'], count: 20 });
    const done = await eventually(() => sim.admin.trafficStatus(id), (s) => s.state === 'done', 30_000);
    expect(done).toMatchObject({ state: 'done', sent: 20, errors: 10, failedCalls: 0 });
    expect(sum((await series('Invocation', { functionName: 'mon', namespace: 'default', alias: 'live' })).Values)).toBe(26);
    expect(sum((await series('Error', { functionName: 'mon', namespace: 'default', alias: 'live' })).Values)).toBe(12);
    // A stopped generator sends nothing more.
    const id2 = sim.admin.startTraffic({ region: R, functionName: 'mon', alias: 'live', ratePerSecond: 1, events: ['{}'] });
    sim.admin.stopTraffic(id2);
    expect(sim.admin.trafficStatus(id2).state).toBe('stopped');
    expect(() => sim.admin.startTraffic({ region: R, functionName: 'mon', alias: 'nope', ratePerSecond: 1, events: ['{}'] })).toThrow(/alias nope/);
  });
});
