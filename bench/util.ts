/** Small helpers shared by the bench modules. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The simulator counts calls in fixed one-second windows of its wall clock (same machine, same
 * clock): every way starts 20 ms into a fresh window so that no way inherits another's count and
 * every run sees the same window alignment.
 */
export async function startOfNextWindow(): Promise<void> {
  const now = Date.now();
  await sleep(1000 - (now % 1000) + 20);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const round = (x: number, digits = 2) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Runs `count` tasks with at most `concurrency` in flight. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}
