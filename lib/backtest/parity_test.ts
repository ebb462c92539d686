import assert from "node:assert/strict";
import type { ClosedBar } from "../market/types.ts";
import { instrument } from "../sim/instruments.ts";
import { spotSymbol } from "../sim/trading/symbols.ts";
import type { FillConfig } from "./account.ts";
import { matchTrades, type PaperOrder, priceBound } from "./parity.ts";
import { parityCurve } from "./parity_curve.ts";
import { runBacktest } from "./run.ts";

const U = 1e8;
const FILL: FillConfig = { symbol: spotSymbol(instrument("BTC-USDT")), takerRate: 200_000, slippageBps: 10 };
const near = (got: number, want: number, what: string) =>
  assert.ok(Math.abs(got - want) <= 1e-12 + 1e-9 * Math.abs(want), `${what}: ${got} != ${want}`);

/** Warm-up, cross up at 100 (bar 1), 120 (range 99..121), stop at 90 (bar 3), 95 (range 89..96). */
const BARS: ClosedBar[] = ([[100, 9, 100, 100], [100, 11, 101, 99], [120, 12, 121, 99], [90, 9.5, 91, 89], [
  95,
  9,
  96,
  89,
]] as const).map(([c, e12, h, l], i) => ({
  venue: "binance",
  symbol: "BTC-USDT",
  interval: "1m",
  openTimeMs: 60_000 * i,
  o: c,
  h,
  l,
  c,
  v: 1,
  trades: 1,
  origin: "trades",
  closedAtMs: 60_000 * (i + 1),
  features: { ema_12: e12, ema_26: 10, sma_20: null, rsi_14: null, atr_14: 1, vwap_session_utc: null },
}));
const START = 1_000 * U;
const run = () =>
  runBacktest(BARS, {
    params: { stopAtrK: 2, feeBps: 10, size: 1 },
    sizeAtoms: U,
    fill: FILL,
    startQuoteAtoms: START,
  });

/** A paper order of one fill: `price` in units, quote and commission as the venue computes them. */
function paper(
  id: string,
  bar: number | null,
  side: "BUY" | "SELL",
  qty: number,
  price: number,
  atMs: number,
): PaperOrder {
  const quote = Math.round(qty * price);
  const commission = Math.round((side === "BUY" ? qty : quote) * 0.002);
  return {
    clientOrderId: id,
    correlationId: `t1:BTCUSDT:1m:${bar === null ? 999 : BARS[bar].openTimeMs}`,
    side,
    state: "FILLED",
    bar,
    fills: [{
      tradeId: 1,
      price: Math.round(price * U),
      qty,
      quote,
      commission,
      commissionAsset: side === "BUY" ? "BTC" : "USDT",
      timeMs: atMs,
    }],
  };
}

Deno.test("price bound: the taker price of the stored range between the close and the fill time, against the close's", () => {
  // Buy decided at bar 1 (close 100.00 -> 100.10), filled during bar 2 (99..121): tp(121) = 121.13.
  assert.equal(priceBound(BARS, 1, "BUY", 125_000, FILL, 60_000), 21.03);
  // Filled before bar 2 opened: only the close itself.
  assert.equal(priceBound(BARS, 1, "BUY", 119_999, FILL, 60_000), 0);
  // Sell decided at bar 3 (90.00 -> 89.91), filled in bar 4 (89..96): tp(96) = 95.90.
  assert.equal(priceBound(BARS, 3, "SELL", 250_000, FILL, 60_000), 5.99);
  // Filled after the last stored bar, or across a gap: unknown.
  assert.equal(priceBound(BARS, 3, "SELL", 300_000, FILL, 60_000), null);
  assert.equal(priceBound([BARS[0], BARS[2]], 0, "SELL", 70_000, FILL, 60_000), null);
});

Deno.test("parity: matched trades, price differences, per-bar return difference, tracking error within its bound", () => {
  const r = run();
  const orders = [
    paper("t1-1", 1, "BUY", U, 100.31, 125_000),
    paper("t1-2", 3, "SELL", 99_800_000, 89.5, 245_000),
  ];
  const m = matchTrades(r.trades, orders, BARS, FILL, 60_000, null);
  assert.deepEqual(m.period, { from: 1, to: 3 });
  assert.equal(m.outside, 0);
  assert.deepEqual(m.rows.map((x) => [x.bar, x.status, x.side, x.btPrice, x.paperPrice, x.priceBound]), [
    [1, "matched", "BUY", 100.1, 100.31, 21.03],
    [3, "matched", "SELL", 89.91, 89.5, 5.99],
  ]);
  near(m.rows[0].priceDiff!, 0.21, "buy diff");
  near(m.rows[1].priceDiff!, -0.41, "sell diff");
  const c = parityCurve(r, m, orders, BARS, FILL, START)!;
  assert.equal(c.equityRef, START);
  // Bar 1: paid 0.21 more; bar 2: same base held, no difference; bar 3: received
  // (89.321 - 0.178642) - (89.73018 - 0.17946036) = -0.40836164 less.
  const d = [-0.21 / 1_000, 0, -0.40836164 / 1_000];
  c.bars.forEach((b, i) => near(b.diff, d[i], `diff ${i}`));
  const b = [(21.03 * U + 1) / START, 0, (0.998 * 5.99 * U + 1) / START];
  c.bars.forEach((x, i) => near(x.bound!, b[i], `bound ${i}`));
  const mean = (d[0] + d[2]) / 3;
  near(c.trackingError, Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / 3), "tracking error");
  near(c.trackingErrorBound!, Math.sqrt((b[0] ** 2 + b[2] ** 2) / 3), "bound");
  near(c.cumulativeReturnGap, d[0] + d[2], "cumulative gap");
  near(c.cumulativeGapBound!, b[0] + b[2], "cumulative gap bound");
  assert.ok(c.trackingError <= c.trackingErrorBound!);
});

