// The user stream dropping (submits denied while the reconnect's reconciliation runs, cancels pass, the
// fill it missed applied once) and the kill switch (a drawdown trips it, it survives a crash, the reset
// is in the event log), on the venue simulator over loopback. Seed 11 from SIM_START_MS: a sell print
// at +65 ms fills a buy resting at 60000.00.
import assert from "node:assert/strict";
import {
  assertOmsEqualsTruth,
  chaosTruth,
  limitBuy,
  orderOf,
  riskLimits,
  startedLoop,
  SYMBOL,
  U,
  VENUE,
  withLoopRig,
} from "../../testing/live_loop.ts";
import { waitFor } from "../async/poll.ts";
import { runPath } from "../oms/boot.ts";
import { KILL_SWITCH_FILE, type KillSwitch } from "../oms/kill_switch.ts";
import { readLog } from "../oms/log_record.ts";
import { REC } from "../oms/records.ts";

Deno.test("stream drop: submits denied (RECONCILING) until the reconnect's reconciliation is done, cancels pass, the missed fill applied once", async () => {
  await withLoopRig(async (r) => {
    const loop = await startedLoop(r);
    const reconnects: unknown[] = [];
    loop.on("reconnect", (e) => reconnects.push({ ok: e.ok, reason: e.reason }));
    await loop.submitOrder(VENUE, limitBuy(60_000), "c-1"); // fills at the +65 ms print
    await loop.submitOrder(VENUE, limitBuy(50_000), "c-2"); // rests
    await loop.idle();
    await r.pump(
      "both acked",
      () => loop.snapshot().openOrders === 2 && orderOf(loop, "t1-2").state === "ACCEPTED",
    );
    r.s.setTrading({ userStreamDropEveryS: 5 });
    r.s.wall.advance(5_000); // no prints delivered yet: t1-1 still rests
    r.s.t.venue.housekeeping(r.s.wall.now());
    // Not pumped: the reconnect (backoff 0 on the test's timers) waits until the timers move.
    await waitFor("stream down", () => loop.snapshot().stream.state === "down", { timeoutMs: 10_000 });
    r.s.setTrading({});
    r.s.tick(100); // the +65 ms print fills t1-1 while the stream is down
    assert.deepEqual([loop.snapshot().status, loop.snapshot().reason], [
      "reconciling",
      "user stream down (closed 1011): new orders wait for the reconnect and its reconciliation",
    ]);
    const denied = await loop.submitOrder(VENUE, limitBuy(50_000), "c-3");
    assert.deepEqual(denied, {
      ok: false,
      reason: "RECONCILING",
      detail: "new orders wait while a reconciliation runs",
    });
    assert.deepEqual(await loop.cancelOrder(VENUE, "t1-2"), { ok: true, state: "CANCELED" });
    await r.pump("the reconciliation after the reconnect", () => reconnects.length === 1);
    await loop.idle();
    assert.deepEqual(reconnects, [{ ok: true, reason: null }]);
    const v = loop.snapshot();
    assert.deepEqual([v.status, v.stream.state, v.stream.reconnects, v.reconciliation.trigger], [
      "ready",
      "up",
      1,
      "reconnect",
    ]);
    assert.deepEqual(v.reconciliation.last, { queried: 1, missed_fill: 1, succeeded: 1 });
    assert.deepEqual([orderOf(loop, "t1-1").state, orderOf(loop, "t1-1").tradeIds], ["FILLED", [1]]);
    assert.equal(r.named("live_loop.register_fill").length, 1);
    assert.deepEqual(r.named("live_loop.heartbeat_retry").map((l) => [l.cause, l.attempt]), [[
      "closed 1011",
      1,
    ]]);
    assert.deepEqual(chaosTruth(r.s).map((l) => l.kind), ["user_stream_drop"]);
    assert.deepEqual(await loop.submitOrder(VENUE, limitBuy(50_000), "c-4"), {
      ok: true,
      clientOrderId: "t1-3",
    });
    await loop.idle();
    assert.deepEqual(v.counters.riskDenials, { RECONCILING: 1 });
    await r.pump("t1-3 acked", () => orderOf(loop, "t1-3").state === "ACCEPTED");
    assertOmsEqualsTruth(loop.orders(), r.s);
    await loop.shutdown();
  });
});

Deno.test("drawdown trips the kill switch (a latch), HALTED survives a crash and restart, the reset is in the event log", async () => {
  await withLoopRig(async (r) => {
    const loop = await startedLoop(r, { risk: riskLimits({ maxDrawdownBps: 20 }) });
    const switches: KillSwitch[] = [];
    loop.on("kill_switch", (ks) => switches.push(ks));
    await loop.submitOrder(VENUE, limitBuy(60_000), "c-1");
    await loop.idle();
    await r.step(loop, 100);
    await r.pump("the fill", () => orderOf(loop, "t1-1").state === "FILLED");
    assert.equal(loop.snapshot().killSwitch?.state, "ACTIVE");
    // Marked at 30000: 9940 USDT + 0.000999 BTC * 30000 = 9969.97, 30 bps under the 10,000 peak.
    await loop.onBar({ symbol: SYMBOL, close: 30_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    const reason = "DRAWDOWN_EXCEEDED: drawdown 30 bps from peak 1000000000000, limit 20";
    assert.deepEqual(switches.map((k) => [k.state, k.reason]), [["HALTED", reason]]);
    const v = loop.snapshot();
    assert.deepEqual([v.equity.equity, v.equity.peak, v.equity.drawdownBps], [
      996_997_000_000,
      1_000_000_000_000,
      30,
    ]);
    const denied = await loop.submitOrder(VENUE, limitBuy(30_000), "c-2");
    assert.deepEqual(denied.ok ? "" : denied.reason, "TRADING_HALTED");
    await loop.abandon(); // a crash
    const again = r.make({ risk: riskLimits({ maxDrawdownBps: 20 }) });
    const v2 = await again.start();
    assert.deepEqual([v2.killSwitch?.state, v2.killSwitch?.reason, v2.killSwitch?.sinceMs], [
      "HALTED",
      reason,
      v.killSwitch?.sinceMs,
    ]);
    assert.equal(v2.store.recovery, "crashed_recovered");
    await again.onBar({ symbol: SYMBOL, close: 30_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    const still = await again.submitOrder(VENUE, limitBuy(30_000), "c-3");
    assert.deepEqual(still.ok ? "" : still.reason, "TRADING_HALTED");
    await again.resetKillSwitch("reviewed the drawdown", "admin");
    assert.equal(JSON.parse(Deno.readTextFileSync(`${r.dir}/${KILL_SWITCH_FILE}`)).state, "ACTIVE");
    assert.deepEqual(await again.submitOrder(VENUE, limitBuy(30_000), "c-4"), {
      ok: true,
      clientOrderId: "t1-2",
    });
    await again.shutdown();
    const recs = readLog(Deno.readFileSync(runPath(r.dir, 2))).records.filter((x) =>
      x.type === REC.killSwitch
    );
    const last = (x: (typeof recs)[number]) => (x.data as KillSwitch).events.at(-1);
    assert.deepEqual(recs.map((x) => [last(x)?.action, last(x)?.by, last(x)?.reason]), [[
      "reset",
      "admin",
      "reviewed the drawdown",
    ]]);
    const run1 = readLog(Deno.readFileSync(runPath(r.dir, 1))).records.filter((x) =>
      x.type === REC.killSwitch
    );
    assert.deepEqual(run1.map((x) => [last(x)?.action, last(x)?.by]), [["trip", "risk"]]);
  });
});
