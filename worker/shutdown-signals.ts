/**
 * What a SIGINT/SIGTERM means to the standalone worker (worker/main.ts). The first starts the drain. A
 * signal sent to the process group (Ctrl-C) can reach the worker twice under tsx (directly, and relayed
 * by tsx when the worker's acknowledgement is late): a repeat within REPEAT_SIGNAL_WINDOW_MS of the first
 * is that, not a request to force the exit. A later one exits at once.
 */
export const REPEAT_SIGNAL_WINDOW_MS = 1000;

export type SignalAction = 'drain' | 'ignore' | 'exit';

/** One per process: call the returned function on each signal. `now` is injectable for tests. */
export function shutdownSignalPolicy(now: () => number = Date.now): () => SignalAction {
  let firstAt: number | undefined;
  return () => {
    if (firstAt === undefined) {
      firstAt = now();
      return 'drain';
    }
    return now() - firstAt < REPEAT_SIGNAL_WINDOW_MS ? 'ignore' : 'exit';
  };
}
