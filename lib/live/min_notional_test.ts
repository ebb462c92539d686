// A close on the venue's lot can still be refused: the simulator's BTCUSDT applies its 5 USDT minimum
// notional (NOTIONAL, applyMinToMarket) to MARKET orders. A buy of 0.0002 BTC (~12 USDT) and a sell of
// 0.00012 (~7.2 USDT) leave 0.00008 BTC, 4.80 USDT at the loop's mark of 60000: on the lot, under the
// minimum. Flatten-on-halt reports it as dust and sends nothing; the strategy finds nothing to sell (its
// book goes flat, the dust logged). The venue would refuse it. No fees: the lot leaves no dust of its own.
import assert from "node:assert/strict";
import {
  assertOmsEqualsTruth,
  type LoopRig,
  type LoopRigOptions,
  orderOf,
  startedLoop,
  SYMBOL,
  U,
  VENUE,
  withLoopRig,
} from "../../testing/live_loop.ts";
import { crossBar } from "../../testing/live_service.ts";
import { BarStrategy, strategyStateFile } from "./bar_strategy.ts";
import type { LiveLoop } from "./loop.ts";

const NO_FEES: LoopRigOptions = {
  venue: { accounts: { paper: { balances: { USDT: 1e12 }, makerRate: 0, takerRate: 0 } } },
};
const NO_LOT = { symbol: SYMBOL, base: "BTC", quote: "USDT" };
const BUY = 20_000, SELL = 12_000, LEFT = BUY - SELL;

/** A filled MARKET order of `qty` atoms. */
async function market(r: LoopRig, loop: LiveLoop, side: "BUY" | "SELL", qty: number, corr: string) {
  const spec = { symbol: SYMBOL, side, type: "MARKET", quantity: qty, price: null } as const;
  const res = await loop.submitOrder(VENUE, spec, corr);
  assert.ok(res.ok, `${corr}: ${JSON.stringify(res)}`);
  await r.pump(`${corr} filled`, () => orderOf(loop, res.clientOrderId)?.state === "FILLED");
  await loop.idle();
}

const mark = (r: LoopRig, loop: LiveLoop, close: number) =>
  loop.onBar({ symbol: SYMBOL, close: close * U, closeTimeMs: r.s.t.sim.clock.nowMs() });

/** The venue's own word on a MARKET sell of the rest: refused by its NOTIONAL filter. */
async function venueRefuses(r: LoopRig): Promise<void> {
  const req = { symbol: SYMBOL, side: "SELL", type: "MARKET", clientOrderId: "probe-1" } as const;
  const out = await r.s.spot.place({ ...req, quantity: (LEFT / U).toFixed(8) });
  assert.deepEqual(out.kind === "rejected" && [out.reason, out.code, out.msg], [
    "filter",
    -1013,
    "Filter failure: NOTIONAL",
  ]);
}

Deno.test("min notional: flatten-on-halt reports a close worth less than the minimum at the mark as dust and sends nothing", async () => {
  await withLoopRig(async (r) => {
    const loop = await startedLoop(r, { flattenOnHalt: true, symbols: [NO_LOT] });
    await r.step(loop, 1_000); // prints flowing: a MARKET order takes at the last one
    await market(r, loop, "BUY", BUY, "c-1");
    await market(r, loop, "SELL", SELL, "c-2");
    assert.deepEqual(loop.closable(SYMBOL), { qty: 0, rest: 0, dust: LEFT });
    // The mark decides: at 70000 the same holding is 5.60 USDT, a close the venue takes.
    await mark(r, loop, 70_000);
    assert.deepEqual(loop.closable(SYMBOL), { qty: LEFT, rest: 0, dust: 0 });
    await mark(r, loop, 60_000);
    await loop.engageKillSwitch("operator stop", "admin");
    const dust = () => r.named("live_loop.kill_switch").filter((l) => l.phase === "flatten_dust");
    await r.pump("the flatten's dust line", () => dust().length === 1);
    await loop.idle();
    assert.deepEqual(dust().map((l) => [l.level, l.symbol, l.quantity, l.dust]), [["warn", SYMBOL, 0, LEFT]]);
    assert.deepEqual(loop.orders().map((o) => [o.side, o.quantity, o.state]), [
      ["BUY", BUY, "FILLED"],
      ["SELL", SELL, "FILLED"],
    ]);
    assertOmsEqualsTruth(loop.orders(), r.s);
    await venueRefuses(r);
    await loop.shutdown();
  }, NO_FEES);
});

Deno.test("min notional: the strategy's exit finds only dust: its book goes flat, the dust logged, nothing sent", async () => {
  await withLoopRig(async (r) => {
    const loop = await startedLoop(r, { symbols: [NO_LOT] });
    await r.step(loop, 1_000);
    const cfg = {
      mode: "paper",
      tag: "t1",
      params: { stopAtrK: 2, feeBps: 10, size: 0.0002 },
      sizeAtoms: BUY,
      stateFile: strategyStateFile(r.dir, "t1"),
    } as const;
    const log = (level: string, msg: string, fields?: Record<string, unknown>) =>
      void r.lines.push({ level, msg, ...fields });
    const st = new BarStrategy(cfg, loop, () => ({ ok: true, error: null }), log, () => 0, null);
    const t0 = r.s.t.sim.clock.nowMs();
    const bars = [[99, 100], [101, 100], [99, 100]].map(([e12, e26], i) =>
      crossBar(t0 + i * 60_000, e12, e26)
    );
    const feed = async (i: number) => {
      await mark(r, loop, 60_000);
      return await st.onBar(bars[i], SYMBOL);
    };
    await feed(0);
    await feed(1);
    await r.pump("the entry filled", () => orderOf(loop, "t1-1")?.state === "FILLED");
    await loop.idle();
    await market(r, loop, "SELL", SELL, "c-2"); // a partial close by hand leaves LEFT
    // The cross down: nothing a close may sell, so the book is flat before the strategy steps (no exit).
    const exit = await feed(2);
    assert.deepEqual(exit.kind === "decided" && [exit.decision, exit.order], ["hold", null]);
    assert.deepEqual(
      r.named("live_loop.strategy_resync").map((l) => [l.level, l.symbol, l.was, l.dust]),
      [["warn", SYMBOL, 0.0002, LEFT]],
    );
    assert.deepEqual(loop.orders().map((o) => [o.side, o.quantity, o.state]), [
      ["BUY", BUY, "FILLED"],
      ["SELL", SELL, "FILLED"],
    ]);
    assertOmsEqualsTruth(loop.orders(), r.s);
    await venueRefuses(r);
    await loop.shutdown();
  }, NO_FEES);
});
