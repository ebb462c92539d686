// Reconnect delays: capped exponential backoff with full jitter (AWS architecture blog,
// "Exponential Backoff And Jitter"): delay = random() * min(max, base * 2^attempt).
// Pure: the random source is a parameter so tests can pin the sequence.

/** Delay before reconnect attempt `attempt` (0 = first retry), whole ms in [0, min(max, base*2^attempt)). */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  const r = random();
  // A broken random source must not produce NaN or negative sleeps.
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 1;
  return Math.floor(unit * ceiling);
}

/** Backoff settings as read from config (BACKOFF_BASE_MS, BACKOFF_MAX_MS). */
export interface BackoffConfig {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Validates backoff settings; RangeError names the bad one. */
export function backoffConfig(baseMs: number, maxMs: number): BackoffConfig {
  if (!Number.isInteger(baseMs) || baseMs < 1) {
    throw new RangeError(`BACKOFF_BASE_MS must be a whole number >= 1, got ${baseMs}`);
  }
  if (!Number.isInteger(maxMs) || maxMs < baseMs) {
    throw new RangeError(
      `BACKOFF_MAX_MS must be a whole number >= BACKOFF_BASE_MS (${baseMs}), got ${maxMs}`,
    );
  }
  return { baseMs, maxMs };
}
