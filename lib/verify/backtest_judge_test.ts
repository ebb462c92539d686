import assert from "node:assert/strict";
import type { ClosedBar } from "../market/types.ts";
import { instrument } from "../sim/instruments.ts";
import { spotSymbol } from "../sim/trading/symbols.ts";
import type { FillConfig } from "../backtest/account.ts";
import { matchTrades, type PaperOrder } from "../backtest/parity.ts";
import { parityCurve } from "../backtest/parity_curve.ts";
import { runBacktest } from "../backtest/run.ts";
import { parityGates } from "./backtest_judge.ts";

const U = 1e8;
const FILL: FillConfig = { symbol: spotSymbol(instrument("BTC-USDT")), takerRate: 200_000, slippageBps: 10 };
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
const r = runBacktest(BARS, {
  params: { stopAtrK: 2, feeBps: 10, size: 1 },
  sizeAtoms: U,
  fill: FILL,
  startQuoteAtoms: START,
});

function paper(bar: number, side: "BUY" | "SELL", qty: number, price: number, atMs: number): PaperOrder {
  const quote = Math.round(qty * price);
  const commission = Math.round((side === "BUY" ? qty : quote) * 0.002);
  return {
    clientOrderId: `t1-${bar}`,
    correlationId: `t1:BTCUSDT:1m:${BARS[bar].openTimeMs}`,
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

const statuses = (g: ReturnType<typeof parityGates>) => g.map((x) => [x.key, x.status, x.value]);

Deno.test("parity gates: a loop that bought at 150 (bound 21.03 around 100.1) and never sold while it ran fails", () => {
  assert.deepEqual(r.trades.map((t) => [t.bar, t.side]), [[1, "BUY"], [3, "SELL"]]);
  const orders = [paper(1, "BUY", U, 150, 125_000)];
  // The loop's event log runs from 61 s to 250 s: bars 1..3 closed while it ran (bar 4 closes at 300 s).
  const m = matchTrades(r.trades, orders, BARS, FILL, 60_000, { fromMs: 61_000, toMs: 250_000 });
  assert.deepEqual([m.period, m.outside], [{ from: 1, to: 3 }, 0]);
  assert.deepEqual(m.rows.map((x) => [x.bar, x.status, x.priceBound]), [
    [1, "matched", 21.03],
    [3, "backtest_only", null],
  ]);
  const c = parityCurve(r, m, orders, BARS, FILL, START);
  assert.equal(c?.bars.length, 3);
  assert.deepEqual(statuses(parityGates(m, c, [])).slice(0, 3), [
    ["parity_log_problems", "PASS", 0],
    ["parity_unmatched_trades", "FAIL", 1],
    ["parity_prices_outside_bound", "FAIL", 1],
  ]);
});

Deno.test("parity gates: a price outside its bound fails even when every trade matched; an unknown bound counts", () => {
  // The loop ran over bar 1 only, so the period is one bar (tracking error 0): the price gate still judges.
  const ran = { fromMs: 120_000, toMs: 125_000 };
  const high = [paper(1, "BUY", U, 150, 125_000)];
  const m = matchTrades(r.trades, high, BARS, FILL, 60_000, ran);
  const g = parityGates(m, parityCurve(r, m, high, BARS, FILL, START), []);
  assert.deepEqual(statuses(g), [
    ["parity_log_problems", "PASS", 0],
    ["parity_unmatched_trades", "PASS", 0],
    ["parity_prices_outside_bound", "FAIL", 1],
    ["parity_tracking_error", "PASS", 0],
  ]);
  // Filled past the stored bars: the bound is unknown, so the price counts as outside.
  const late = [paper(1, "BUY", U, 100.1, 400_000)];
  const u = matchTrades(r.trades, late, BARS, FILL, 60_000, ran);
  assert.equal(u.rows[0].priceBound, null);
  assert.deepEqual(statuses(parityGates(u, parityCurve(r, u, late, BARS, FILL, START), [])).slice(2, 3), [
    ["parity_prices_outside_bound", "FAIL", 1],
  ]);
  // Within its bound: passes.
  const ok = [paper(1, "BUY", U, 100.31, 125_000)];
  const p = matchTrades(r.trades, ok, BARS, FILL, 60_000, ran);
  assert.deepEqual(statuses(parityGates(p, parityCurve(r, p, ok, BARS, FILL, START), [])).slice(2, 3), [
    ["parity_prices_outside_bound", "PASS", 0],
  ]);
});

Deno.test("parity gates: a loop that ran over no bar of the range and filled nothing is NO_DATA, not PASS", () => {
  const m = matchTrades(r.trades, [], BARS, FILL, 60_000, { fromMs: 900_000, toMs: 960_000 });
  assert.deepEqual([m.period, m.outside], [null, 2]);
  assert.deepEqual(statuses(parityGates(m, null, [])).slice(1), [
    ["parity_unmatched_trades", "NO_DATA", null],
    ["parity_prices_outside_bound", "NO_DATA", null],
    ["parity_tracking_error", "NO_DATA", null],
  ]);
});
