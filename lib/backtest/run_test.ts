import assert from "node:assert/strict";
import { expectedRun, fixtureClosedBars } from "../../testing/shadow_fixture.ts";
import type { ClosedBar } from "../market/types.ts";
import { instrument } from "../sim/instruments.ts";
import { spotSymbol } from "../sim/trading/symbols.ts";
import type { FillConfig } from "./account.ts";
import { type BacktestConfig, runBacktest } from "./run.ts";
import { backtestStats } from "./stats.ts";

const BTC = spotSymbol(instrument("BTC-USDT"));
const U = 1e8;
const near = (got: number, want: number, what: string) =>
  assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${what}: ${got} != ${want}`);

Deno.test("backtest on the 2,000 fixture bars: fills exactly at the strategy's hand-checked entry and exit bars", () => {
  const cfg: BacktestConfig = {
    params: { stopAtrK: 2, feeBps: 10, size: 1 },
    sizeAtoms: U,
    fill: { symbol: BTC, takerRate: 100_000, slippageBps: 0 },
    startQuoteAtoms: 1_000_000 * U,
  };
  const r = runBacktest(fixtureClosedBars(), cfg);
  const want = expectedRun(0, 2, 10, 1);
  assert.deepEqual(r.trades.filter((t) => t.side === "BUY").map((t) => t.bar), want.enters);
  assert.deepEqual(
    r.trades.filter((t) => t.side === "SELL").map((t) => ({ i: t.bar, reason: t.reason })),
    want.exits,
  );
  // The strategy test's pinned values, through the backtest.
  assert.deepEqual(r.trades.filter((t) => t.side === "BUY").slice(0, 3).map((t) => t.bar), [65, 84, 150]);
  assert.deepEqual([want.enters.length, want.exits.length, r.trades.length], [47, 46, 93]);
  assert.deepEqual(r.decisions, { enter_long: 47, exit_long: 46, hold: 2000 - 93 });
  assert.deepEqual(r.unfilled, []);
  // Slippage 0: every fill is at its bar's close; a sell sells what the buy left after its commission.
  const bars = fixtureClosedBars();
  for (const t of r.trades) assert.equal(t.price, bars[t.bar].c);
  for (const t of r.trades.filter((x) => x.side === "SELL")) assert.equal(t.qty, U - 100_000);
  const s = backtestStats(r, cfg.startQuoteAtoms);
  assert.deepEqual([s.bars, s.fills, s.trades, s.negativeBalances, s.unaccountedDecisions], [
    2000,
    93,
    46,
    0,
    0,
  ]);
  assert.ok(s.identityGap <= 1e-6 && s.tradeListGap <= 1e-6, `${s.identityGap} ${s.tradeListGap}`);
  assert.equal(r.account.base, U - 100_000, "long at the end, as the strategy test says");
});

/** Five hand-made bars: warm-up, a cross up at 100, a rise to 120, a stop at 90, a hold. */
function handBars(): ClosedBar[] {
  const rows: [number, number, number, number][] = [
    // close, ema12, ema26, high/low spread
    [100, 9, 10, 1],
    [100, 11, 10, 1],
    [120, 12, 10, 1],
    [90, 9.5, 10, 1],
    [95, 9, 10, 1],
  ];
  return rows.map(([c, e12, e26, d], i) => ({
    venue: "binance",
    symbol: "BTC-USDT",
    interval: "1m",
    openTimeMs: 60_000 * i,
    o: c,
    h: c + d,
    l: c - d,
    c,
    v: 1,
    trades: 1,
    origin: "trades",
    closedAtMs: 60_000 * (i + 1),
    features: { ema_12: e12, ema_26: e26, sma_20: null, rsi_14: null, atr_14: 1, vwap_session_utc: null },
  }));
}

const FILL: FillConfig = { symbol: BTC, takerRate: 200_000, slippageBps: 10 };

Deno.test("a hand-checked round trip: slippage, fees in base then quote, realised PnL, drawdown, return", () => {
  const cfg: BacktestConfig = {
    params: { stopAtrK: 2, feeBps: 10, size: 1 },
    sizeAtoms: U,
    fill: FILL,
    startQuoteAtoms: 1_000 * U,
  };
  const r = runBacktest(handBars(), cfg);
  // Buy 1 BTC at ceil(100.00 * 1.001) = 100.10; 0.002 BTC commission: 0.998 BTC held.
  // Sell 0.998 BTC (stop: 90 <= 100 - 2*1) at floor(90.00 * 0.999) = 89.91: 89.73018 USDT, 0.17946036 fee.
  assert.deepEqual(
    r.trades.map((t) => [t.bar, t.side, t.reason, t.qty, t.price, t.quote, t.commission, t.commissionIn]),
    [
      [1, "BUY", "cross_up", U, 100.1, 100.1 * U, 200_000, "base"],
      [3, "SELL", "stop", 99_800_000, 89.91, 8_973_018_000, 17_946_036, "quote"],
    ],
  );
  assert.deepEqual(r.equity.map((p) => [p.quote, p.base]), [
    [1_000 * U, 0],
    [899.9 * U, 99_800_000],
    [899.9 * U, 99_800_000],
    [98_945_071_964, 0],
    [98_945_071_964, 0],
  ]);
  const s = backtestStats(r, cfg.startQuoteAtoms);
  near(s.equityEnd, 989.45071964, "equity end");
  near(s.fees, 0.2002 + 0.17946036, "fees: 0.002 BTC at 100.10, then 0.17946036 USDT");
  near(s.realisedPnl, 89.73018 - 0.998 * 100.1, "realised: proceeds minus the held base's cost");
  near(s.equityEnd, 1_000 + s.realisedPnl - s.fees, "equity end = start + realised - fees (flat)");
  near(s.returnRatio, 989.45071964 / 1_000 - 1, "return");
  // Peak 899.90 + 0.998 * 120 = 1019.66 at bar 2, then 989.45071964.
  near(s.maxDrawdown, (1019.66 - 989.45071964) / 1019.66, "max drawdown");
  assert.deepEqual([s.fills, s.trades, s.wins, s.winRate, s.unrealisedPnl], [2, 1, 0, 0, 0]);
  assert.ok(s.identityGap < 1e-9 && s.tradeListGap < 1e-9);
});

Deno.test("an entry the account cannot pay for is not filled, and the book goes flat as the loop's resync makes it", () => {
  const cfg: BacktestConfig = {
    params: { stopAtrK: 2, feeBps: 10, size: 1 },
    sizeAtoms: U,
    fill: FILL,
    startQuoteAtoms: 50 * U,
  };
  const r = runBacktest(handBars(), cfg);
  assert.deepEqual(r.trades, []);
  assert.deepEqual(r.unfilled, [{ bar: 1, why: "insufficient quote balance" }]);
  // Flat after the refused buy: bar 3's cross down is no exit.
  assert.deepEqual(r.decisions, { enter_long: 1, exit_long: 0, hold: 4 });
  const s = backtestStats(r, cfg.startQuoteAtoms);
  assert.deepEqual([s.equityEnd, s.maxDrawdown, s.winRate, s.unaccountedDecisions], [50, 0, null, 0]);
  assert.throws(
    () => runBacktest(handBars(), { ...cfg, sizeAtoms: 150 }),
    new RangeError("Cannot trade 0.0000015 BTC: not a whole number of lots of 0.000001 (BTCUSDT)"),
  );
});
