/**
 * Runs `fn` over `items` with at most `limit` in flight. After the first failure no new item starts,
 * but every item already in flight is allowed to finish before the first failure is rethrown: a
 * compensation must never start while a mutation it could undo is still running.
 * Deterministic in a workflow: completions arrive in history order.
 */
export async function forEachBounded<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let firstError: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (!firstError && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (error) {
        firstError ??= { error };
      }
    }
  };
  const lanes = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (firstError) throw firstError.error;
}
