// A cancel that does not reach the order is sent again, never dropped: one that reaches the venue before
// its order does (the place still on the wire: -2011, then the order lands) goes again once the order is
// acked; one lost on its way (a 502, unprocessed) goes again when the in-flight checker finds the order
// still open, up to `inflight.retries` times, then the order is reported stuck and stays PENDING_CANCEL
// (never put back open as if the cancel had been refused). On the venue simulator over loopback.
import assert from "node:assert/strict";
import {
  limitBuy,
  type LoopRig,
  orderOf,
  startedLoop,
  truthOf,
  VENUE,
  withLoopRig,
} from "../../testing/live_loop.ts";
import type { LiveLoop } from "./loop.ts";

/** The in-flight lines of `id` (its cancel's story), as `<level> <phase>`. */
const story = (r: LoopRig, id: string) =>
  r.named("live_loop.inflight_check").filter((l) => l.clientOrderId === id).map((l) =>
    `${l.level} ${l.phase}`
  );
const ending = (loop: LiveLoop, id: string) => [orderOf(loop, id).state, loop.snapshot().inflight];

async function acked(r: LoopRig, loop: LiveLoop): Promise<void> {
  assert.deepEqual(await loop.submitOrder(VENUE, limitBuy(50_000), "c-1"), {
    ok: true,
    clientOrderId: "t1-1",
  });
  await r.pump("t1-1 acked", () => orderOf(loop, "t1-1")?.state === "ACCEPTED");
  await loop.idle();
}

Deno.test("a cancel that reaches the venue before its order (-2011): sent again once acked; flatten on halt leaves nothing resting", async () => {
  const onWire = Promise.withResolvers<void>();
  let sent = 0;
  // The place request waits "on the wire": the venue does not know the order until it is let go.
  const taps = { beforePlace: () => (sent++, onWire.promise) };
  await withLoopRig(async (r) => {
    const loop = await startedLoop(r, { flattenOnHalt: true });
    assert.deepEqual(await loop.submitOrder(VENUE, limitBuy(50_000), "c-1"), {
      ok: true,
      clientOrderId: "t1-1",
    });
    await r.pump("the place on the wire", () => sent === 1);
    await loop.engageKillSwitch("operator stop", "admin"); // flatten on halt cancels t1-1: unknown yet
    await r.pump("its cancel refused", () => story(r, "t1-1").includes("warn cancel_refused"));
    assert.equal(orderOf(loop, "t1-1").state, "PENDING_CANCEL");
    onWire.resolve(); // the place lands: NEW at the venue
    await loop.idle();
    for (let i = 0; i < 4; i++) await r.step(loop, 2_000); // in-flight rounds past the threshold
    // Before: the checker found it NEW and put it back ACCEPTED, resting at the venue under HALTED.
    assert.deepEqual(ending(loop, "t1-1"), ["CANCELED", 0]);
    assert.deepEqual(truthOf(r, "t1-1"), ["NEW NEW", "CANCELED CANCELED"]);
    assert.deepEqual(story(r, "t1-1"), ["warn cancel_refused", "warn cancel_resent"]);
    assert.deepEqual([loop.snapshot().killSwitch?.state, loop.snapshot().counters.refusedTransitions], [
      "HALTED",
      0,
    ]);
    assert.deepEqual(loop.snapshot().counters.orders, {
      "BTCUSDT|placed": 1,
      "BTCUSDT|acknowledged": 1,
      "BTCUSDT|canceled": 1,
    });
    await loop.shutdown();
  }, { taps });
});

Deno.test("a cancel lost on its way (502, unprocessed): the checker finds the order open and cancels it again", async () => {
  await withLoopRig(async (r) => {
    const loop = await startedLoop(r);
    await acked(r, loop);
    r.s.setTrading({ burst5xx: { calls: 1 } }); // the cancel's request, and only it
    assert.deepEqual(await loop.cancelOrder(VENUE, "t1-1"), { ok: true, state: "PENDING_CANCEL" });
    for (let i = 0; i < 4; i++) await r.step(loop, 2_000);
    // Before: the checker's query said NEW and the order went back to ACCEPTED, its cancel dropped.
    assert.deepEqual(ending(loop, "t1-1"), ["CANCELED", 0]);
    assert.deepEqual(truthOf(r, "t1-1"), ["NEW NEW", "CANCELED CANCELED"]);
    assert.deepEqual(story(r, "t1-1"), ["info query", "warn cancel_resent"]);
    await loop.shutdown();
  });
});

Deno.test("a cancel that keeps getting lost: sent again up to inflight.retries, then stuck (error) in PENDING_CANCEL; an operator's cancel sends it again", async () => {
  await withLoopRig(async (r) => {
    const loop = await startedLoop(r, { inflight: { intervalMs: 2_000, thresholdMs: 5_000, retries: 2 } });
    await acked(r, loop);
    // Every other signed call fails from here: each cancel (the first and each one sent again), never a query.
    r.s.setTrading({ burst5xx: { calls: 1, everyCalls: 2 } });
    assert.deepEqual(await loop.cancelOrder(VENUE, "t1-1"), { ok: true, state: "PENDING_CANCEL" });
    for (let i = 0; i < 12; i++) await r.step(loop, 2_000);
    assert.deepEqual(ending(loop, "t1-1"), ["PENDING_CANCEL", 1]);
    assert.deepEqual(truthOf(r, "t1-1"), ["NEW NEW"]);
    const s = story(r, "t1-1");
    assert.deepEqual(s.slice(0, 7), [
      "info query",
      "warn cancel_resent",
      "info query",
      "warn cancel_resent",
      "info query",
      "error stuck",
      "info query", // still looked at (a fill, or an end, is learnt), no more cancels
    ]);
    assert.deepEqual(s.filter((x) => x !== "info query").length, 3);
    const stuck = r.named("live_loop.inflight_check").find((l) => l.phase === "stuck")!;
    assert.equal(stuck.cancels, 3);
    // The venue answers again: the operator's cancel of the stuck order goes out and ends it.
    r.s.setTrading({});
    assert.deepEqual(await loop.cancelOrder(VENUE, "t1-1"), { ok: true, state: "CANCELED" });
    assert.deepEqual(truthOf(r, "t1-1"), ["NEW NEW", "CANCELED CANCELED"]);
    await loop.shutdown();
  });
});
