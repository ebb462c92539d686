// Reconnect backoff settings from config (the delay itself is lib/async/backoff.ts, full jitter).

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
