// The venue's ack is applied once written (records.ts): the book shows ACCEPTED while the record has
// had no sync, and a snapshot of the book (saved after each reconciliation) waits until every record
// it includes is durable, so it never names a record a crash could lose.
import assert from "node:assert/strict";
import { loadSnapshot } from "../oms/snapshot.ts";
import { riskLimits, startLoopRig, SYMBOL, U, VENUE } from "../../testing/live_loop.ts";

Deno.test("an ack applied before its sync; the snapshot after a reconciliation covers only durable records", async () => {
  const r = await startLoopRig();
  try {
    const loop = r.make({ risk: riskLimits() });
    await loop.start();
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    await r.pump("stream up", () => loop.snapshot().stream.state === "up");
    const res = await loop.submitOrder(VENUE, {
      symbol: SYMBOL,
      side: "BUY",
      type: "LIMIT",
      quantity: U / 1000,
      price: 50_000 * U,
    }, "c-1");
    assert.deepEqual(res, { ok: true, clientOrderId: "t1-1" });
    await r.pump(
      "acked by the answer and the stream",
      () =>
        r.named("live_loop.order_processed").filter((l) => l.event === "accepted").length === 1 &&
        loop.orders()[0]?.state === "ACCEPTED",
    );
    await loop.idle();
    // run_start, intent + submitted (one sync), then the ack(s), applied once written, not synced.
    const durable = loop.snapshot().store.durableSeq;
    assert.equal(durable, 3);
    await loop.reconcileNow();
    const snap = await loadSnapshot(r.dir);
    const s = "snapshot" in snap ? snap.snapshot : null;
    assert.ok(s, `a snapshot: ${JSON.stringify(snap)}`);
    assert.ok(s.seq > durable, "it includes the ack");
    assert.ok(s.seq <= loop.snapshot().store.durableSeq, "and every record it includes is durable");
    assert.deepEqual(s.book.orders.map((o) => [o.clientOrderId, o.state]), [["t1-1", "ACCEPTED"]]);
    await loop.shutdown();
  } finally {
    await r.close();
  }
});
