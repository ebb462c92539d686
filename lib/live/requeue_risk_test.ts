// A never-sent order re-queued at a warm start passes the risk check against the state now (its
// intent's check was before the crash): denied, it is DENIED with the reason and never placed. Venue
// simulator over loopback through the real connector.
import assert from "node:assert/strict";
import { intent } from "../../testing/oms_records.ts";
import { crashedRun, ordersTruth, startLoopRig, U } from "../../testing/live_loop.ts";

Deno.test("a re-queued never-sent order over the notional limit is DENIED, never placed; one within the limits is sent", async () => {
  const r = await startLoopRig();
  try {
    await crashedRun(r.dir, 1, [
      intent("t1-1", 1, { price: 50_000 * U, quantity: U / 10 }), // 5,000 USDT > the 1,000 limit
      intent("t1-2", 2, { price: 50_000 * U, quantity: U / 1000 }),
    ]);
    const loop = r.make();
    assert.equal((await loop.start()).status, "ready");
    await loop.idle();
    const order = (id: string) => loop.orders().find((o) => o.clientOrderId === id)!;
    await r.pump("t1-2 acked", () => order("t1-2").state === "ACCEPTED");
    assert.deepEqual([order("t1-1").state, order("t1-1").reason], [
      "DENIED",
      "NOTIONAL_EXCEEDS_MAX_PER_ORDER: 500000000000 > 100000000000 quote atoms",
    ]);
    assert.deepEqual(ordersTruth(r.s).map((l) => l.clientOrderId), ["t1-2"], "only the allowed one placed");
    await loop.shutdown();
  } finally {
    await r.close();
  }
});
