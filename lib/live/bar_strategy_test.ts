// BarStrategy on a real LiveLoop (the simulator's private API through the real connector, testing/live_loop.ts):
// shadow mode decides and never orders; a bar that arrives while the loop is not ready or the feed gate is
// closed is not decided, only logged (the same bar is decided once it opens); the saved state resumes exactly (a
// resend is a duplicate, the next bar's cross is read against the restored EMAs and orders); a broken
// state file is an error, never a silent reset.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { ClosedBar } from "../market/types.ts";
import { type LoopRig, SYMBOL, U, withLoopRig } from "../../testing/live_loop.ts";
import { crossBar } from "../../testing/live_service.ts";
import { BarStrategy, type BarStrategyConfig, loadStrategyState, strategyStateFile } from "./bar_strategy.ts";
import type { LiveLoop } from "./loop.ts";

const cfg = (r: LoopRig, mode: BarStrategyConfig["mode"]): BarStrategyConfig => ({
  mode,
  tag: "t1",
  params: { stopAtrK: 2, feeBps: 10, size: 0.001 },
  sizeAtoms: U / 1000,
  stateFile: strategyStateFile(r.dir, "t1"),
});

/** The loop takes the bar as its mark first, as the service does. */
async function feedBar(loop: LiveLoop, st: BarStrategy, b: ClosedBar) {
  await loop.onBar({ symbol: SYMBOL, close: b.c * U, closeTimeMs: b.openTimeMs + 60_000 });
  return await st.onBar(b, SYMBOL);
}

Deno.test("bar strategy: shadow mode decides the cross and never orders; not-ready and gated bars wait undecided", async () => {
  await withLoopRig(async (r) => {
    const loop = r.make({ mode: "shadow" });
    let gateOk = true;
    const lines: Record<string, unknown>[] = [];
    const st = new BarStrategy(
      cfg(r, "shadow"),
      loop,
      () => ({ ok: gateOk, error: "stale" }),
      (level, msg, f) => void lines.push({ level, msg, ...f }),
      () => 0,
      null,
    );
    const t0 = r.s.t.sim.clock.nowMs();
    const b1 = crossBar(t0, 99, 100), b2 = crossBar(t0 + 60_000, 101, 100);
    // Before start(): the loop is not ready, the bar is left undecided.
    assert.deepEqual(await st.onBar(b1, SYMBOL), { kind: "loop_not_ready", detail: "starting" });
    await loop.start();
    gateOk = false;
    assert.deepEqual(await feedBar(loop, st, b1), { kind: "feed_not_ok", detail: "stale" });
    gateOk = true;
    assert.deepEqual(await feedBar(loop, st, b1), {
      kind: "decided",
      decision: "hold",
      correlationId: `t1:BTCUSDT:1m:${b1.openTimeMs}`,
      order: null,
    });
    assert.deepEqual(await feedBar(loop, st, b2), {
      kind: "decided",
      decision: "enter_long",
      correlationId: `t1:BTCUSDT:1m:${b2.openTimeMs}`,
      order: null,
      why: "shadow mode",
    });
    assert.deepEqual(await feedBar(loop, st, b2), { kind: "duplicate" });
    assert.deepEqual(loop.orders(), []);
    // Each bar left undecided is a warn line saying why: the loop's status, or the feed's error.
    assert.deepEqual(lines.filter((l) => l.msg === "live_loop.strategy_skipped"), [
      {
        level: "warn",
        msg: "live_loop.strategy_skipped",
        symbol: SYMBOL,
        bar: b1.openTimeMs,
        loop: "starting",
        reason: "starting",
      },
      { level: "warn", msg: "live_loop.strategy_skipped", symbol: SYMBOL, bar: b1.openTimeMs, feed: "stale" },
    ]);
    assert.deepEqual(st.counts, {
      decided: 2,
      duplicate: 1,
      corrected: 0,
      feed_not_ok: 1,
      loop_not_ready: 1,
      orders: 0,
      denied: 0,
      resynced: 0,
    });
    await loop.shutdown();
  });
});

