/** The trigger actions a release needs, through the official Node SDK (issue 12, section 2). */
import type { RunningSimulator } from '../../simulator';
import { HELLO, clientFor, expectCode, startFast, type ScfClientT } from './helpers';

const R = 'ap-guangzhou';
let sim: RunningSimulator;
let c: ScfClientT;

const TIMER = '0 */5 * * * * *';
const APIGW = JSON.stringify({
  api: { authRequired: 'FALSE', requestConfig: { method: 'ANY' }, isIntegratedResponse: 'FALSE' },
  service: { serviceName: 'SCF_API_SERVICE' },
  release: { environmentName: 'release' },
});
const COS_DESC = JSON.stringify({ event: 'cos:ObjectCreated:*', filter: { Prefix: 'in/', Suffix: '' } });
const CKAFKA = JSON.stringify({ maxMsgNum: '50', offset: 'latest', retry: '10000', timeOut: '60' });

beforeAll(async () => {
  sim = await startFast();
  c = clientFor(sim, R);
  sim.admin.seedFunction({ region: R, functionName: 'trg', files: HELLO, publishVersions: 1 });
  sim.admin.putCosObject({ bucket: 'uploads-1250000000', key: 'in/.keep', region: R, body: Buffer.from('') });
});
afterAll(() => sim.stop());

