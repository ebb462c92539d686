// Parity, part 2: the per-bar return difference over the period the loop ran, its standard deviation
// (the tracking error) and the cumulative return gap, each against a bound derived from the fill model.
//
// Both curves start from the backtest's account just before the period; the paper one applies the
// loop's own fills (quantity, quote, commission as the event log has them) at their deciding bars, the
// backtest its own. A bar's return is its equity change over E0, the backtest's equity before the period
// (a return on the capital at stake, so a bar's difference is the difference of the two equity changes).
// With the same base held, both equities move alike with the close, so the difference is 0 on a bar
// without a fill and, on a bar with a matched fill of qty base, the quote paid or received differs by
//   |d_t| ≤ b_t = (qty · priceBound_t + 1 atom) / E0
// (a sell's proceeds are the buy's difference times 1 − fee rate ≤ 1; the atom covers the commission's
// rounding). Then std(d) ≤ rms(d) ≤ rms(b): the tracking-error bound is sqrt(Σ b_t² / N) over the N bars
// of the period, and the cumulative gap's is Σ b_t. Unmatched trades get no allowance (they fail anyway).
import type { ClosedBar } from "../market/types.ts";
import type { FillConfig } from "./account.ts";
import { filledQty, type Matching, type PaperOrder } from "./parity.ts";
import type { BacktestResult } from "./run.ts";

export interface ParityBar {
  readonly bar: number;
  readonly openTimeMs: number;
  readonly btReturn: number;
  readonly paperReturn: number;
  /** paper − backtest. */
  readonly diff: number;
  /** b_t above; null when a matched trade's price bound is unknown. */
  readonly bound: number | null;
}

export interface ParityCurve {
  readonly bars: readonly ParityBar[];
  /** E0, quote atoms. */
  readonly equityRef: number;
  readonly trackingError: number;
  /** null when a bar's bound is unknown. */
  readonly trackingErrorBound: number | null;
  /** Σ diff: (paper equity − backtest equity) at the period's end over E0. */
  readonly cumulativeReturnGap: number;
  readonly cumulativeGapBound: number | null;
}

export function parityCurve(
  r: BacktestResult,
  m: Matching,
  paper: readonly PaperOrder[],
  bars: readonly ClosedBar[],
  f: FillConfig,
  startQuoteAtoms: number,
): ParityCurve | null {
  if (m.period === null) return null;
  const { from, to } = m.period;
  const before = r.equity[from - 1];
  let q = before?.quote ?? startQuoteAtoms, b = before?.base ?? 0;
  const equityRef = before?.equity ?? startQuoteAtoms;
  // The first filled order of a bar, as matchTrades takes it (a second one is paper_only there).
  const byBar = new Map<number, PaperOrder>();
  for (const o of paper) if (o.bar !== null && filledQty(o) > 0 && !byBar.has(o.bar)) byBar.set(o.bar, o);
  const rowAt = new Map(m.rows.filter((x) => x.bar !== null).map((x) => [x.bar!, x]));
  const out: ParityBar[] = [];
  let prevGap = 0, prevBt = equityRef, prevPaper = equityRef;
  for (let t = from; t <= to; t++) {
    const o = byBar.get(t);
    if (o) [q, b] = settle(o, q, b, f);
    const bt = r.equity[t];
    const close = bars[t].c;
    const paperEq = q + b * close;
    // The gap from the balances' differences, so a bar without a fill differs by exactly 0.
    const gap = (q - bt.quote) + (b - bt.base) * close;
    const row = rowAt.get(t);
    const bound = row?.status !== "matched"
      ? 0
      : row.priceBound === null
      ? null
      : (row.btQty! * row.priceBound + 1) / equityRef;
    out.push({
      bar: t,
      openTimeMs: bars[t].openTimeMs,
      btReturn: (bt.equity - prevBt) / equityRef,
      paperReturn: (paperEq - prevPaper) / equityRef,
      diff: (gap - prevGap) / equityRef,
      bound,
    });
    prevGap = gap;
    prevBt = bt.equity;
    prevPaper = paperEq;
  }
  const n = out.length;
  const mean = out.reduce((s, x) => s + x.diff, 0) / n;
  const te = Math.sqrt(out.reduce((s, x) => s + (x.diff - mean) ** 2, 0) / n);
  const known = out.every((x) => x.bound !== null);
  return {
    bars: out,
    equityRef,
    trackingError: te,
    trackingErrorBound: known ? Math.sqrt(out.reduce((s, x) => s + x.bound! ** 2, 0) / n) : null,
    cumulativeReturnGap: prevGap / equityRef,
    cumulativeGapBound: known ? out.reduce((s, x) => s + x.bound!, 0) : null,
  };
}

/** The paper order's fills on the balances (the commission from what its side received, in its asset). */
function settle(o: PaperOrder, quote: number, base: number, f: FillConfig): [number, number] {
  const s = f.symbol;
  for (const x of o.fills) {
    const feeBase = x.commissionAsset === s.base ? x.commission : 0;
    const feeQuote = x.commissionAsset === s.quote ? x.commission : 0;
    if (o.side === "BUY") {
      quote -= x.quote + feeQuote;
      base += x.qty - feeBase;
    } else {
      quote += x.quote - feeQuote;
      base -= x.qty + feeBase;
    }
  }
  return [quote, base];
}
