// Flatten-on-halt (an operator's engage cancels the loop's open orders and closes the position with a
// reduce-only market order, which passes the halted switch), the position hook, shutdown cancelling per
// config, and a cold start (no venue look: never-sent intents cleared, never placed), on the venue
// simulator over loopback. Seed 11 from SIM_START_MS: a sell print at +65 ms fills a buy at 60000.00.
import assert from "node:assert/strict";
import { ev, intent } from "../../testing/oms_records.ts";
import {
  assertOmsEqualsTruth,
  crashedRun,
  limitBuy,
  orderOf,
  ordersTruth,
  riskLimits,
  SYMBOL,
  U,
  VENUE,
  withLoopRig,
} from "../../testing/live_loop.ts";
import type { PositionView } from "./loop_view.ts";

Deno.test("flatten on halt: the engage cancels open orders and sells the position reduce-only; the account holds no BTC after", async () => {
  await withLoopRig(async (r) => {
    const loop = r.make({ flattenOnHalt: true });
    await loop.start();
    const snaps: (readonly PositionView[])[] = [];
    loop.on("position_snapshot", (p) => snaps.push(p));
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    await r.pump("stream up", () => loop.snapshot().stream.state === "up");
    await loop.submitOrder(VENUE, limitBuy(60_000), "c-1");
    await loop.submitOrder(VENUE, limitBuy(50_000), "c-2");
    await loop.idle();
    await r.step(loop, 100);
    await r.pump("t1-1 filled", () => orderOf(loop, "t1-1").state === "FILLED");
    await r.pump("t1-2 acked", () => orderOf(loop, "t1-2").state === "ACCEPTED");
    await loop.engageKillSwitch("operator stop", "admin");
    // The buy's maker fee was 0.000001 BTC: the account holds 0.000999, so that is what is sold.
    await r.pump("sold", () => orderOf(loop, "t1-3")?.state === "FILLED");
    await loop.idle();
    const flat = orderOf(loop, "t1-3");
    assert.deepEqual([flat.side, flat.type, flat.reduceOnly, flat.quantity, flat.correlationId], [
      "SELL",
      "MARKET",
      true,
      U / 1000 - 100,
      `flatten-${SYMBOL}-${r.s.t.sim.clock.nowMs()}`,
    ]);
    assert.equal(orderOf(loop, "t1-2").state, "CANCELED");
    const v = loop.snapshot();
    assert.deepEqual([v.killSwitch?.state, v.killSwitch?.reason], ["HALTED", "operator stop"]);
    assert.deepEqual(
      v.positions.map((p) => [p.symbol, p.qty]),
      [[SYMBOL, 100]],
      "the fee's dust is the position",
    );
    assert.deepEqual(snaps.map((s) => s[0].qty), [0, U / 1000, 100], "the hook: at the bar, after each fill");
    assert.equal(
      v.counters.refusedTransitions,
      0,
      "the cancel's REST answer and stream event agree, no refusal",
    );
    const held = await r.s.spot.balances(); // zero balances are left out: no BTC left
    assert.deepEqual(held.kind === "confirmed" && held.value.map((b) => b.asset), ["USDT"]);
    const denied = await loop.submitOrder(VENUE, limitBuy(50_000), "c-4");
    assert.equal(denied.ok ? "" : denied.reason, "TRADING_HALTED");
    assertOmsEqualsTruth(loop.orders(), r.s);
    await loop.shutdown();
  });
});

Deno.test("shutdown with cancelOnShutdown cancels the loop's open orders and leaves none open", async () => {
  await withLoopRig(async (r) => {
    const loop = r.make({ cancelOnShutdown: true });
    await loop.start();
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    await loop.submitOrder(VENUE, limitBuy(50_000), "c-1");
    await loop.idle();
    assert.deepEqual(await loop.shutdown(), { open: [], queued: [] });
    assert.deepEqual(ordersTruth(r.s).map((l) => `${l.clientOrderId} ${l.status}`), [
      "t1-1 NEW",
      "t1-1 CANCELED",
    ]);
    assert.deepEqual(r.named("live_loop.shutdown").map((l) => [l.open, l.queued]), [[[], []]]);
  });
});

