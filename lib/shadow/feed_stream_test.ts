import assert from "node:assert/strict";
import { backoffDelayMs, sleep } from "./feed_stream.ts";

Deno.test("backoff doubles from the base, is capped, and jitters into [50 %, 100 %]", () => {
  assert.deepEqual([0, 1, 2, 3, 10, 99].map((a) => backoffDelayMs(a, 250, 30_000, 1)), [
    250,
    500,
    1000,
    2000,
    30_000,
    30_000,
  ]);
  assert.equal(backoffDelayMs(2, 250, 30_000, 0), 500);
  assert.equal(backoffDelayMs(2, 250, 30_000, 0.5), 750);
});

Deno.test("sleep ends at once when aborted and leaves no timer behind", async () => {
  const c = new AbortController();
  const p = sleep(3_600_000, c.signal);
  c.abort();
  await p;
  await sleep(1, AbortSignal.abort());
});
