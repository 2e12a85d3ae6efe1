/** The trigger activities against the simulator, through the real SDK: idempotent and error-mapped. */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities/activities';
import type { TriggerSpec } from '../../activities/trigger-contract';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { failureOf } from '../harness/failure-of';
import { tempDir } from './fake-scf';
import { activitiesOnSimulator } from './simulator-activities';

const fn = { region: 'ap-guangzhou', namespace: 'default', functionName: 'trig' };
const timer: TriggerSpec = { type: 'timer', name: 'nightly', qualifier: '$DEFAULT', desc: '0 0 2 * * * *', enabled: true, customArgument: 'x' };
let sim: RunningSimulator;
let acts: ReturnType<typeof createActivities>;
const run = <A, R>(f: (a: A) => Promise<R>, a: A) => new MockActivityEnvironment().run(f as (a: A) => Promise<R>, a) as Promise<R>;

beforeAll(async () => {
  sim = await startSimulator({ delays: { createMs: 20, updateMs: 20, publishMs: 20, deleteMs: 20 } });
  sim.admin.seedFunction({ region: fn.region, functionName: fn.functionName });
  acts = activitiesOnSimulator(sim, tempDir());
});
afterAll(() => sim.stop());

describe('trigger activities', () => {
  test('when a trigger is created twice, then the second run reports created: false and listTriggers shows it once', async () => {
    expect(await run(acts.createTrigger, { fn, trigger: timer })).toEqual({ created: true });
    expect(await run(acts.createTrigger, { fn, trigger: timer })).toEqual({ created: false });
    expect(await run(acts.listTriggers, { fn })).toEqual([timer]);
  });

  test('when the same trigger exists with another TriggerDesc, then createTrigger fails non-retryably with ResourceInUse.Trigger', async () => {
    const f = await failureOf(run(acts.createTrigger, { fn, trigger: { ...timer, desc: '0 0 3 * * * *' } }));
    expect(f).toMatchObject({ type: 'ResourceInUse.Trigger', nonRetryable: true });
    expect(f.message).toContain('0 0 2 * * * *');
  });

  test('when a trigger is deleted twice, or on a function that is gone, then each run succeeds', async () => {
    await run(acts.deleteTrigger, { fn, trigger: timer });
    await run(acts.deleteTrigger, { fn, trigger: timer });
    expect(await run(acts.listTriggers, { fn })).toEqual([]);
    await run(acts.deleteTrigger, { fn: { ...fn, functionName: 'gone' }, trigger: timer });
  });

  test('when CreateTrigger is refused, then the failure is typed by the Tencent code and not retryable', async () => {
    const f = await failureOf(run(acts.createTrigger, { fn, trigger: { ...timer, name: 'bad', desc: 'soon' } }));
    expect(f).toMatchObject({ type: 'InvalidParameterValue.TriggerDesc', nonRetryable: true });
  });
});
