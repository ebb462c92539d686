// Warm starts against the venue simulator over loopback, each after a state a crash (or the venue)
// left: the exact reconciliation steps, the venue's orders/fills truth equal to the OMS, and no client
// order id placed twice. Seed 11 from SIM_START_MS: a sell print at +65 ms fills a buy resting at 60000.
import assert from "node:assert/strict";
import { ev, intent } from "../../testing/oms_records.ts";
import {
  assertOmsEqualsTruth,
  crashedRun,
  type LoopRig,
  orderOf,
  SYMBOL,
  truthOf,
  U,
  VENUE,
  withLoopRig,
} from "../../testing/live_loop.ts";
import { requestOf } from "../oms/venue_map.ts";
import { BASELINE_FILE } from "./ledger.ts";

const AT = { price: 50_000 * U, quantity: U / 1000 };
const FILLS_AT = { price: 60_000 * U, quantity: U / 1000 };

/** The balance baseline of the sim's fresh paper account (10,000 USDT), as a first start records it. */
const baseline = (r: LoopRig) =>
  Deno.writeTextFileSync(
    `${r.dir}/${BASELINE_FILE}`,
    JSON.stringify({ atMs: 0, holdings: { USDT: 10_000 * U } }),
  );

Deno.test("crash between intent and send: the never-sent order is requeued with its id and placed once", async () => {
  await withLoopRig(async (r) => {
    await crashedRun(r.dir, 1, [intent("t1-1", 1, AT)]);
    const loop = r.make();
    const v = await loop.start();
    assert.deepEqual([v.status, v.store.recovery, v.reconciliation.last], ["ready", "crashed_recovered", {
      requeued: 1,
      succeeded: 1,
    }]);
    await loop.idle();
    await r.pump("the ack", () => orderOf(loop, "t1-1").state === "ACCEPTED");
    assert.deepEqual(r.named("live_loop.requeue_order").map((l) => l.clientOrderId), ["t1-1"]);
    assert.deepEqual(truthOf(r, "t1-1"), ["NEW NEW"]);
    assert.equal(orderOf(loop, "t1-1").correlationId, "corr-t1-1", "the intent's correlation id travels on");
    assertOmsEqualsTruth(loop.orders(), r.s);
    // The next new order takes the next id past the restored counter.
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    const next = await loop.submitOrder(VENUE, { symbol: SYMBOL, side: "BUY", type: "LIMIT", ...AT }, "c-2");
    assert.deepEqual(next, { ok: true, clientOrderId: "t1-2" });
    await loop.shutdown();
  });
});

Deno.test("crash after send, before the ack (the order filled meanwhile): not re-sent; the query finds it, its fill applied once", async () => {
  await withLoopRig(async (r) => {
    await crashedRun(r.dir, 1, [intent("t1-1", 1, FILLS_AT), ev("t1-1", { kind: "submitted" })]);
    baseline(r);
    // What the crashed run sent: the venue has it, then the +65 ms print fills it.
    const sent = requestOf({ ...intentOrder("t1-1", FILLS_AT) });
    assert.equal((await r.s.spot.place(sent)).kind, "confirmed");
    r.s.tick(100);
    const loop = r.make();
    const v = await loop.start();
    assert.equal(v.status, "ready", String(v.reason));
    assert.deepEqual(v.reconciliation.last, { queried: 1, resolved: 1, missed_fill: 1, succeeded: 1 });
    assert.deepEqual(v.reconciliation.report, [
      "queried: t1-1: FILLED",
      "resolved: t1-1 accepted",
      "missed_fill: t1-1 fill",
      "succeeded: venue and OMS agree",
    ]);
    assert.deepEqual([orderOf(loop, "t1-1").state, orderOf(loop, "t1-1").tradeIds], ["FILLED", [1]]);
    assert.deepEqual(truthOf(r, "t1-1"), ["NEW NEW", "TRADE FILLED"], "placed once");
    assertOmsEqualsTruth(loop.orders(), r.s);
    await loop.shutdown();
    // Again: the fill is known by its trade id; nothing is applied twice.
    const again = r.make();
    assert.deepEqual((await again.start()).reconciliation.last, { succeeded: 1 });
    assert.equal(r.named("live_loop.register_fill").length, 1);
    await again.shutdown();
  });
});

/** The order an intent record of `id` makes (what requestOf needs). */
function intentOrder(id: string, more: { price: number; quantity: number }) {
  return {
    clientOrderId: id,
    symbol: SYMBOL,
    side: "BUY" as const,
    type: "LIMIT" as const,
    timeInForce: "GTC" as const,
    ...more,
    reduceOnly: false,
    origin: "local" as const,
    strategy: "rs01",
    correlationId: `corr-${id}`,
    state: "SUBMITTED" as const,
    venueOrderId: null,
    filledQty: 0,
    filledQuote: 0,
    tradeIds: [],
    reason: null,
  };
}

