// A closing order is sized to the venue's lot: on the venue simulator (BTCUSDT: LOT_SIZE step and
// minimum 0.000001 BTC = 100 atoms) with a taker fee of 7.5 bps, paid in BTC on a buy, a MARKET buy of
// 0.01 BTC leaves the account 0.0099925 BTC: not a whole lot. The loop's config names no lot (as
// config/live/paper.json's symbols do not): the exit of the strategy and flatten-on-halt sell what the
// venue's filters (read at start) let them, 0.009992, and the 50 atoms of dust stay and are reported.
import assert from "node:assert/strict";
import { isClosed } from "../oms/order.ts";
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
import { instrument } from "../sim/instruments.ts";
import { DEFAULT_LIMITS, spotSymbol } from "../sim/trading/symbols.ts";
import { BarStrategy, strategyStateFile } from "./bar_strategy.ts";
import type { LiveLoop } from "./loop.ts";

const SIZE = U / 100;
/** 7.5 bps of the buy, in BTC. */
const FEE = 750;
const LOT = 100;
/** What the account holds after the buy, rounded down to the lot: what a close sells. */
const SOLD = Math.floor((SIZE - FEE) / LOT) * LOT;
const TAKER_7_5_BPS: LoopRigOptions = {
  venue: { accounts: { paper: { balances: { USDT: 1e12 }, makerRate: 100_000, takerRate: 75_000 } } },
};
/** The symbol as the config file gives it: no lot. */
const NO_LOT = { symbol: SYMBOL, base: "BTC", quote: "USDT" };

/** Prints flowing (a MARKET order takes at the last one), then a MARKET buy of SIZE, filled. */
async function bought(r: LoopRig, loop: LiveLoop): Promise<void> {
  await r.step(loop, 1_000);
  const spec = { symbol: SYMBOL, side: "BUY", type: "MARKET", quantity: SIZE, price: null } as const;
  assert.deepEqual(await loop.submitOrder(VENUE, spec, "c-1"), { ok: true, clientOrderId: "t1-1" });
  await r.pump("the buy filled", () => orderOf(loop, "t1-1")?.state === "FILLED");
  await loop.idle();
}

const closed = (loop: LiveLoop, id: string) => () => {
  const o = orderOf(loop, id);
  return o !== undefined && isClosed(o.state);
};

Deno.test("lot size: flatten-on-halt sells the holding a base-asset fee left, rounded down to the venue's lot", async () => {
  await withLoopRig(async (r) => {
    const loop = await startedLoop(r, { flattenOnHalt: true, symbols: [NO_LOT] });
    await bought(r, loop);
    assert.equal(loop.closable(SYMBOL).qty, SOLD);
    await loop.engageKillSwitch("operator stop", "admin");
    await r.pump("the flatten settled", closed(loop, "t1-2"));
    await loop.idle();
    const o = orderOf(loop, "t1-2");
    assert.deepEqual([o.side, o.type, o.reduceOnly, o.quantity, o.state], [
      "SELL",
      "MARKET",
      true,
      SOLD,
      "FILLED",
    ]);
    // 50 atoms held (the position is 800: the fee came out of the fills), under the 100-atom minimum.
    assert.deepEqual(loop.closable(SYMBOL), { qty: 0, rest: 0, dust: SIZE - FEE - SOLD });
    assert.deepEqual(
      r.named("live_loop.kill_switch").filter((l) => l.phase === "flatten_dust").map((
        l,
      ) => [l.symbol, l.dust]),
      [[SYMBOL, SIZE - FEE - SOLD]],
    );
    const held = await r.s.spot.balances();
    assert.deepEqual(
      held.kind === "confirmed" && held.value.find((b) => b.asset === "BTC")?.free,
      "0.00000050",
    );
    assertOmsEqualsTruth(loop.orders(), r.s);
    await loop.shutdown();
  }, TAKER_7_5_BPS);
});

Deno.test("lot size: the strategy's exit sells the holding rounded down to the venue's lot", async () => {
  await withLoopRig(async (r) => {
    const loop = await startedLoop(r, { symbols: [NO_LOT] });
    await r.step(loop, 1_000);
    const cfg = {
      mode: "paper",
      tag: "t1",
      params: { stopAtrK: 2, feeBps: 10, size: 0.01 },
      sizeAtoms: SIZE,
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
      await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
      return await st.onBar(bars[i], SYMBOL);
    };
    await feed(0);
    await feed(1);
    await r.pump("the entry filled", () => orderOf(loop, "t1-1")?.state === "FILLED");
    await loop.idle();
    const exit = await feed(2);
    assert.deepEqual(exit.kind === "decided" && [exit.decision, exit.order], [
      "exit_long",
      { ok: true, clientOrderId: "t1-2" },
    ]);
    await r.pump("the exit settled", closed(loop, "t1-2"));
    await loop.idle();
    const o = orderOf(loop, "t1-2");
    assert.deepEqual([o.side, o.type, o.quantity, o.state], ["SELL", "MARKET", SOLD, "FILLED"]);
    // The 50 atoms the exit could not sell: a warn line, never an order.
    assert.deepEqual(
      r.named("live_loop.strategy_dust").map((l) => [l.level, l.symbol, l.quantity, l.dust]),
      [["warn", SYMBOL, SOLD, SIZE - FEE - SOLD]],
    );
    assertOmsEqualsTruth(loop.orders(), r.s);
    await loop.shutdown();
  }, TAKER_7_5_BPS);
});

