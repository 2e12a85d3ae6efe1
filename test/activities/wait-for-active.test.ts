import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment as BaseMockEnv } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { FunctionInfo } from '../../activities/contract';
import { RateLimiter } from '../../activities/rate-limiter';
import { activitiesWith, sdkError } from './fake-scf';

/** The mock environment, without its WARN line for every expected activity failure. */
class MockActivityEnvironment extends BaseMockEnv {
  constructor() {
    super(undefined, { logger: new DefaultLogger('ERROR') });
  }
}

const fn = { region: 'ap-guangzhou', namespace: 'default', functionName: 'hello' };

function statuses(...seq: Array<string | Error>) {
  let i = 0;
  return (action: string) => {
    if (action !== 'GetFunction') throw new Error(`unexpected ${action}`);
    const s = seq[Math.min(i++, seq.length - 1)];
    if (s instanceof Error) throw s;
    return { Status: s, Handler: 'index.main_handler', StatusReasons: s === 'UpdateFailed' ? [{ ErrorCode: 'InstallDependencyFailed', ErrorMessage: 'npm failed' }] : [], RequestId: 'r' };
  };
}

describe('waitForActive', () => {
  test('when the function goes Updating → Active, then it returns and heartbeats each poll', async () => {
    const { activities, calls } = activitiesWith(statuses('Updating', 'Updating', 'Active'));
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (d) => beats.push(d));
    const info = (await env.run(activities.waitForActive, { fn, maxWaitMs: 5000 })) as FunctionInfo;
    expect(info.status).toBe('Active');
    expect(calls).toHaveLength(3);
    expect(beats).toHaveLength(3);
    expect(beats[0]).toMatchObject({ status: 'Updating', polls: 1 });
  });

  test('when a version qualifier is given, then GetFunction asks for that version', async () => {
    const { activities, calls } = activitiesWith(statuses('Publishing', 'Active'));
    await new MockActivityEnvironment().run(activities.waitForActive, { fn, qualifier: '3', maxWaitMs: 5000 });
    expect(calls.every((c) => c.req.Qualifier === '3')).toBe(true);
  });

  test('when the function ends UpdateFailed, then a non-retryable FunctionUpdateFailed carries the StatusReasons', async () => {
    const { activities } = activitiesWith(statuses('Updating', 'UpdateFailed'));
    const err = await new MockActivityEnvironment().run(activities.waitForActive, { fn, maxWaitMs: 5000 }).catch((e: ApplicationFailure) => e) as ApplicationFailure;
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err.type).toBe('FunctionUpdateFailed');
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toContain('InstallDependencyFailed');
    expect((err.details?.[0] as { statusReasons: unknown }).statusReasons).toEqual([{ errorCode: 'InstallDependencyFailed', errorMessage: 'npm failed' }]);
  });

  test.each(['CreateFailed', 'PublishFailed', 'DeleteFailed'])('when the function ends %s, then the failure is non-retryable Function%s', async (s) => {
    const { activities } = activitiesWith(statuses(s));
    const err = await activities.waitForActive({ fn, maxWaitMs: 1000 }).catch((e) => e);
    expect(err.type).toBe(`Function${s}`);
    expect(err.nonRetryable).toBe(true);
  });

  test('when it stays Updating past maxWaitMs, then a non-retryable WaitForActiveTimeout names the state', async () => {
    const { activities } = activitiesWith(statuses('Updating'));
    // The fake stays Updating forever: only the 200 ms bound can end this wait.
    const err = await activities.waitForActive({ fn, maxWaitMs: 200 }).catch((e) => e);
    expect(err.type).toBe('WaitForActiveTimeout');
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toContain('still Updating');
  });

  test('when the wait policy expects the transition to take firstPollMs, then the first GetFunction comes after it and the next ones in short steps', async () => {
    jest.useFakeTimers();
    try {
      const { activities, calls } = activitiesWith(statuses('Updating', 'Updating', 'Active'), {
        waitPolicy: { firstPollMs: 300, initialMs: 100, factor: 1.5, maxMs: 2500 },
      });
      const env = new MockActivityEnvironment();
      let outcome: unknown = 'still running';
      void env.run(activities.waitForActive, { fn, maxWaitMs: 60_000 }).then((info) => (outcome = info));
      await jest.advanceTimersByTimeAsync(299);
      expect(calls).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(calls).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(100);
      expect(calls).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(150);
      expect(calls).toHaveLength(3);
      expect(outcome).toMatchObject({ status: 'Active' });
    } finally {
      jest.useRealTimers();
    }
  });

  test('when the activity is cancelled mid-wait, then it stops at once with a CancelledFailure and polls no more', async () => {
    // Fake timers: the clock moves only when the test moves it, so "at once" means "before the next
    // poll was due", whatever the machine's speed.
    jest.useFakeTimers();
    try {
      const { activities, calls } = activitiesWith(statuses('Updating'), { waitPolicy: { initialMs: 1000, maxMs: 1000 } });
      const env = new MockActivityEnvironment();
      // The activity heartbeats after each poll, just before it sleeps until the next one.
      const waiting = new Promise((resolve) => env.once('heartbeat', resolve));
      let outcome: unknown = 'still running';
      void env.run(activities.waitForActive, { fn, maxWaitMs: 60_000 }).then(
        () => (outcome = 'returned'),
        (err: unknown) => (outcome = err),
      );
      await waiting;
      env.cancel();
      // Just short of the next poll: only an interrupted sleep can have ended the wait by now.
      await jest.advanceTimersByTimeAsync(999);
      expect(outcome).toBeInstanceOf(CancelledFailure);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(calls).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });

  test('when the activity is cancelled during an SCF call, then the in-flight request is aborted', async () => {
    let sawAbort = false;
    let inFlight!: () => void;
    const called = new Promise<void>((resolve) => (inFlight = resolve));
    const { activities } = activitiesWith((_a, _r, signal) => new Promise((_resolve, reject) => {
      signal?.addEventListener('abort', () => {
        sawAbort = true;
        reject(new Error('The user aborted a request.'));
      });
      inFlight();
    }));
    const env = new MockActivityEnvironment();
    const p = env.run(activities.waitForActive, { fn, maxWaitMs: 60_000 });
    await called;
    env.cancel();
    const err = await p.catch((e) => e);
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(sawAbort).toBe(true);
  });

  test('when GetFunction is briefly throttled, then the gateway absorbs it and the limiter slows down', async () => {
    const limiter = new RateLimiter();
    const { activities } = activitiesWith(statuses(sdkError('RequestLimitExceeded'), 'Active'), { limiter });
    const info = await activities.waitForActive({ fn, maxWaitMs: 5000 });
    expect(info.status).toBe('Active');
    expect(limiter.stats('test', 'GetFunction').throttles).toBe(1);
    expect(limiter.stats('test', 'GetFunction').rate).toBeLessThan(limiter.rateFor('GetFunction'));
  });

  test('when the function does not exist, then getFunction says exists=false and waitForActive fails non-retryably', async () => {
    const { activities } = activitiesWith(statuses(sdkError('ResourceNotFound.Function')));
    expect(await activities.getFunction({ fn })).toEqual({ exists: false });
    const err = await activities.waitForActive({ fn, maxWaitMs: 1000 }).catch((e) => e);
    expect(err.type).toBe('ResourceNotFound.Function');
    expect(err.nonRetryable).toBe(true);
  });
});
