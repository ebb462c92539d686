// A reconciliation and the places on the wire: it reads the venue only once no place is out and the last
// answer is in the book (else a taker's fill, in myTrades under a venue order id the book does not know
// yet, was adopted as EXTERNAL and then counted again when the answer came), and a resend after a 429
// waits for it to end. On the venue simulator over loopback; seed 11: prints near 60000 after +65 ms.
import assert from "node:assert/strict";
import { startConnectorSim } from "../../testing/binance_connector.ts";
import {
  assertOmsEqualsTruth,
  liveConfig,
  ordersTruth,
  startLoopRig,
  SYMBOL,
  U,
  VENUE,
} from "../../testing/live_loop.ts";
import { waitFor } from "../async/poll.ts";
import type { Timers } from "../async/sleep.ts";
import { LiveLoop, type OrderSpec } from "./loop.ts";

const buy = (price: number): OrderSpec => ({
  symbol: SYMBOL,
  side: "BUY",
  type: "LIMIT",
  quantity: U / 1000,
  price: price * U,
});
const states = (loop: LiveLoop) =>
  loop.orders().map((o) => [o.clientOrderId, o.origin, o.state, o.filledQty]);

Deno.test("a reconciliation while a taker's place awaits its answer: it waits for the answer; no EXTERNAL twin, the fill counted once", async () => {
  let holding = false, out = 0, release = () => {};
  const answer = new Promise<void>((r) => release = r);
  // The place reaches the venue (filled there at once); its answer is held on the way back.
  const slow: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    if (holding && init?.method === "POST" && String(input).endsWith("/api/v3/order")) {
      out++;
      await answer;
    }
    return res;
  };
  const s = await startConnectorSim({ fetch: slow });
  const dir = Deno.makeTempDirSync({ prefix: "tp_recon_wire_" });
  const lines: Record<string, unknown>[] = [];
  try {
    // The connector's default timeout (the held answer must not time out on a slow machine), so a grace past it.
    const loop = new LiveLoop(liveConfig(dir, { missingGraceMs: 12_000 }), {
      venue: s.spot,
      now: () => s.t.sim.clock.nowMs(),
      localMs: () => s.t.sim.clock.nowMs(),
      timers: s.timers as unknown as Timers,
      logger: (level, msg, fields) => lines.push({ level, msg, ...fields }),
    });
    assert.equal((await loop.start()).status, "ready");
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: s.t.sim.clock.nowMs() });
    s.tick(100); // prints near 60000: a buy at 61000 takes
    s.setTrading({ userStreamStall: true }); // the stream says nothing (as while it is down)
    holding = true;
    assert.deepEqual(await loop.submitOrder(VENUE, buy(61_000), "c-1"), { ok: true, clientOrderId: "t1-1" });
    await waitFor("the place out", () => out === 1, { everyMs: 1 });
    assert.deepEqual(ordersTruth(s).map((l) => `${l.clientOrderId} ${l.status}`), [
      "t1-1 NEW",
      "t1-1 FILLED",
    ]);
    const reads = s.t.restCalls.length;
    const rec = loop.reconcileNow();
    await waitFor("reconciling", () => loop.snapshot().reconciliation.state === "running", { everyMs: 1 });
    assert.deepEqual([states(loop), s.t.restCalls.slice(reads)], [[["t1-1", "local", "SUBMITTED", 0]], []]);
    release();
    const v = await rec;
    await loop.idle();
    // Before: "adopted: external-1 venue order 1 (known by its fills) as EXTERNAL", then t1-1 FILLED too:
    // a position of 0.002 BTC for 0.001 bought, and the next reconciliation failed on the balances.
    assert.deepEqual([v.status, v.reconciliation.report], ["ready", ["succeeded: venue and OMS agree"]]);
    assert.deepEqual(states(loop), [["t1-1", "local", "FILLED", U / 1000]]);
    assert.deepEqual(loop.snapshot().positions.map((p) => [p.symbol, p.qty]), [[SYMBOL, U / 1000]]);
    assertOmsEqualsTruth(loop.orders(), s);
    const again = await loop.reconcileNow();
    assert.deepEqual([again.status, again.reconciliation.last], ["ready", { succeeded: 1 }]);
    await loop.shutdown();
  } finally {
    release();
    await s.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a resend after a 429 waits for a running reconciliation: held, never on the wire during it, sent after with the same id", async () => {
  const r = await startLoopRig();
  try {
    const loop = r.make();
    assert.equal((await loop.start()).status, "ready");
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    await r.pump("stream up", () => loop.snapshot().stream.state === "up");
    r.s.setTrading({ storm429: { calls: 1, retryAfterS: 30 } });
    assert.deepEqual(await loop.submitOrder(VENUE, buy(50_000), "c-1"), { ok: true, clientOrderId: "t1-1" });
    await r.pump("the 429", () => r.named("live_loop.submit_retry").length === 1);
    r.s.tick(30_000); // the connector's Retry-After block (venue clock) is over; the worker's wait is not
    r.s.setTrading({ holdSignedReads: true });
    const rec = loop.reconcileNow();
    await r.pump("reconciling", () => loop.snapshot().reconciliation.state === "running");
    r.s.timers.advance(30_000); // the wait ends while the reconciliation reads the venue
    // Before: resent at once, on the wire while the reconciliation read the venue.
    await r.pump("held again", () => loop.snapshot().queueDepth === 1);
    assert.deepEqual([ordersTruth(r.s), loop.orders()[0].state], [[], "SUBMITTED"]);
    r.s.setTrading({});
    r.s.t.venue.chaosReloaded(); // the held reads go on
    assert.equal((await rec).reconciliation.state, "done");
    await loop.idle();
    await r.pump("the ack", () => loop.orders()[0].state === "ACCEPTED");
    assert.deepEqual(ordersTruth(r.s).map((l) => `${l.clientOrderId} ${l.status}`), ["t1-1 NEW"]);
    assert.deepEqual(r.named("live_loop.order_processed").map((l) => l.event), ["submitted", "accepted"]);
    assert.deepEqual(loop.snapshot().counters.orders, { "BTCUSDT|placed": 1, "BTCUSDT|acknowledged": 1 });
    assertOmsEqualsTruth(loop.orders(), r.s);
    await loop.shutdown();
  } finally {
    await r.close();
  }
});