Deno.test("bar strategy: the saved state resumes exactly; a broken state file is an error", async () => {
  await withLoopRig(async (r) => {
    const loop = r.make();
    await loop.start();
    const ok = () => ({ ok: true, error: null });
    const t0 = r.s.t.sim.clock.nowMs();
    const b1 = crossBar(t0, 99, 100),
      b2 = crossBar(t0 + 60_000, 99.5, 100),
      b3 = crossBar(t0 + 120_000, 101, 100);
    const first = new BarStrategy(cfg(r, "paper"), loop, ok, () => {}, () => t0, null);
    await feedBar(loop, first, b1);
    await feedBar(loop, first, b2);
    const saved = await loadStrategyState(strategyStateFile(r.dir, "t1"));
    assert.deepEqual(saved, { lastDecidedOpenTimeMs: b2.openTimeMs, state: first.state });
    assert.deepEqual([saved!.state.prevEma12, saved!.state.prevEma26, saved!.state.book.size], [
      99.5,
      100,
      0,
    ]);

    // A new strategy on the saved state: b2 again is a resend; b3 crosses up against b2's restored EMAs
    // (a cold one would call b3 warm-up) and buys, keyed by b3.
    const second = new BarStrategy(cfg(r, "paper"), loop, ok, () => {}, () => t0, saved);
    assert.deepEqual(await feedBar(loop, second, b2), { kind: "duplicate" });
    assert.deepEqual(await feedBar(loop, second, b3), {
      kind: "decided",
      decision: "enter_long",
      correlationId: `t1:BTCUSDT:1m:${b3.openTimeMs}`,
      order: { ok: true, clientOrderId: "t1-1" },
    });
    await loop.idle();
    assert.deepEqual(
      loop.orders().map((o) => [o.side, o.type, o.quantity, o.correlationId]),
      [["BUY", "MARKET", U / 1000, `t1:BTCUSDT:1m:${b3.openTimeMs}`]],
    );

    await Deno.writeTextFile(strategyStateFile(r.dir, "t1"), '{"type":"decision"}\n');
    await assert.rejects(
      () => loadStrategyState(strategyStateFile(r.dir, "t1")),
      new Error(`${join(r.dir, "strategy_t1.json")}: not a saved strategy decision`),
    );
    assert.equal(await loadStrategyState(join(r.dir, "none.json")), null);
    await loop.shutdown();
  });
});

Deno.test("bar strategy: an entry the loop denied leaves no long: the book resyncs flat and the next cross up buys", async () => {
  await withLoopRig(async (r) => {
    const loop = r.make();
    await loop.start();
    const lines: Record<string, unknown>[] = [];
    const log = (_l: string, msg: string, f?: Record<string, unknown>) => void lines.push({ msg, ...f });
    const st = new BarStrategy(cfg(r, "paper"), loop, () => ({ ok: true, error: null }), log, () => 0, null);
    const t0 = r.s.t.sim.clock.nowMs();
    const b = [[99, 100], [101, 100], [100.5, 100], [99, 100], [101, 100]].map(([e12, e26], i) =>
      crossBar(t0 + i * 60_000, e12, e26)
    );
    await feedBar(loop, st, b[0]);
    await loop.engageKillSwitch("drill", "test");
    const denied = await feedBar(loop, st, b[1]);
    assert.deepEqual(denied.kind === "decided" && [denied.decision, denied.order?.ok], ["enter_long", false]);
    await loop.resetKillSwitch("drill over", "test");
    const decisions = [];
    for (const x of b.slice(2)) {
      const o = await feedBar(loop, st, x);
      decisions.push(o.kind === "decided" ? [o.decision, o.order?.ok ?? null] : [o.kind, null]);
    }
    // Without the resync b[3] would be an exit of a long the loop never held.
    assert.deepEqual(decisions, [["hold", null], ["hold", null], ["enter_long", true]]);
    assert.deepEqual(lines.filter((l) => l.msg === "live_loop.strategy_resync").map((l) => [l.bar, l.was]), [
      [b[2].openTimeMs, 0.001],
    ]);
    assert.deepEqual([st.counts.resynced, st.counts.denied, st.counts.orders], [1, 1, 1]);
    await loop.idle();
    assert.deepEqual(loop.orders().map((o) => [o.side, o.correlationId]), [
      ["BUY", `t1:BTCUSDT:1m:${b[4].openTimeMs}`],
    ]);
    await loop.shutdown();
  });
});
