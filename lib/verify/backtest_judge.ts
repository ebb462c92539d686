// What `./tp backtest` judges, pure: the run's internal consistency (it completed over every bar; its
// equity end equals start + realised − fees + unrealised and the trade list's own sum; every entry/exit
// decision is a fill or a recorded reason; no balance ever negative) and, with --parity, its agreement
// with the live loop's paper trades (every trade in the loop's period matched; tracking error within the
// bound the fill model gives, lib/backtest/parity_curve.ts). Plus the summary's key=value lines.
import type { Matching } from "../backtest/parity.ts";
import type { ParityCurve } from "../backtest/parity_curve.ts";
import { num } from "../backtest/report.ts";
import { type BacktestStats, IDENTITY_TOLERANCE } from "../backtest/stats.ts";
import type { GateResult } from "./gates.ts";

export const BACKTEST_SUMMARY = "BACKTEST_SUMMARY.txt";

export const JUDGES =
  "the run decided every stored bar of the range; equity_end = equity_start + realized_pnl" +
  " - fees + unrealized_pnl and = the trade list's own sum (each within " + IDENTITY_TOLERANCE +
  "); every entry/exit decision filled or has a reason; no balance negative";
export const PARITY_JUDGES =
  "the loop's event log verifies; every trade of the period the loop ran (bars closed between its event" +
  " log's first and last record) matched by bar (correlation id), side and quantity; every compared" +
  " price within its own bound (unknown counts as outside); tracking error <= parity_tracking_error_bound";
export const BOUND_BASIS =
  "per-bar return = the bar's equity change / parity_equity_ref (the equity before the period);" +
  " a MARKET fill is the last print at its arrival moved by the slippage; the backtest" +
  " fills at the deciding bar's close (its last print), so a paper price differs by at most" +
  " max(tp(high)-tp(close), tp(close)-tp(low)) over the stored bars from that close to the fill time;" +
  " per bar b=(qty*that+1 atom)/equity_ref on a fill, 0 otherwise; bound=sqrt(mean(b^2)) >= std of the" +
  " per-bar return difference";

function gate(
  key: string,
  src: string,
  want: string,
  value: number | null,
  pass: boolean,
  detail = "",
): GateResult {
  return {
    key,
    promql: src,
    want,
    status: value === null ? "NO_DATA" : pass ? "PASS" : "FAIL",
    value,
    detail,
  };
}

export function backtestGates(s: BacktestStats): GateResult[] {
  return [
    gate("bars_decided", "equity.tsv rows", ">0", s.bars, s.bars > 0),
    gate(
      "equity_identity_gap",
      "summary: equity_end - (equity_start + realized_pnl - fees + unrealized_pnl)",
      `<=${IDENTITY_TOLERANCE}`,
      s.identityGap,
      s.identityGap <= IDENTITY_TOLERANCE,
    ),
    gate(
      "equity_trade_list_gap",
      "trades.jsonl summed against equity.tsv's last row",
      `<=${IDENTITY_TOLERANCE}`,
      s.tradeListGap,
      s.tradeListGap <= IDENTITY_TOLERANCE,
    ),
    gate(
      "decisions_unaccounted",
      "decisions vs trades + unfilled",
      "=0",
      s.unaccountedDecisions,
      s.unaccountedDecisions === 0,
    ),
    gate("negative_balances", "equity.tsv quote, base", "=0", s.negativeBalances, s.negativeBalances === 0),
  ];
}

/** `logProblems`: runs of the loop's event log that did not verify (a trade may be missing from them). */
export function parityGates(
  m: Matching,
  c: ParityCurve | null,
  logProblems: readonly string[],
): GateResult[] {
  const unmatched = m.rows.filter((r) => r.status !== "matched").length;
  const outside = pricesOutsideBound(m);
  const te = c?.trackingError ?? null, bound = c?.trackingErrorBound ?? null;
  return [
    gate(
      "parity_log_problems",
      "the state dir's event log, hash chain verified",
      "=0",
      logProblems.length,
      logProblems.length === 0,
      logProblems.join("; "),
    ),
    gate(
      "parity_unmatched_trades",
      "parity.tsv status",
      "=0",
      m.period === null && m.rows.length === 0 ? null : unmatched,
      unmatched === 0,
      m.period === null ? "the loop neither ran nor filled an order on these bars" : "",
    ),
    gate(
      "parity_prices_outside_bound",
      "parity.tsv price_diff, price_bound",
      "=0",
      m.period === null && m.rows.length === 0 ? null : outside,
      outside === 0,
      outside
        ? "a paper fill's price differs from the backtest's by more than its bound (or the bound is unknown)"
        : "",
    ),
    gate(
      "parity_tracking_error",
      "parity_bars.tsv diff",
      bound === null ? "<=bound (unknown)" : `<=${num(bound)}`,
      bound === null ? null : te,
      te !== null && bound !== null && te <= bound,
      c === null
        ? "no period to compare"
        : bound === null
        ? "a fill's price bound is unknown: stored bars do not cover its fill time"
        : "",
    ),
  ];
}

/** Compared trades whose price difference exceeds its own bound; an unknown bound counts as outside. */
function pricesOutsideBound(m: Matching): number {
  return m.rows.filter((r) =>
    r.priceDiff !== null && (r.priceBound === null || Math.abs(r.priceDiff) > r.priceBound)
  ).length;
}

/** The summary's parity keys (before the gates' own lines). */
export function parityHeader(
  stateDir: string,
  paperOrders: number,
  m: Matching,
  c: ParityCurve | null,
  barTime: (i: number) => string,
): Record<string, string> {
  const diffs = m.rows.filter((r) => r.priceDiff !== null);
  const outside = pricesOutsideBound(m);
  const opt = (v: number | null | undefined) => v === null || v === undefined ? "NO_DATA" : num(v);
  return {
    parity_state_dir: stateDir,
    parity_paper_orders: String(paperOrders),
    parity_period_from: m.period ? barTime(m.period.from) : "NO_DATA",
    parity_period_to: m.period ? barTime(m.period.to) : "NO_DATA",
    parity_period_bars: m.period ? String(m.period.to - m.period.from + 1) : "0",
    parity_matched_trades: String(m.rows.filter((r) => r.status === "matched").length),
    parity_backtest_trades_outside_period: String(m.outside),
    parity_max_abs_price_diff: diffs.length
      ? num(Math.max(...diffs.map((r) => Math.abs(r.priceDiff!))))
      : "NO_DATA",
    parity_prices_outside_bound: String(outside),
    parity_equity_ref: c ? num(c.equityRef / 1e8) : "NO_DATA",
    parity_tracking_error_bound: opt(c?.trackingErrorBound),
    parity_cumulative_return_gap: opt(c?.cumulativeReturnGap),
    parity_cumulative_gap_bound: opt(c?.cumulativeGapBound),
    parity_bound_basis: BOUND_BASIS,
    parity_judges: PARITY_JUDGES,
  };
}
