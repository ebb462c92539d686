// Reconciliation's safety net: an order the OMS holds closed that the venue still works (what a lost
// cancel, or an order sent after its end, leaves) is asked for by client id and, open indeed, canceled at
// the venue by its client id and the reconciliation failed: no trading, /health 503 saying why; the next
// one finds it closed there and trades. So does any event the OMS refuses while the
// reconciliation applies the venue's view (a fill of a closed order), never dropped as if all agreed.
// The inconsistencies are set up on purpose: orders placed at the venue simulator through the connector,
// a state dir whose log (a crashed run) says otherwise.
import assert from "node:assert/strict";
import { ev, intent, newOrder } from "../../testing/oms_records.ts";
import {
  crashedRun,
  type LoopRig,
  restingAtVenue,
  SYMBOL,
  truthOf,
  U,
  VENUE,
  withLoopRig,
} from "../../testing/live_loop.ts";
import { judgeHealth } from "./health.ts";
import type { LiveLoop } from "./loop.ts";

const AT = { price: 50_000 * U, quantity: U / 1000 };
const SENT = "cancel sent (CANCELED)";

/** /health on the loop's own view (the feed and the limiters fine): its code and reasons. */
function health(loop: LiveLoop, r: LoopRig) {
  const h = judgeHealth({
    view: loop.snapshot(),
    feed: { ok: true, error: null, lastBarAgeMs: 0 },
    clientLimiter: { utilisation: 0, saturatedKeys: [] },
    adminLimiter: { utilisation: 0, saturatedKeys: [] },
    startedMs: r.s.t.sim.clock.nowMs(),
    heartbeatStaleMs: 30_000,
  });
  return [h.code, h.body.reasons.filter((x) => x.startsWith("reconciliation"))];
}

Deno.test("orders the OMS holds closed, open at the venue: the warm start's reconciliation fails saying so, no trading", async () => {
  await withLoopRig(async (r) => {
    const ids = [
      await restingAtVenue(r, newOrder("t1-1", AT)),
      await restingAtVenue(r, newOrder("t1-2", AT)),
    ];
    assert.deepEqual(ids, [1, 2]);
    await crashedRun(r.dir, 1, [
      intent("t1-1", 1, AT),
      ev("t1-1", { kind: "submitted" }),
      ev("t1-1", { kind: "accepted", venueOrderId: 1 }),
      ev("t1-1", { kind: "canceled" }), // its cancel never reached it
      intent("t1-2", 2, AT),
      ev("t1-2", { kind: "denied", reason: "canceled before it was sent" }), // then sent all the same
    ]);
    const loop = r.make();
    const v = await loop.start();
    // Before: "ready", the plan's ack of t1-2 refused and dropped, t1-1 not looked at: both rest unseen.
    assert.deepEqual([v.status, v.reconciliation.state], ["not_trading", "failed"]);
    assert.deepEqual(v.reconciliation.report, [
      "queried: t1-1: NEW",
      `problem: t1-1 is CANCELED in the OMS but open at the venue (venue order 1, NEW): ${SENT}`,
      "queried: t1-2: NEW",
      `problem: t1-2 is DENIED in the OMS but open at the venue (venue order 2, NEW): ${SENT}`,
      `failed: 2 problem(s): problem: t1-1 is CANCELED in the OMS but open at the venue (venue order 1, NEW): ${SENT}`,
    ]);
    assert.deepEqual(health(loop, r), [503, [
      `reconciliation: reconciliation failed: 2 problem(s): problem: t1-1 is CANCELED in the OMS but open at the venue (venue order 1, NEW): ${SENT}`,
    ]]);
    const denied = await loop.submitOrder(
      VENUE,
      { symbol: SYMBOL, side: "BUY", type: "LIMIT", ...AT },
      "c-9",
    );
    assert.equal(denied.ok === false && denied.reason, "NOT_TRADING");
    // Before: both still NEW there, and nothing in the loop could cancel them.
    assert.deepEqual(
      [truthOf(r, "t1-1"), truthOf(r, "t1-2")],
      [["NEW NEW", "CANCELED CANCELED"], ["NEW NEW", "CANCELED CANCELED"]],
    );
    assert.deepEqual(
      r.named("live_loop.reconciliation").filter((l) => l.phase === "closed_open_cancel")
        .map((l) => [l.level, l.clientOrderId, l.state, l.answer]),
      [["error", "t1-1", "CANCELED", "CANCELED"], ["error", "t1-2", "DENIED", "CANCELED"]],
    );
    const again = await loop.reconcileNow();
    assert.deepEqual([again.status, again.reconciliation.report], ["ready", [
      "baseline: the venue's balances at the first start",
      "succeeded: venue and OMS agree",
    ]]);
    await loop.shutdown();
  });
});