Deno.test("an orphan at the venue is adopted as EXTERNAL; risk counts it", async () => {
  await withLoopRig(async (r) => {
    r.s.setTrading({
      orphans: [{ id: "A1", symbol: SYMBOL, side: "BUY", price: "900.00", quantity: "0.02" }],
    });
    const loop = r.make();
    const v = await loop.start();
    assert.deepEqual([v.status, v.reconciliation.last], ["ready", { adopted: 1, applied: 1, succeeded: 1 }]);
    const o = orderOf(loop, "web_A1");
    assert.deepEqual([o.origin, o.state, o.strategy, o.quantity, o.price, o.venueOrderId], [
      "external",
      "ACCEPTED",
      "external",
      2 * U / 100,
      900 * U,
      1,
    ]);
    assert.deepEqual(r.named("live_loop.adopt_order").map((l) => [l.clientOrderId, l.venueOrderId]), [[
      "web_A1",
      1,
    ]]);
    assert.equal(loop.snapshot().openOrders, 1);
    await loop.idle();
    assertOmsEqualsTruth(loop.orders(), r.s);
    await loop.shutdown();
  });
});

Deno.test("a vanished order is settled by its query (EXPIRED); one sent but absent waits out the grace, then REJECTED", async () => {
  await withLoopRig(async (r) => {
    await crashedRun(r.dir, 1, [
      intent("t1-1", 1, AT),
      ev("t1-1", { kind: "submitted" }),
      intent("t1-2", 2, AT), // sent, but the request never reached the venue
      ev("t1-2", { kind: "submitted" }),
    ]);
    baseline(r);
    const placed = await r.s.spot.place(requestOf(intentOrder("t1-1", AT)));
    assert.equal(
      placed.kind === "confirmed" && r.s.t.venue.vanish(placed.value.orderId, r.s.t.sim.clock.nowMs()),
      true,
    );
    const loop = r.make();
    const starting = loop.start();
    // The grace (3 s) runs on the test's clock: once t1-2's query said not found, move it on 3 s.
    await r.pump("the grace wait", () => r.named("live_loop.reconciliation").some((l) => l.phase === "wait"));
    assert.deepEqual(
      r.named("live_loop.reconciliation").filter((l) => l.phase === "wait").map((
        l,
      ) => [l.clientOrderId, l.waitMs]),
      [["t1-2", 3_000]],
    );
    r.s.tick(3_000);
    r.s.timers.advance(3_000);
    const v = await starting;
    assert.equal(v.status, "ready", String(v.reason));
    assert.deepEqual([orderOf(loop, "t1-1").state, orderOf(loop, "t1-1").reason], ["EXPIRED", "EXPIRED"]);
    assert.deepEqual([orderOf(loop, "t1-2").state, orderOf(loop, "t1-2").reason], [
      "REJECTED",
      "not found at the venue after the grace period",
    ]);
    assert.equal(v.reconciliation.last.resolved, 3, "t1-1 accepted + expired, t1-2 rejected");
    assert.deepEqual(truthOf(r, "t1-2"), [], "never re-sent");
    assertOmsEqualsTruth(loop.orders(), r.s);
    await loop.shutdown();
  });
});

Deno.test("a fill while the loop was down is applied once at the warm start; balances agree", async () => {
  await withLoopRig(async (r) => {
    const loop = r.make();
    await loop.start();
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    const sub = await loop.submitOrder(
      VENUE,
      { symbol: SYMBOL, side: "BUY", type: "LIMIT", ...FILLS_AT },
      "c-1",
    );
    assert.deepEqual(sub, { ok: true, clientOrderId: "t1-1" });
    await loop.idle();
    assert.deepEqual(await loop.shutdown(), { open: ["t1-1"], queued: [] });
    r.s.tick(100); // filled while nobody listens
    const again = r.make();
    const v = await again.start();
    assert.deepEqual([v.status, v.reconciliation.last], ["ready", {
      queried: 1,
      missed_fill: 1,
      succeeded: 1,
    }]);
    assert.deepEqual([orderOf(again, "t1-1").state, orderOf(again, "t1-1").tradeIds], ["FILLED", [1]]);
    assertOmsEqualsTruth(again.orders(), r.s);
    assert.deepEqual(v.positions.map((p) => p.qty), [U / 1000]);
    await again.shutdown();
  });
});

Deno.test("a quarantined state never trades and says why; balances that differ fail the reconciliation", async () => {
  await withLoopRig(async (r) => {
    await crashedRun(r.dir, 2, [intent("t1-1", 1, AT)]); // run 1 is missing: a gap
    const loop = r.make();
    const v = await loop.start();
    assert.deepEqual([v.status, v.store.recovery, v.reason], [
      "not_trading",
      "quarantined",
      "state quarantined: no snapshot, and the log starts at run 2: runs before it are lost",
    ]);
    const denied = await loop.submitOrder(VENUE, { symbol: SYMBOL, side: "BUY", type: "LIMIT", ...AT }, "c");
    assert.equal(denied.ok ? "" : denied.reason, "NOT_TRADING");
    await loop.shutdown();
    Deno.removeSync(`${r.dir}/log`, { recursive: true });
    Deno.writeTextFileSync(
      `${r.dir}/${BASELINE_FILE}`,
      JSON.stringify({ atMs: 0, holdings: { USDT: 9_000 * U } }),
    );
    const other = r.make();
    const v2 = await other.start();
    assert.deepEqual([v2.status, v2.reconciliation.state, v2.reason], [
      "not_trading",
      "failed",
      "reconciliation failed: balances differ from the OMS: USDT: venue 1000000000000 atoms, OMS expects 900000000000",
    ]);
    await other.shutdown();
  });
});