describe('triggers', () => {
  test('when timer, apigw, cos, ckafka and cmq triggers are created, then ListTriggers and GetFunction list them', async () => {
    const t = await c.CreateTrigger({ FunctionName: 'trg', TriggerName: 'every5', Type: 'timer', TriggerDesc: TIMER, Qualifier: '$DEFAULT', CustomArgument: 'arg' });
    expect(t.TriggerInfo).toMatchObject({ Type: 'timer', TriggerName: 'every5', TriggerDesc: TIMER, Enable: 1, Qualifier: '$DEFAULT', CustomArgument: 'arg', AvailableStatus: 'Available' });
    expect(typeof t.TriggerInfo?.AddTime).toBe('string');
    await c.CreateTrigger({ FunctionName: 'trg', TriggerName: 'SCF_API_SERVICE', Type: 'apigw', TriggerDesc: APIGW, Qualifier: '$DEFAULT' });
    await c.CreateTrigger({ FunctionName: 'trg', TriggerName: 'uploads-1250000000.cos.ap-guangzhou.myqcloud.com', Type: 'cos', TriggerDesc: COS_DESC, Qualifier: '1' });
    await c.CreateTrigger({ FunctionName: 'trg', TriggerName: 'ckafka-abc123-orders', Type: 'ckafka', TriggerDesc: CKAFKA, Enable: 'CLOSE' });
    await c.CreateTrigger({ FunctionName: 'trg', TriggerName: 'queue1', Type: 'cmq' });
    const l = await c.ListTriggers({ FunctionName: 'trg', OrderBy: 'add_time', Order: 'ASC' });
    expect(l.TotalCount).toBe(5);
    expect(l.Triggers!.map((x) => `${x.Type}:${x.TriggerName}:${x.Qualifier}:${x.Enable}`)).toEqual([
      'timer:every5:$DEFAULT:1', 'apigw:SCF_API_SERVICE:$DEFAULT:1', 'cos:uploads-1250000000.cos.ap-guangzhou.myqcloud.com:1:1',
      'ckafka:ckafka-abc123-orders:$LATEST:0', 'cmq:queue1:$LATEST:1',
    ]);
    const filtered = await c.ListTriggers({ FunctionName: 'trg', Filters: [{ Name: 'Qualifier', Values: ['$DEFAULT'] }] });
    expect(filtered.TotalCount).toBe(2);
    const f = await c.GetFunction({ FunctionName: 'trg' });
    expect(f.Triggers!.map((x) => x.TriggerName).sort()).toEqual(['SCF_API_SERVICE', 'ckafka-abc123-orders', 'every5', 'queue1', 'uploads-1250000000.cos.ap-guangzhou.myqcloud.com']);
    expect((await c.GetFunction({ FunctionName: 'trg', Qualifier: '1' })).Triggers!.map((x) => x.Type)).toEqual(['cos']);
  });

  test('when a trigger is created twice or with bad parameters, then the documented errors come back', async () => {
    await expectCode(c.CreateTrigger({ FunctionName: 'trg', TriggerName: 'every5', Type: 'timer', TriggerDesc: TIMER, Qualifier: '$DEFAULT' }), 'ResourceInUse.Trigger');
    await expectCode(c.CreateTrigger({ FunctionName: 'trg', TriggerName: 'bad', Type: 'timer', TriggerDesc: 'every day' }), 'InvalidParameterValue.TriggerDesc');
    await expectCode(c.CreateTrigger({ FunctionName: 'trg', TriggerName: 'bad name!', Type: 'timer', TriggerDesc: TIMER }), 'InvalidParameterValue.TriggerName');
    await expectCode(c.CreateTrigger({ FunctionName: 'trg', TriggerName: 'x', Type: 'carrier-pigeon' }), 'InvalidParameterValue.Type');
    await expectCode(c.CreateTrigger({ FunctionName: 'trg', TriggerName: 'x2', Type: 'timer', TriggerDesc: TIMER, Enable: 'MAYBE' }), 'InvalidParameterValue.Enable');
    await expectCode(c.CreateTrigger({ FunctionName: 'trg', TriggerName: 'x3', Type: 'timer', TriggerDesc: TIMER, Qualifier: '9' }), 'ResourceNotFound.FunctionVersion');
    await expectCode(c.CreateTrigger({ FunctionName: 'trg', TriggerName: 'x4', Type: 'apigw', TriggerDesc: '{"api":{}}' }), 'InvalidParameterValue.TriggerDesc');
    await expectCode(c.CreateTrigger({ FunctionName: 'trg', TriggerName: 'x5', Type: 'ckafka', TriggerDesc: 'not json' }), 'InvalidParameterValue.TriggerDesc');
    // A COS trigger names a bucket of the function's region that exists.
    await expectCode(c.CreateTrigger({ FunctionName: 'trg', TriggerName: 'nobucket-1250000000.cos.ap-guangzhou.myqcloud.com', Type: 'cos', TriggerDesc: COS_DESC }), 'ResourceNotFound.Cos');
    await expectCode(c.CreateTrigger({ FunctionName: 'trg', TriggerName: 'uploads-1250000000.cos.ap-shanghai.myqcloud.com', Type: 'cos', TriggerDesc: COS_DESC }), 'InvalidParameterValue.TriggerName');
    await expectCode(c.CreateTrigger({ FunctionName: 'trg', TriggerName: 'uploads-1250000000.cos.ap-guangzhou.myqcloud.com', Type: 'cos', TriggerDesc: '{"event":"nope"}' }), 'InvalidParameterValue.TriggerDesc');
    await expectCode(c.CreateTrigger({ FunctionName: 'ghost', TriggerName: 'x', Type: 'timer', TriggerDesc: TIMER }), 'ResourceNotFound.Function');
    await expectCode(c.CreateTrigger({ FunctionName: 'trg', TriggerName: '', Type: 'timer' } as never), 'MissingParameter');
  });

  test('when a trigger status is updated, then it is closed and opened; UpdateTrigger changes the timer and refuses other types', async () => {
    await c.UpdateTriggerStatus({ FunctionName: 'trg', TriggerName: 'every5', Type: 'timer', Qualifier: '$DEFAULT', Enable: 'CLOSE' });
    const closed = (await c.ListTriggers({ FunctionName: 'trg', Filters: [{ Name: 'TriggerName', Values: ['every5'] }] })).Triggers![0]!;
    expect(closed.Enable).toBe(0);
    await expectCode(c.UpdateTriggerStatus({ FunctionName: 'trg', TriggerName: 'every5', Type: 'timer', Enable: 'OPEN' }), 'ResourceNotFound.Trigger');
    await expectCode(c.UpdateTriggerStatus({ FunctionName: 'trg', TriggerName: 'SCF_API_SERVICE', Type: 'apigw', Qualifier: '$DEFAULT', Enable: 'CLOSE' }), 'InvalidParameterValue.Type');
    await c.UpdateTrigger({ FunctionName: 'trg', TriggerName: 'every5', Type: 'timer', Qualifier: '$DEFAULT', Enable: 'OPEN', TriggerDesc: '0 0 */1 * * * *' });
    const t = (await c.ListTriggers({ FunctionName: 'trg', Filters: [{ Name: 'TriggerName', Values: ['every5'] }] })).Triggers![0]!;
    expect(t).toMatchObject({ Enable: 1, TriggerDesc: '0 0 */1 * * * *' });
    await expectCode(c.UpdateTrigger({ FunctionName: 'trg', TriggerName: 'queue1', Type: 'cmq', Enable: 'CLOSE' }), 'InvalidParameterValue.Type');
  });

  test('when a trigger is deleted, then it is gone; a COS trigger needs its TriggerDesc; twice answers ResourceNotFound.Trigger', async () => {
    await c.DeleteTrigger({ FunctionName: 'trg', TriggerName: 'every5', Type: 'timer', Qualifier: '$DEFAULT' });
    await expectCode(c.DeleteTrigger({ FunctionName: 'trg', TriggerName: 'every5', Type: 'timer', Qualifier: '$DEFAULT' }), 'ResourceNotFound.Trigger');
    const cosName = 'uploads-1250000000.cos.ap-guangzhou.myqcloud.com';
    await expectCode(c.DeleteTrigger({ FunctionName: 'trg', TriggerName: cosName, Type: 'cos', Qualifier: '1' }), 'InvalidParameterValue.TriggerDesc');
    await c.DeleteTrigger({ FunctionName: 'trg', TriggerName: cosName, Type: 'cos', Qualifier: '1', TriggerDesc: COS_DESC });
    expect((await c.ListTriggers({ FunctionName: 'trg' })).TotalCount).toBe(3);
  });

  test('when a function has ten triggers, then the eleventh answers LimitExceeded.Trigger', async () => {
    sim.admin.seedFunction({ region: R, functionName: 'many', files: HELLO });
    for (let i = 0; i < 10; i++) await c.CreateTrigger({ FunctionName: 'many', TriggerName: `t${i}`, Type: 'timer', TriggerDesc: TIMER });
    await expectCode(c.CreateTrigger({ FunctionName: 'many', TriggerName: 't10', Type: 'timer', TriggerDesc: TIMER }), 'LimitExceeded.Trigger');
  });
});
