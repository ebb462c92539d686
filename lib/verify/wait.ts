// Bounded polling: every wait in a proof has a deadline and an injectable clock/sleep.

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** Polls `check` every `everyMs` until it returns a value that is not undefined, the deadline passes or `signal` aborts. */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 500,
  clock: Clock = realClock,
  signal?: AbortSignal,
): Promise<T | undefined> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (clock.now() >= deadline || signal?.aborted) return undefined;
    await clock.sleep(Math.min(everyMs, Math.max(0, deadline - clock.now())));
  }
}
