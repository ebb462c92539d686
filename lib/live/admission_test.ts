// Admission: concurrent submits are checked one at a time against the book plus the orders admitted
// whose intents are not durable yet, and their intents share fsyncs (group commit).
import assert from "node:assert/strict";
import { OmsBook } from "../oms/book.ts";
import { intent, newOrder } from "../../testing/oms_records.ts";
import { limitBuy, riskLimits, startLoopRig, SYMBOL, U, VENUE } from "../../testing/live_loop.ts";
import { exposure } from "./admission.ts";

Deno.test("exposure: book orders and admitted ones not yet in the book, each counted once", () => {
  const book = new OmsBook();
  book.apply(intent("a-1", 1, { symbol: SYMBOL, side: "BUY", quantity: 5 }));
  const admitted = new Map([
    ["a-1", newOrder("a-1", { symbol: SYMBOL, side: "BUY", quantity: 5 })], // applied meanwhile
    ["a-2", newOrder("a-2", { symbol: SYMBOL, side: "SELL", quantity: 7 })],
    ["a-3", newOrder("a-3", { symbol: "ETHUSDT", side: "BUY", quantity: 11 })],
  ]);
  assert.deepEqual(exposure(book, admitted, SYMBOL), { buy: 5, sell: 7, open: 3 });
  assert.deepEqual(exposure(book, new Map(), SYMBOL), { buy: 5, sell: 0, open: 1 });
});

Deno.test("concurrent submits: the limit counts admitted intents not yet durable, and the intents share fsyncs", async () => {
  const r = await startLoopRig();
  try {
    const loop = r.make({ risk: riskLimits({ maxOpenOrders: 5 }) });
    await loop.start();
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    await loop.idle();
    const before = loop.snapshot().store.fsync.count;
    const all = await Promise.all(
      Array.from({ length: 6 }, (_, i) => loop.submitOrder(VENUE, limitBuy(50_000), `c-${i + 1}`)),
    );
    // Admission is microtask work, a sync is I/O: the first intent's group is written in its own
    // tick; the other four are all appended before that sync ends, so they make up the next group.
    const syncs = loop.snapshot().store.fsync.count - before;
    assert.deepEqual(all, [
      ...[1, 2, 3, 4, 5].map((k) => ({ ok: true, clientOrderId: `t1-${k}` })),
      { ok: false, reason: "MAX_OPEN_ORDERS", detail: "5 open, limit 5" },
    ]);
    assert.equal(syncs, 2, "five intents, two fsyncs");
    await loop.idle();
    assert.deepEqual(loop.orders().map((o) => [o.clientOrderId, o.state]), [
      ...[1, 2, 3, 4, 5].map((k) => [`t1-${k}`, "ACCEPTED"]),
    ]);
    await loop.shutdown();
  } finally {
    await r.close();
  }
});

Deno.test("concurrent submits: the position and rate limits also count admitted intents not yet durable", async () => {
  const r = await startLoopRig();
  try {
    const cases = [
      [
        { maxPosition: { [SYMBOL]: 2 * (U / 1000) } },
        "POSITION_EXCEEDS_MAX",
        "position would reach 300000, limit 200000 base atoms",
      ],
      [{ maxOrdersPerSecond: 2 }, "RATE_LIMIT_EXCEEDED", "2 orders in the last second, limit 2"],
    ] as const;
    let n = 0;
    for (const [limits, reason, detail] of cases) {
      const loop = r.make({ risk: riskLimits(limits) });
      await loop.start({ coldStart: true });
      await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
      const all = await Promise.all(
        [1, 2, 3].map((i) => loop.submitOrder(VENUE, limitBuy(50_000), `c-${i}`)),
      );
      assert.deepEqual(all, [
        { ok: true, clientOrderId: `t1-${++n}` },
        { ok: true, clientOrderId: `t1-${++n}` },
        { ok: false, reason, detail },
      ]);
      await loop.idle();
      // The next case starts clean: the cold start cancels nothing (it does not look at the venue),
      // so these two are canceled here.
      for (const o of loop.orders()) {
        if (o.state === "ACCEPTED") await loop.cancelOrder(VENUE, o.clientOrderId);
      }
      await loop.shutdown();
      r.s.tick(2_000); // past the rate window
    }
  } finally {
    await r.close();
  }
});
