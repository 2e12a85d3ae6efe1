/**
 * What the server does after the fact (visibility, a parent-close policy) is eventually consistent:
 * poll `fn` until `check` passes or the time is up, and return the last value for the assertion.
 * `fn` may be synchronous (a simulator's own state).
 */
export async function eventually<T>(fn: () => T | Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
