import { RateLimiter, TokenBucket } from '../../activities/rate-limiter';

const bucketOpts = (now: () => number = () => performance.now()) => ({
  burstSeconds: 0.1,
  minFraction: 0.1,
  decrease: 0.5,
  decreaseCooldownMs: 500,
  recoveryDelayMs: 1000,
  recoverPerSecond: 0.1,
  now,
});

describe('rate limiter', () => {
  test('when a burst of calls arrives, then tokens are granted at the configured rate after a 0.1 s burst', async () => {
    // Fake timers fake performance.now() too: the bucket's clock and its wake-up timers move together.
    jest.useFakeTimers();
    try {
      const bucket = new TokenBucket(50, bucketOpts());
      let granted = 0;
      const all = Promise.all(Array.from({ length: 30 }, () => bucket.acquire().then(() => granted++)));
      const grantedAfter = async (ms: number) => {
        await jest.advanceTimersByTimeAsync(ms);
        return granted;
      };
      // 50/s with a 5-token burst: 5 at once, then one every 20 ms.
      expect(await grantedAfter(0)).toBe(5);
      expect(await grantedAfter(100)).toBe(10);
      expect(await grantedAfter(300)).toBe(25);
      expect(await grantedAfter(100)).toBe(30);
      await all;
    } finally {
      jest.useRealTimers();
    }
  });

  test('when the documented limits apply, then each action gets its own rate (x share x headroom)', () => {
    const limiter = new RateLimiter({ share: 0.5 });
    expect(limiter.rateFor('UpdateFunctionCode')).toBeCloseTo(100 * 0.5 * 0.9);
    expect(limiter.rateFor('PublishVersion')).toBeCloseTo(20 * 0.5 * 0.9);
    expect(limiter.rateFor('CreateFunction')).toBeCloseTo(10 * 0.5 * 0.9);
    expect(limiter.rateFor('InvokeFunction')).toBeCloseTo(10000 * 0.5 * 0.9);
    expect(limiter.rateFor('ListFunctions')).toBeCloseTo(20 * 0.5 * 0.9);
  });

  test('when accounts or actions differ, then they do not share a bucket', async () => {
    jest.useFakeTimers();
    try {
      const limiter = new RateLimiter({ limits: { GetFunction: 1 }, headroom: 1 });
      await limiter.acquire('a', 'GetFunction'); // a/GetFunction is now empty for a second
      let granted = false;
      const others = Promise.all([limiter.acquire('b', 'GetFunction'), limiter.acquire('a', 'GetAlias')]).then(() => (granted = true));
      await jest.advanceTimersByTimeAsync(0); // no time passes: only tokens already there can be granted
      expect(granted).toBe(true);
      await others;
    } finally {
      jest.useRealTimers();
    }
  });

  test('when SCF throttles, then the rate halves once per cooldown and recovers gradually', () => {
    let now = 0;
    const b = new TokenBucket(20, bucketOpts(() => now));
    b.onThrottle();
    expect(b.stats().rate).toBeCloseTo(10);
    b.onThrottle(); // same burst: ignored
    expect(b.stats().rate).toBeCloseTo(10);
    now += 600;
    b.onThrottle();
    expect(b.stats().rate).toBeCloseTo(5);
    for (let i = 0; i < 10; i++) {
      b.onThrottle();
      now += 600;
    }
    expect(b.stats().rate).toBeGreaterThanOrEqual(2); // floor: 10% of base
    const floor = b.stats().rate;
    now += 1000 + 2000; // recovery starts 1 s after the last decrease, 10% of base per second
    expect(b.stats().rate).toBeGreaterThan(floor);
    now += 20_000;
    expect(b.stats().rate).toBeCloseTo(20);
    expect(b.stats().throttles).toBe(13);
  });

  test('when the activity is cancelled while waiting for a token, then the wait rejects at once and the queue moves on', async () => {
    jest.useFakeTimers();
    try {
      const bucket = new TokenBucket(2, bucketOpts());
      await bucket.acquire(); // takes the one burst token
      const ac = new AbortController();
      const waiting = bucket.acquire(ac.signal);
      let nextGranted = false;
      const next = bucket.acquire().then(() => (nextGranted = true));
      ac.abort(new Error('cancelled by test'));
      await expect(waiting).rejects.toThrow('cancelled by test'); // no time has passed
      // The next waiter gets the token the cancelled one would have had: 1/2 s after the first.
      await jest.advanceTimersByTimeAsync(499);
      expect(nextGranted).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(nextGranted).toBe(true);
      await next;
      expect(bucket.stats().waiting).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  test('when the signal is already aborted, then acquire rejects without taking a token', async () => {
    const limiter = new RateLimiter();
    const ac = new AbortController();
    ac.abort(new Error('gone'));
    await expect(limiter.acquire('acct', 'GetFunction', ac.signal)).rejects.toThrow('gone');
    expect(limiter.stats('acct', 'GetFunction').granted).toBe(0);
  });

  test('when share is outside (0, 1], then the limiter refuses it', () => {
    expect(() => new RateLimiter({ share: 0 })).toThrow();
    expect(() => new RateLimiter({ share: 1.5 })).toThrow();
  });

  test('when the worker\'s share changes, then existing and new buckets take the new rate, and a slowdown after a throttle keeps its fraction', () => {
    let now = 0;
    const limiter = new RateLimiter({ now: () => now });
    const publish = limiter.bucket('acct', 'PublishVersion');
    limiter.onThrottle('acct', 'PublishVersion'); // halved: 9/s of 18/s
    expect(publish.stats()).toMatchObject({ baseRate: 18, rate: 9 });
    limiter.setShare(0.5);
    expect(limiter.currentShare()).toBe(0.5);
    expect(publish.stats()).toMatchObject({ baseRate: 9, rate: 4.5 });
    expect(limiter.bucket('acct', 'GetFunction').stats().baseRate).toBeCloseTo(45);
    now += 60_000; // recovery: back to the new base, not the old one
    expect(publish.stats().rate).toBeCloseTo(9);
    expect(() => limiter.setShare(0)).toThrow();
  });
});
