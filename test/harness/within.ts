/**
 * Bounds a wait on something outside the test's control (a process starting or exiting, a release
 * ending) so that a hang fails with a message naming what did not happen, and, when `output` is given,
 * what the process had said by then. It bounds a hang; it is no timing assertion.
 */
export function within<T>(promise: Promise<T>, ms: number, what: string, output?: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms${output ? `; output:\n${output()}` : ''}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
