// A backtest's numbers and its internal consistency checks, pure. The checks hold the run's own books
// against each other: the equity curve's end recomputed from the trade list alone must equal the
// accounting identity start + realised − fees + unrealised (flat at the end: start + realised − fees);
// every entry/exit decision is one fill or one recorded reason for none; balances never go negative.
import { unrealisedOf } from "./account.ts";
import type { BacktestResult } from "./run.ts";

export interface BacktestStats {
  readonly bars: number;
  /** Quote units. */
  readonly equityStart: number;
  readonly equityEnd: number;
  /** equityEnd / equityStart − 1. */
  readonly returnRatio: number;
  /** Largest fall from a running peak of the per-bar equity (the start included), as a ratio of the peak. */
  readonly maxDrawdown: number;
  readonly fills: number;
  /** Closed round trips (sells). */
  readonly trades: number;
  readonly wins: number;
  /** wins / trades; null without a closed trade. */
  readonly winRate: number | null;
  readonly fees: number;
  readonly realisedPnl: number;
  readonly unrealisedPnl: number;
  /** Equity end from the trade list alone (start + sells' proceeds − buys' cost + base held × last close). */
  readonly equityFromTrades: number;
  /** |equityEnd − (start + realised − fees + unrealised)|: 0 up to float rounding. */
  readonly identityGap: number;
  /** |equityEnd − equityFromTrades|: 0 up to float rounding. */
  readonly tradeListGap: number;
  /** Decisions to act with neither a fill nor a recorded reason (0 when consistent). */
  readonly unaccountedDecisions: number;
  readonly negativeBalances: number;
}

const UNITS = 1e8;
/** Float rounding allowance for the identity, quote units: far below one atom of a realistic equity. */
export const IDENTITY_TOLERANCE = 1e-6;

export function backtestStats(r: BacktestResult, startQuoteAtoms: number): BacktestStats {
  const last = r.equity.at(-1);
  const endAtoms = last?.equity ?? startQuoteAtoms;
  let peak = startQuoteAtoms, maxDd = 0;
  for (const p of r.equity) {
    peak = Math.max(peak, p.equity);
    if (peak > 0) maxDd = Math.max(maxDd, (peak - p.equity) / peak);
  }
  // Round trips: a sell closes what the buys since the previous sell opened; net of all their fees.
  let trades = 0, wins = 0, openFees = 0;
  let quote = startQuoteAtoms, base = 0;
  for (const t of r.trades) {
    if (t.side === "BUY") {
      openFees += t.fee;
      quote -= t.quote;
      base += t.qty - (t.commissionIn === "base" ? t.commission : 0);
      continue;
    }
    trades++;
    if (t.realised - t.fee - openFees > 0) wins++;
    openFees = 0;
    quote += t.quote - (t.commissionIn === "quote" ? t.commission : 0);
    base -= t.qty;
  }
  const equityFromTrades = quote + base * (last?.close ?? 0);
  const a = r.account;
  const unrealised = last ? unrealisedOf(a, last.close) : 0;
  const identity = startQuoteAtoms + a.realised - a.fees + unrealised;
  const acted = r.decisions.enter_long + r.decisions.exit_long;
  return {
    bars: r.equity.length,
    equityStart: startQuoteAtoms / UNITS,
    equityEnd: endAtoms / UNITS,
    returnRatio: endAtoms / startQuoteAtoms - 1,
    maxDrawdown: maxDd,
    fills: r.trades.length,
    trades,
    wins,
    winRate: trades === 0 ? null : wins / trades,
    fees: a.fees / UNITS,
    realisedPnl: a.realised / UNITS,
    unrealisedPnl: unrealised / UNITS,
    equityFromTrades: equityFromTrades / UNITS,
    identityGap: Math.abs(endAtoms - identity) / UNITS,
    tradeListGap: Math.abs(endAtoms - equityFromTrades) / UNITS,
    unaccountedDecisions: Math.abs(acted - r.trades.length - r.unfilled.length),
    negativeBalances: r.equity.filter((p) => p.quote < 0 || p.base < 0).length,
  };
}
