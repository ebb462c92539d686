// FEED_CLOCK=sim: the feed runs on the simulator's clock, so it waits for the simulator to answer
// GET SIM_CLOCK_URL, retrying with capped backoff and one log line per attempt.
import type { Logger } from "../log.ts";
import { type FeedClock, simClock, wallClock } from "./clock.ts";
import { backoffDelayMs } from "../async/backoff.ts";
import { sleep } from "../async/sleep.ts";

export interface ClockWaitOptions {
  readonly baseMs?: number;
  readonly maxMs?: number;
  readonly fetch?: typeof fetch;
}

/** Resolves with the simulator's clock, or null when `signal` aborts first. */
export async function waitForSimClock(
  url: string,
  signal: AbortSignal,
  log: Logger,
  opts: ClockWaitOptions = {},
): Promise<FeedClock | null> {
  const backoff = { baseMs: opts.baseMs ?? 250, maxMs: opts.maxMs ?? 5000, jitter: "none" } as const;
  for (let attempt = 1; !signal.aborted; attempt++) {
    const delay = backoffDelayMs(attempt - 1, backoff);
    try {
      return await simClock(url, opts.fetch);
    } catch (err) {
      log("warn", "simulator clock not answering; retrying", {
        url,
        attempt,
        retryInMs: delay,
        error: err instanceof Error ? err.message : String(err),
      });
    }
    await sleep(delay, signal);
  }
  return null;
}

/** The clock a config asks for: the simulator's (waiting for it) or the wall clock. */
export function feedClockFor(
  kind: "sim" | "wall",
  url: string,
  signal: AbortSignal,
  log: Logger,
  opts: ClockWaitOptions = {},
): Promise<FeedClock | null> {
  return kind === "sim" ? waitForSimClock(url, signal, log, opts) : Promise.resolve(wallClock);
}
