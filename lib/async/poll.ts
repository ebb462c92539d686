// The one polling family: every wait in a proof, a launcher or a test has a deadline, an injectable
// clock/sleep, and (waitFor, waitForValue, withDeadline) an error naming what it waited for when the
// deadline passes. pollUntil is the base; it returns undefined at the deadline for callers that
// report the miss themselves.
import { sleep } from "./sleep.ts";

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => sleep(ms),
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

export interface WaitOptions {
  /** Default 30000. */
  readonly timeoutMs?: number;
  /** Default 20. */
  readonly everyMs?: number;
  readonly clock?: Clock;
}

/** pollUntil that throws `timed out after N ms waiting for <what>` instead of returning undefined. */
export async function waitForValue<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  opts: WaitOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const v = await pollUntil(async () => await check(), timeoutMs, opts.everyMs ?? 20, opts.clock);
  if (v === undefined) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  return v;
}

/** Waits until `cond` holds; throws `timed out after N ms waiting for <what>` at the deadline. */
export async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  opts: WaitOptions = {},
): Promise<void> {
  await waitForValue(what, async () => (await cond()) || undefined, opts);
}

/**
 * `promise`, or a rejection `timed out after N ms waiting for <what>` at the deadline (the promise
 * itself is not cancelled: the caller cleans up, e.g. kills the child it was waiting on).
 */
export async function withDeadline<T>(what: string, promise: Promise<T>, timeoutMs = 30_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
