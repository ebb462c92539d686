// Orders the loop holds without their being at the venue (held.ts): waiting out a 429's Retry-After, or
// kept back while a reconciliation runs. Canceled (the cancel API, flatten on halt, cancel on shutdown)
// or left at a shutdown, each ends at once, durably, never sent and without a venue cancel; the counters
// and gauges agree and a warm start afterwards finds nothing to do. On the venue simulator over loopback.
import assert from "node:assert/strict";
import { type LoopRig, ordersTruth, startLoopRig, SYMBOL, U, VENUE } from "../../testing/live_loop.ts";
import { runPath } from "../oms/boot.ts";
import { readLog } from "../oms/log_record.ts";
import { REC } from "../oms/records.ts";
import type { LiveLoop, OrderSpec } from "./loop.ts";

const buy: OrderSpec = { symbol: SYMBOL, side: "BUY", type: "LIMIT", quantity: U / 1000, price: 50_000 * U };
const order = (loop: LiveLoop, id: string) => loop.orders().find((o) => o.clientOrderId === id)!;
const ending = (loop: LiveLoop, id: string) => [order(loop, id).state, order(loop, id).reason];
const gauges = (loop: LiveLoop) => {
  const v = loop.snapshot();
  return {
    queueDepth: v.queueDepth,
    inflight: v.inflight,
    openOrders: v.openOrders,
    orders: v.counters.orders,
  };
};
/** What reached the venue's order routes: nothing, for an order it never saw (no cancel either). */
const orderCalls = (r: LoopRig) => r.s.t.restCalls.filter((c) => c.endsWith("/api/v3/order"));
/** The order's events in run `run`'s log, as the next boot replays them. */
const logged = (r: LoopRig, run: number, id: string) =>
  readLog(Deno.readFileSync(runPath(r.dir, run))).records
    .filter((x) => x.type === REC.event && (x.data as { clientOrderId: string }).clientOrderId === id)
    .map((x) => (x.data as { event: { kind: string } }).event.kind);

async function withRig(body: (r: LoopRig) => Promise<void>): Promise<void> {
  const r = await startLoopRig();
  try {
    await body(r);
  } finally {
    await r.close();
  }
}

async function started(r: LoopRig, more = {}): Promise<LiveLoop> {
  const loop = r.make(more);
  assert.equal((await loop.start()).status, "ready");
  await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
  await r.pump("stream up", () => loop.snapshot().stream.state === "up");
  return loop;
}

/** Submits t1-1 as a reconciliation begins (its reads held): the order is held, SUBMITTED, never sent. */
async function heldByReconciliation(r: LoopRig, loop: LiveLoop): Promise<{ rec: Promise<unknown> }> {
  r.s.setTrading({ holdSignedReads: true });
  const sub = loop.submitOrder(VENUE, buy, "c-1"); // goes at once: its intent's sync runs ...
  const rec = loop.reconcileNow(); // ... when the reconciliation starts
  assert.deepEqual(await sub, { ok: true, clientOrderId: "t1-1" });
  await r.pump("t1-1 held", () => loop.snapshot().queueDepth === 1);
  assert.deepEqual([loop.snapshot().status, order(loop, "t1-1").state], ["reconciling", "SUBMITTED"]);
  // Queued, not in flight (never sent): before, it counted in both gauges.
  assert.deepEqual([loop.snapshot().queueDepth, loop.snapshot().inflight], [1, 0]);
  return { rec }; // wrapped: an async function returning it would wait for it
}

/** Lets the held reconciliation read the venue and finish. */
function releaseReads(r: LoopRig): void {
  r.s.setTrading({});
  r.s.t.venue.chaosReloaded();
}

/** A warm start on the rig's state: ready, the venue agrees, nothing queued, queried or re-sent. */
async function warmAgrees(r: LoopRig, prev: LiveLoop): Promise<void> {
  const again = r.make();
  const v = await again.start();
  await again.idle();
  assert.deepEqual([v.status, v.reconciliation.last, v.queueDepth], ["ready", { succeeded: 1 }, 0]);
  assert.deepEqual(again.orders(), prev.orders());
  await again.shutdown();
}

