// The one abortable sleep. It RESOLVES (never rejects) after `ms`, or at once when `signal` aborts
// (or already has); either way its timer and listener are gone afterwards. Callers that loop check
// `signal.aborted` after it, so a stop request ends their loop without an exception to catch.

/** setTimeout/clearTimeout, injectable so tests (and the venue connection's fake clock) drive time. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): ReturnType<typeof setTimeout>;
  clearTimeout(id: ReturnType<typeof setTimeout>): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
};

/** Resolves after `ms`, or as soon as `signal` aborts; never rejects, never leaves a timer behind. */
export function sleep(ms: number, signal?: AbortSignal, timers: Timers = realTimers): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      timers.clearTimeout(id);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const id = timers.setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
