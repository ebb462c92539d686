// assertOmsEqualsTruth reads an order's state from its last truth line, never from a REFUSED line: a place
// refused because an open order holds its client id (-2010) changed no order (lib/sim/trading/truth.ts).
import assert from "node:assert/strict";
import {
  assertOmsEqualsTruth,
  limitBuy,
  orderOf,
  startedLoop,
  truthOf,
  VENUE,
  withLoopRig,
} from "./live_loop.ts";

Deno.test("assertOmsEqualsTruth: a duplicate client id's REFUSED line is not the order's state", async () => {
  await withLoopRig(async (r) => {
    const loop = await startedLoop(r);
    await loop.submitOrder(VENUE, limitBuy(50_000), "c-1");
    await loop.idle();
    await r.pump("the ack", () => orderOf(loop, "t1-1")?.state === "ACCEPTED");
    const again = await r.s.spot.place({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      clientOrderId: "t1-1",
      quantity: "0.00100000",
      price: "50000.00",
    });
    assert.deepEqual(again.kind === "rejected" && [again.reason, again.code], ["duplicate_client_id", -2010]);
    assert.deepEqual(truthOf(r, "t1-1"), ["NEW NEW", "REFUSED undefined"]);
    assertOmsEqualsTruth(loop.orders(), r.s);
    await loop.shutdown();
  });
});
