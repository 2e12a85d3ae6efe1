import { REPEAT_SIGNAL_WINDOW_MS, shutdownSignalPolicy } from '../../worker/shutdown-signals';

describe('the worker process shutdown signals', () => {
  /** A clock the test moves by hand. */
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => void (t += ms) };
  };

  test('when the first signal comes, then the worker drains', () => {
    const c = clock();
    expect(shutdownSignalPolicy(c.now)()).toBe('drain');
  });

  test('when the same signal is seen again within the window (relayed by tsx), then it is ignored', () => {
    const c = clock();
    const onSignal = shutdownSignalPolicy(c.now);
    onSignal();
    expect(onSignal()).toBe('ignore');
    c.advance(REPEAT_SIGNAL_WINDOW_MS - 1);
    expect(onSignal()).toBe('ignore');
  });

  test('when a signal comes once the window since the first is over, then the worker exits at once', () => {
    const c = clock();
    const onSignal = shutdownSignalPolicy(c.now);
    onSignal();
    c.advance(200);
    expect(onSignal()).toBe('ignore'); // an ignored repeat does not restart the window
    c.advance(REPEAT_SIGNAL_WINDOW_MS - 200);
    expect(onSignal()).toBe('exit');
  });
});