Deno.test("cold start: no venue look; the never-sent intent is cleared (DENIED), never placed; a sent one is tracked", async () => {
  await withLoopRig(async (r) => {
    await crashedRun(r.dir, 1, [
      intent("t1-1", 1, { price: 50_000 * U, quantity: U / 1000 }),
      intent("t1-2", 2, { price: 50_000 * U, quantity: U / 1000 }),
      ev("t1-2", { kind: "submitted" }),
    ]);
    const loop = r.make();
    const v = await loop.start({ coldStart: true });
    assert.deepEqual([v.status, v.startMode, v.store.recovery, v.reconciliation.state], [
      "ready",
      "cold",
      "crashed_recovered",
      "idle",
    ]);
    assert.deepEqual([orderOf(loop, "t1-1").state, orderOf(loop, "t1-1").reason], [
      "DENIED",
      "cleared at cold start (never sent)",
    ]);
    assert.equal(orderOf(loop, "t1-2").state, "SUBMITTED");
    assert.equal(v.inflight, 1);
    await loop.idle();
    assert.deepEqual(ordersTruth(r.s), [], "nothing placed");
    await loop.shutdown();
  });
});

Deno.test("cold start after a clean shutdown: an open order filled while the loop was down is queried once, its fill applied once, the position right", async () => {
  await withLoopRig(async (r) => {
    const first = r.make();
    await first.start();
    await first.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    await first.submitOrder(VENUE, limitBuy(60_000), "c-1");
    await first.idle();
    await r.pump("t1-1 acked", () => orderOf(first, "t1-1").state === "ACCEPTED");
    await first.shutdown();
    r.s.tick(100); // the +65 ms print fills it while no loop runs
    const loop = r.make();
    const v = await loop.start({ coldStart: true });
    assert.deepEqual([v.status, v.startMode], ["ready", "cold"]);
    const o = orderOf(loop, "t1-1");
    assert.deepEqual([o.state, o.filledQty, o.tradeIds], ["FILLED", U / 1000, [1]]);
    assert.deepEqual(loop.snapshot().positions.map((p) => [p.symbol, p.qty]), [[SYMBOL, U / 1000]]);
    assert.deepEqual(
      r.named("live_loop.inflight_check").filter((l) => l.phase === "cold_query").map((
        l,
      ) => [l.clientOrderId, l.answer]),
      [["t1-1", "FILLED"]],
    );
    await loop.idle();
    assert.equal(orderOf(loop, "t1-1").tradeIds.length, 1, "applied once");
    assertOmsEqualsTruth(loop.orders(), r.s);
    await loop.shutdown();
  });
});

Deno.test("two concurrent submits cannot both pass a limit: risk and intent run one order at a time", async () => {
  await withLoopRig(async (r) => {
    const loop = r.make({ risk: riskLimits({ maxOpenOrders: 1 }) });
    await loop.start();
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    const both = await Promise.all([
      loop.submitOrder(VENUE, limitBuy(50_000), "c-1"),
      loop.submitOrder(VENUE, limitBuy(50_000), "c-2"),
    ]);
    assert.deepEqual(both, [
      { ok: true, clientOrderId: "t1-1" },
      { ok: false, reason: "MAX_OPEN_ORDERS", detail: "1 open, limit 1" },
    ]);
    await loop.idle();
    assert.deepEqual(ordersTruth(r.s).map((l) => l.clientOrderId), ["t1-1"]);
    await loop.shutdown();
  });
});

Deno.test("a reconciliation that cannot trust the venue's answers blocks trading with the reason; a retry that succeeds resumes it", async () => {
  await withLoopRig(async (r) => {
    r.s.setTrading({ burst5xx: { calls: 1 } });
    const loop = r.make();
    const v = await loop.start();
    assert.deepEqual([v.status, v.reconciliation.state, v.reason], [
      "not_trading",
      "failed",
      "reconciliation failed: openOrders BTCUSDT: ambiguous (HTTP 502: execution status unknown)",
    ]);
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    const denied = await loop.submitOrder(VENUE, limitBuy(50_000), "c-1");
    assert.equal(denied.ok ? "" : denied.reason, "NOT_TRADING");
    const v2 = await loop.reconcileNow();
    assert.deepEqual([v2.status, v2.reconciliation.state, v2.reconciliation.total], ["ready", "done", {
      failed: 1,
      succeeded: 1,
    }]);
    assert.deepEqual(await loop.submitOrder(VENUE, limitBuy(50_000), "c-2"), {
      ok: true,
      clientOrderId: "t1-1",
    });
    await loop.shutdown();
  });
});
