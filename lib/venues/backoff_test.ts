import assert from "node:assert/strict";
import { backoffConfig } from "./backoff.ts";

Deno.test("backoffConfig: rejects settings that would never back off", () => {
  assert.deepEqual(backoffConfig(250, 30_000), { baseMs: 250, maxMs: 30_000 });
  assert.throws(() => backoffConfig(0, 10), /BACKOFF_BASE_MS must be a whole number >= 1, got 0/);
  assert.throws(() => backoffConfig(500, 100), /BACKOFF_MAX_MS must be a whole number >= BACKOFF_BASE_MS/);
});