Deno.test("a fill the OMS refuses during a reconciliation (a REJECTED order filled at the venue) fails it", async () => {
  await withLoopRig(async (r) => {
    r.s.tick(1_000); // prints flowing: a MARKET order takes at the last one
    const out = await r.s.spot.place({
      symbol: SYMBOL,
      side: "BUY",
      type: "MARKET",
      clientOrderId: "t1-1",
      quantity: "0.00100000",
    });
    assert.ok(out.kind === "confirmed" && out.value.status === "FILLED");
    await crashedRun(r.dir, 1, [
      intent("t1-1", 1, { type: "MARKET", timeInForce: null, price: null, quantity: U / 1000 }),
      ev("t1-1", { kind: "submitted" }),
      ev("t1-1", { kind: "accepted", venueOrderId: out.value.orderId }),
      ev("t1-1", { kind: "cancel_requested" }),
      ev("t1-1", { kind: "rejected", reason: "a wrong end, on purpose" }),
    ]);
    const loop = r.make();
    const v = await loop.start();
    // Before: "ready", the fill refused (a warn line) and the reconciliation "agreed".
    assert.deepEqual([v.status, v.reconciliation.state], ["not_trading", "failed"]);
    assert.equal(
      v.reason,
      "reconciliation failed: 1 problem(s): problem: t1-1: fill refused (the order is REJECTED)",
    );
    assert.deepEqual(r.named("live_loop.transition_refused").map((l) => [l.clientOrderId, l.event, l.via]), [
      ["t1-1", "fill", "reconciliation"],
    ]);
    assert.equal(health(loop, r)[0], 503);
    await loop.shutdown();
  });
});

Deno.test("a REJECTED order resting at the venue: canceled there by the reconciliation, the next one ready, never adopted", async () => {
  await withLoopRig(async (r) => {
    const at = { price: 61_000 * U, quantity: U / 1000 }; // above the prints: it fills once they flow
    await restingAtVenue(r, newOrder("t1-1", at));
    await crashedRun(r.dir, 1, [
      intent("t1-1", 1, at),
      ev("t1-1", { kind: "submitted" }),
      ev("t1-1", { kind: "rejected", reason: "not found at the venue after the grace period" }),
    ]);
    const loop = r.make();
    const v = await loop.start();
    assert.deepEqual([v.status, v.reason], [
      "not_trading",
      `reconciliation failed: 1 problem(s): problem: t1-1 is REJECTED in the OMS but open at the venue (venue order 1, NEW): ${SENT}`,
    ]);
    assert.deepEqual(truthOf(r, "t1-1"), ["NEW NEW", "CANCELED CANCELED"]);
    // Before: it rested, filled once prints flowed, and the next reconciliation adopted the fill as
    // external-1 (position 0.001 BTC the OMS never asked for) and traded on.
    r.s.tick(1_000);
    await r.step(loop, 2_000);
    const again = await loop.reconcileNow();
    assert.deepEqual([again.status, again.reconciliation.report], ["ready", [
      "baseline: the venue's balances at the first start",
      "succeeded: venue and OMS agree",
    ]]);
    assert.deepEqual(loop.orders().map((o) => [o.clientOrderId, o.origin, o.state]), [[
      "t1-1",
      "local",
      "REJECTED",
    ]]);
    assert.deepEqual(loop.snapshot().positions.map((p) => [p.symbol, p.qty]), [[SYMBOL, 0]]);
    assert.deepEqual(r.named("live_loop.adopt_order"), []);
    await loop.shutdown();
  });
});
