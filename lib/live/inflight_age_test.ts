// An order's in-flight age counts from its last send (lib/live/place.ts restarts it at each attempt): a
// place refused 429 waits out Retry-After and goes again; when the re-send's answer is a 5xx with nothing
// placed, the checker's threshold and then the missing grace count from the re-send, not from the first
// attempt (which would look the order up, and settle it, right after the re-send left).
import assert from "node:assert/strict";
import {
  chaosTruth,
  limitBuy,
  orderOf,
  ordersTruth,
  startedLoop,
  VENUE,
  withLoopRig,
} from "../../testing/live_loop.ts";

Deno.test("a 429 then an ambiguous re-send: queried thresholdMs after the RE-send, REJECTED missingGraceMs after the first not-found", async () => {
  await withLoopRig(async (r) => {
    // liveConfig: the checker every 2 s, thresholdMs 5 s, missingGraceMs 3 s.
    const loop = await startedLoop(r);
    // The first place: 429 with a 30 s Retry-After; then (ack faults come before the storm's gate, so
    // not together) the re-send's: a 5xx, nothing placed.
    r.s.setTrading({ storm429: { calls: 1, retryAfterS: 30 } });
    assert.deepEqual(await loop.submitOrder(VENUE, limitBuy(50_000), "c-1"), {
      ok: true,
      clientOrderId: "t1-1",
    });
    await r.pump("the 429", () => r.named("live_loop.submit_retry").length === 1);
    r.s.setTrading({ ack5xxUnplacedRate: 1 });
    // The wait in the checker's 2 s rounds, which leave an order waiting out a 429 alone (not r.step:
    // idle() would wait for the worker, asleep on the timers). The 15th ends it: the same id goes again.
    for (let i = 0; i < 15; i++) {
      r.s.tick(2_000);
      r.s.timers.advance(2_000);
    }
    await loop.idle();
    const resentAt = r.s.t.sim.clock.nowMs();
    assert.deepEqual(chaosTruth(r.s).map((l) => [l.kind, l.clientOrderId]), [
      ["storm_429", "t1-1"],
      ["ack_5xx_unplaced", "t1-1"],
    ]);
    r.s.setTrading({});
    const queries = () => r.named("live_loop.inflight_check").filter((l) => l.phase === "query");
    assert.deepEqual([orderOf(loop, "t1-1").state, queries().length], ["SUBMITTED", 0]);
    // Round by round from the re-send: ms since it, queries so far, the order's state.
    const rounds: string[] = [];
    while (orderOf(loop, "t1-1").state === "SUBMITTED" && rounds.length < 10) {
      await r.step(loop, 2_000);
      rounds.push(
        `${r.s.t.sim.clock.nowMs() - resentAt} ${queries().length} ${orderOf(loop, "t1-1").state}`,
      );
    }
    assert.deepEqual(rounds, [
      "2000 0 SUBMITTED", // aged from the first send (32 s) it would be queried here
      "4000 0 SUBMITTED",
      "6000 1 SUBMITTED", // the first round at or past thresholdMs: -2013, the grace starts
      "8000 2 SUBMITTED", // 2 s of the 3 s grace
      "10000 3 REJECTED", // 4 s after the first not-found: the grace is over
    ]);
    assert.deepEqual(queries().map((l) => l.answer), ["not_found", "not_found", "not_found"]);
    assert.equal(orderOf(loop, "t1-1").reason, "not found at the venue after the grace period");
    assert.deepEqual(ordersTruth(r.s), [], "nothing at the venue");
    assert.deepEqual(loop.snapshot().counters.orders, { "BTCUSDT|placed": 1, "BTCUSDT|rejected": 1 });
    await loop.shutdown();
  });
});
