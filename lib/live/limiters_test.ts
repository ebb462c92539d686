import assert from "node:assert/strict";
import { BINANCE_SPOT_LIMITS } from "../trading/rate_limits.ts";
import { combinedView, connectorLimiterView } from "./limiters.ts";

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

Deno.test("combined view: the busiest limiter's utilisation, saturated keys prefixed and sorted", () => {
  assert.deepEqual(combinedView([]), { utilisation: 0, saturatedKeys: [] });
  assert.deepEqual(
    combinedView([
      ["", { utilisation: 0.5, saturatedKeys: [] }],
      ["drill:", { utilisation: 1, saturatedKeys: ["127.0.0.1"] }],
      ["", { utilisation: 1, saturatedKeys: ["unauthenticated"] }],
    ]),
    { utilisation: 1, saturatedKeys: ["drill:127.0.0.1", "unauthenticated"] },
  );
});
