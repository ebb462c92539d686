// One user action, one end: a cancel of an order never sent ends it CANCELED, counted in
// live_loop_orders_total{event="canceled"}, whether the order waited in the queue (INITIALIZED) or was
// held by the worker (a 429's wait: held.ts). And the gauges say where each order is: a held order is not
// in flight (live_loop_inflight_orders counts orders SENT whose outcome is unknown), a queued one is in
// the queue. On the venue simulator over loopback; the gauges as a scrape renders them.
import assert from "node:assert/strict";
import { limitBuy, orderOf, startedLoop, VENUE, withLoopRig } from "../../testing/live_loop.ts";
import { PLACE_ROUTE } from "../sim/trading/trading_chaos.ts";
import type { LiveLoop } from "./loop.ts";
import { createLiveMetrics } from "./metrics.ts";

/** The scrape's samples of the queue, in-flight and canceled-orders series. */
async function gauges(loop: LiveLoop): Promise<string[]> {
  const body = await createLiveMetrics(() => loop.snapshot(), 0).registry.metrics();
  const names = ["live_loop_submission_queue_depth", "live_loop_inflight_orders", "live_loop_orders_total"];
  return body.split("\n").filter((l) =>
    names.some((n) => l.startsWith(n + " ") || l.startsWith(n + "{")) &&
    (!l.startsWith("live_loop_orders_total") || l.includes('event="canceled"'))
  );
}

Deno.test("a queued order canceled ends CANCELED and is counted canceled, as a held one; a held order is not in flight", async () => {
  await withLoopRig(async (r) => {
    const loop = await startedLoop(r);
    r.s.setTrading({ storm429: { calls: 1, retryAfterS: 30, routes: [PLACE_ROUTE] } });
    assert.deepEqual(await loop.submitOrder(VENUE, limitBuy(50_000), "c-1"), {
      ok: true,
      clientOrderId: "t1-1",
    });
    await r.pump("its 429", () => r.named("live_loop.submit_retry").length === 1); // t1-1 held: waits it out
    assert.deepEqual(await loop.submitOrder(VENUE, limitBuy(50_000), "c-2"), {
      ok: true,
      clientOrderId: "t1-2",
    });
    // Before: live_loop_inflight_orders 1 (the held t1-1, never at the venue).
    assert.deepEqual(await gauges(loop), [
      'live_loop_orders_total{venue="binance-spot",symbol="BTCUSDT",event="canceled"} 0',
      "live_loop_submission_queue_depth 1",
      "live_loop_inflight_orders 0",
    ]);
    // Before: t1-2 ended DENIED and nothing counted it; t1-1 CANCELED and counted.
    assert.deepEqual(await loop.cancelOrder(VENUE, "t1-2"), { ok: true, state: "CANCELED" });
    assert.deepEqual(await loop.cancelOrder(VENUE, "t1-1"), { ok: true, state: "CANCELED" });
    for (const id of ["t1-1", "t1-2"]) {
      assert.deepEqual([orderOf(loop, id).state, orderOf(loop, id).reason], [
        "CANCELED",
        "canceled before it was sent",
      ]);
    }
    assert.deepEqual(await gauges(loop), [
      'live_loop_orders_total{venue="binance-spot",symbol="BTCUSDT",event="canceled"} 2',
      "live_loop_submission_queue_depth 0",
      "live_loop_inflight_orders 0",
    ]);
    assert.deepEqual(loop.snapshot().counters.riskDenials, {});
    await loop.shutdown();
  });
});