Deno.test("parity: an order on no bar, a wrong quantity, a missing paper trade and an extra one are unmatched", () => {
  const r = run();
  const unfilled: PaperOrder = {
    ...paper("t1-9", 3, "SELL", 99_800_000, 89.5, 245_000),
    state: "REJECTED",
    fills: [],
  };
  const m = matchTrades(
    r.trades,
    [
      paper("t1-1", 1, "BUY", 99_000_000, 100.1, 125_000),
      unfilled,
      paper("t1-3", 4, "SELL", 100, 95, 250_000),
      paper("x-1", null, "BUY", 100, 95, 250_000),
    ],
    BARS,
    FILL,
    60_000,
    null,
  );
  assert.deepEqual(m.period, { from: 1, to: 4 });
  assert.deepEqual(m.rows.map((x) => [x.bar, x.status, x.detail]), [
    [null, "paper_only", "its correlation id names no bar of the backtest's range"],
    [1, "mismatch", "paper filled 99000000 atoms, backtest 100000000"],
    [3, "backtest_only", "paper order t1-9 ended REJECTED without a fill"],
    [4, "paper_only", "the backtest did not trade this bar"],
  ]);
  // No paper fill on these bars: nothing to compare.
  const none = matchTrades(r.trades, [unfilled], BARS, FILL, 60_000, null);
  assert.deepEqual([none.period, none.rows, none.outside], [null, [], 2]);
  assert.equal(parityCurve(r, none, [unfilled], BARS, FILL, START), null);
});

Deno.test("parity: of two filled orders for one bar the curve applies the first, the one matchTrades compared", () => {
  const r = run();
  const orders = [paper("t1-1", 1, "BUY", U, 100.31, 125_000), paper("t1-1b", 1, "BUY", U, 130, 126_000)];
  const m = matchTrades(r.trades, orders, BARS, FILL, 60_000, { fromMs: 120_000, toMs: 126_000 });
  assert.deepEqual(m.rows.map((x) => [x.clientOrderId, x.status]), [["t1-1b", "paper_only"], [
    "t1-1",
    "matched",
  ]]);
  const c = parityCurve(r, m, orders, BARS, FILL, START)!;
  assert.deepEqual(c.bars.map((b) => b.bar), [1]);
  near(c.bars[0].diff, -0.21 / 1_000, "the first order's price difference");
});

Deno.test("parity: the period is when the loop ran, so a backtest trade it did not make then is unmatched", () => {
  const r = run();
  const orders = [paper("t1-1", 1, "BUY", U, 100.31, 125_000)];
  // Fills alone would give the period bar 1..1 and leave the sell of bar 3 outside, not compared.
  const m = matchTrades(r.trades, orders, BARS, FILL, 60_000, { fromMs: 100_000, toMs: 299_999 });
  assert.deepEqual([m.period, m.outside], [{ from: 1, to: 3 }, 0]);
  assert.deepEqual(m.rows.map((x) => [x.bar, x.status, x.detail]), [
    [1, "matched", ""],
    [3, "backtest_only", "no paper order"],
  ]);
  // A run that ended before bar 3 closed (240 s): the sell is outside it, not the loop's miss.
  const early = matchTrades(r.trades, orders, BARS, FILL, 60_000, { fromMs: 100_000, toMs: 239_999 });
  assert.deepEqual([early.period, early.outside, early.rows.length], [{ from: 1, to: 2 }, 1, 1]);
});

Deno.test("parity: a loop that ran through 140k 1m bars is matched, not a RangeError from spreading the bars", () => {
  const n = 140_000, t0 = Date.UTC(2026, 0, 1);
  const bars = Array.from({ length: n }, (_, i) => ({ openTimeMs: t0 + i * 60_000 }) as unknown as ClosedBar);
  const m = matchTrades([], [], bars, {} as FillConfig, 60_000, { fromMs: t0, toMs: t0 + n * 60_000 });
  assert.deepEqual([m.period, m.rows.length], [{ from: 0, to: n - 1 }, 0]);
});
