import assert from "node:assert/strict";
import { BINANCE_SPOT_LIMITS } from "../trading/rate_limits.ts";
import { connectorLimiterView, WindowLimiter } from "./limiters.ts";

Deno.test("connector limiter view: the busiest venue counter, saturated keys, a Retry-After block", () => {
  const l = BINANCE_SPOT_LIMITS;
  assert.deepEqual(connectorLimiterView({ counts: {}, blockedUntilMs: 0 }, l, 1000), {
    utilisation: 0,
    saturatedKeys: [],
  });
  assert.deepEqual(
    connectorLimiterView(
      { counts: { "used-weight-1m": 1500, "order-count-10s": 50 }, blockedUntilMs: 0 },
      l,
      1000,
    ),
    { utilisation: 1, saturatedKeys: ["order-count-10s"] },
  );
  assert.deepEqual(connectorLimiterView({ counts: { "used-weight-1m": 3000 }, blockedUntilMs: 0 }, l, 1000), {
    utilisation: 0.5,
    saturatedKeys: [],
  });
  assert.deepEqual(connectorLimiterView({ counts: {}, blockedUntilMs: 5000 }, l, 1000), {
    utilisation: 1,
    saturatedKeys: ["retry_after"],
  });
  assert.deepEqual(connectorLimiterView({ counts: {}, blockedUntilMs: 5000 }, l, 5000).saturatedKeys, []);
});

Deno.test("window limiter: max per key per sliding window, refusals book nothing, keys age out and are capped", () => {
  const w = new WindowLimiter(3, 10_000, 2);
  assert.deepEqual([1, 2, 3, 4].map((i) => w.take("a", i * 1000)), [true, true, true, false]);
  assert.deepEqual(w.view(4000), { utilisation: 1, saturatedKeys: ["a"] });
  assert.equal(w.retryAfterMs("a", 4000), 7000);
  assert.equal(w.take("a", 10_999), false, "the first request is still inside the window");
  assert.equal(w.take("a", 11_000), true, "the first one aged out");
  assert.equal(w.take("b", 11_000), true);
  assert.deepEqual(w.view(11_000), { utilisation: 1, saturatedKeys: ["a"] });
  assert.equal(w.take("c", 11_500), true);
  assert.deepEqual(w.view(11_500), { utilisation: 1 / 3, saturatedKeys: [] }, "a evicted: at most 2 keys");
  assert.deepEqual(w.view(60_000), { utilisation: 0, saturatedKeys: [] });
  assert.equal(w.retryAfterMs("b", 60_000), 0);
});
