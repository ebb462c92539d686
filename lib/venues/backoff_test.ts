import assert from "node:assert/strict";
import { backoffConfig, backoffDelayMs } from "./backoff.ts";

Deno.test("backoffDelayMs: full jitter over a doubling ceiling, capped at max", () => {
  const half = () => 0.5;
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, 250, 30_000, half)), [
    125,
    250,
    500,
    1000,
    2000,
    4000,
  ]);
  assert.deepEqual([7, 8, 50, 2000].map((n) => backoffDelayMs(n, 250, 30_000, half)), [
    15000,
    15000,
    15000,
    15000,
  ]);
  assert.equal(backoffDelayMs(3, 250, 30_000, () => 0), 0);
  assert.equal(backoffDelayMs(3, 250, 30_000, () => 0.999), 1998);
  // A broken random source never yields NaN or a negative sleep.
  assert.equal(backoffDelayMs(0, 250, 30_000, () => NaN), 250);
  assert.equal(backoffDelayMs(0, 250, 30_000, () => -3), 0);
});

Deno.test("backoffConfig: rejects settings that would never back off", () => {
  assert.deepEqual(backoffConfig(250, 30_000), { baseMs: 250, maxMs: 30_000 });
  assert.throws(() => backoffConfig(0, 10), /BACKOFF_BASE_MS must be a whole number >= 1, got 0/);
  assert.throws(() => backoffConfig(500, 100), /BACKOFF_MAX_MS must be a whole number >= BACKOFF_BASE_MS/);
});