Deno.test("lot size: a cold start reads the venue's filters too", async () => {
  await withLoopRig(async (r) => {
    const loop = r.make({ symbols: [NO_LOT] });
    assert.equal((await loop.start({ coldStart: true })).status, "ready");
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    await r.pump("stream up", () => loop.snapshot().stream.state === "up");
    assert.deepEqual(
      r.named("live_loop.venue_filters").map(({ level, outcome, symbols, skipped, standInLots }) => ({
        level,
        outcome,
        symbols,
        skipped,
        standInLots,
      })),
      [
        { level: "info", outcome: "confirmed", symbols: 1, skipped: [], standInLots: {} },
      ],
    );
    await bought(r, loop);
    assert.equal(loop.closable(SYMBOL).qty, SOLD);
    await loop.shutdown();
  }, TAKER_7_5_BPS);
});

Deno.test("lot size: a failed filter read at start still starts the loop, the config's lot stands in (warn), a reconciliation reads them again", async () => {
  let failInfo = true;
  const reads: string[] = [];
  const flaky: typeof fetch = (input, init) => {
    const url = String(input);
    if (url.includes("/api/v3/exchangeInfo")) {
      reads.push(failInfo ? "failed" : "read");
      if (failInfo) return Promise.reject(new TypeError("connection reset"));
    }
    return fetch(input, init);
  };
  await withLoopRig(async (r) => {
    // A configured lot coarser than the venue's: the venue's wins once known.
    const loop = await startedLoop(r, { symbols: [{ ...NO_LOT, lotAtoms: 1_000 }] });
    const filterLines = () =>
      r.named("live_loop.venue_filters").map(({ level, outcome, standInLots }) => ({
        level,
        outcome,
        standInLots,
      }));
    assert.deepEqual(filterLines(), [
      { level: "warn", outcome: "ambiguous", standInLots: { [SYMBOL]: 1_000 } },
    ]);
    assert.match(String(r.named("live_loop.venue_filters")[0].error), /exchangeInfo: .*connection reset/);
    await bought(r, loop);
    assert.equal(loop.closable(SYMBOL).qty, Math.floor((SIZE - FEE) / 1_000) * 1_000);
    failInfo = false;
    assert.equal((await loop.reconcileNow()).status, "ready");
    assert.deepEqual(filterLines().slice(1), [{ level: "info", outcome: "confirmed", standInLots: {} }]);
    assert.equal(loop.closable(SYMBOL).qty, SOLD);
    // Known now: the next reconciliation does not read them again.
    await loop.reconcileNow();
    assert.deepEqual(reads, ["failed", "read"]);
    await loop.shutdown();
  }, { ...TAKER_7_5_BPS, fetch: flaky });
});

Deno.test("lot size: a close over the venue's maximum quantity sends the maximum; the rest is still to close (not dust), flatten says so", async () => {
  const MAX = 600_000; // 0.006 BTC: LOT_SIZE's and MARKET_LOT_SIZE's maximum
  const maxed = spotSymbol(instrument("BTC-USDT"), { ...DEFAULT_LIMITS, maxQty: MAX / U });
  const venue = {
    symbols: [maxed],
    accounts: { paper: { balances: { USDT: 1e12 }, makerRate: 0, takerRate: 0 } },
  };
  await withLoopRig(async (r) => {
    const loop = await startedLoop(r, { flattenOnHalt: true, symbols: [NO_LOT] });
    await r.step(loop, 1_000);
    for (const [i, quantity] of [[1, MAX], [2, 400_000]]) {
      const spec = { symbol: SYMBOL, side: "BUY", type: "MARKET", quantity, price: null } as const;
      assert.deepEqual(await loop.submitOrder(VENUE, spec, `c-${i}`), { ok: true, clientOrderId: `t1-${i}` });
      await r.pump(`buy ${i} filled`, () => orderOf(loop, `t1-${i}`)?.state === "FILLED");
    }
    await loop.idle();
    // Before: { qty: MAX, rest: 400000 }, the 400000 over the maximum reported (and logged) as dust.
    assert.deepEqual(loop.closable(SYMBOL), { qty: MAX, rest: 400_000, dust: 0 });
    await loop.engageKillSwitch("operator stop", "admin");
    await r.pump("the flatten settled", closed(loop, "t1-3"));
    await loop.idle();
    const o = orderOf(loop, "t1-3");
    assert.deepEqual([o.side, o.type, o.reduceOnly, o.quantity, o.state], [
      "SELL",
      "MARKET",
      true,
      MAX,
      "FILLED",
    ]);
    assert.deepEqual(
      r.named("live_loop.kill_switch").filter((l) => String(l.phase).startsWith("flatten_")).map((l) => [
        l.level,
        l.phase,
        l.quantity,
        l.rest,
      ]),
      [["warn", "flatten_rest", MAX, 400_000]],
    );
    assert.deepEqual(loop.closable(SYMBOL), { qty: 400_000, rest: 0, dust: 0 }, "one more order closes it");
    assertOmsEqualsTruth(loop.orders(), r.s);
    await loop.shutdown();
  }, { venue });
});