Deno.test("cancel while waiting out a 429: CANCELED at once, never resent, no venue cancel; a warm start agrees", async () => {
  await withRig(async (r) => {
    const loop = await started(r);
    r.s.setTrading({ storm429: { calls: 1, retryAfterS: 30 } });
    assert.deepEqual(await loop.submitOrder(VENUE, buy, "c-1"), { ok: true, clientOrderId: "t1-1" });
    await r.pump("the 429", () => r.named("live_loop.submit_retry").length === 1);
    // Before: PENDING_CANCEL, a venue cancel refused, then "stuck" in flight for good.
    assert.deepEqual(await loop.cancelOrder(VENUE, "t1-1"), { ok: true, state: "CANCELED" });
    r.s.tick(30_000);
    r.s.timers.advance(30_000); // the wait ends: the worker finds it taken
    await loop.idle();
    await r.step(loop, 10_000); // in-flight rounds: nothing to look up
    assert.deepEqual(ending(loop, "t1-1"), ["CANCELED", "canceled before it was sent"]);
    assert.deepEqual([ordersTruth(r.s), orderCalls(r)], [[], ["POST /binance/api/v3/order"]]);
    assert.deepEqual(gauges(loop), {
      queueDepth: 0,
      inflight: 0,
      openOrders: 0,
      orders: { "BTCUSDT|placed": 1, "BTCUSDT|canceled": 1 }, // placed: the 429'd request left
    });
    assert.deepEqual(r.named("live_loop.inflight_check"), []);
    assert.deepEqual(await loop.shutdown(), { open: [], queued: [] });
    assert.deepEqual(logged(r, 1, "t1-1"), ["submitted", "canceled"]);
    await warmAgrees(r, loop);
  });
});

Deno.test("flatten on halt while a reconciliation holds an order: CANCELED at once, never sent after it", async () => {
  await withRig(async (r) => {
    const loop = await started(r, { flattenOnHalt: true });
    const { rec } = await heldByReconciliation(r, loop);
    await loop.engageKillSwitch("operator stop", "admin");
    await r.pump("t1-1 canceled", () => order(loop, "t1-1").state === "CANCELED");
    releaseReads(r);
    await rec;
    await loop.idle();
    assert.equal(loop.snapshot().reconciliation.state, "done");
    assert.deepEqual(ending(loop, "t1-1"), ["CANCELED", "canceled before it was sent"]);
    assert.deepEqual([ordersTruth(r.s), orderCalls(r)], [[], []]);
    assert.deepEqual(gauges(loop), {
      queueDepth: 0,
      inflight: 0,
      openOrders: 0,
      orders: { "BTCUSDT|canceled": 1 },
    });
    assert.deepEqual(await loop.shutdown(), { open: [], queued: [] });
    assert.deepEqual(logged(r, 1, "t1-1"), ["submitted", "canceled"]);
    await warmAgrees(r, loop);
  });
});

Deno.test("shutdown while a reconciliation holds an order: canceled (cancel on shutdown) or REJECTED as never placed; never open", async () => {
  for (const cancelOnShutdown of [true, false]) {
    await withRig(async (r) => {
      const loop = await started(r, { cancelOnShutdown });
      const { rec } = await heldByReconciliation(r, loop);
      const down = loop.shutdown();
      releaseReads(r);
      await rec;
      // Before (no cancel): SUBMITTED and listed open; the next start queried it and waited out the grace.
      assert.deepEqual(await down, { open: [], queued: [] });
      assert.deepEqual(
        ending(loop, "t1-1"),
        cancelOnShutdown
          ? ["CANCELED", "canceled before it was sent"]
          : ["REJECTED", "never placed, not sent: shutdown"],
      );
      assert.deepEqual([ordersTruth(r.s), orderCalls(r)], [[], []]);
      assert.deepEqual(gauges(loop), {
        queueDepth: 0,
        inflight: 0,
        openOrders: 0,
        orders: { [`BTCUSDT|${cancelOnShutdown ? "canceled" : "rejected"}`]: 1 },
      });
      assert.deepEqual(logged(r, 1, "t1-1"), ["submitted", cancelOnShutdown ? "canceled" : "rejected"]);
      await warmAgrees(r, loop);
    });
  }
});

Deno.test("a cancel of an order whose place never reached the venue: not found, the grace, then CANCELED (not stuck)", async () => {
  await withRig(async (r) => {
    const loop = await started(r);
    r.s.setTrading({ ack5xxUnplacedRate: 1 });
    await loop.submitOrder(VENUE, buy, "c-1");
    await loop.idle();
    r.s.setTrading({});
    assert.deepEqual(await loop.cancelOrder(VENUE, "t1-1"), { ok: true, state: "PENDING_CANCEL" });
    for (let t = 0; t < 20_000 && order(loop, "t1-1").state === "PENDING_CANCEL"; t += 2_000) {
      await r.step(loop, 2_000);
    }
    assert.deepEqual(ending(loop, "t1-1"), ["CANCELED", "missing at the venue after the grace period"]);
    assert.deepEqual(
      r.named("live_loop.inflight_check").filter((l) => l.phase === "stuck"),
      [],
      "before: reported stuck, PENDING_CANCEL for good",
    );
    assert.deepEqual(ordersTruth(r.s), []);
    assert.deepEqual([loop.snapshot().inflight, loop.snapshot().counters.orders["BTCUSDT|canceled"]], [0, 1]);
    await loop.shutdown();
  });
});
