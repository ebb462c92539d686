// Parity, part 1: the live loop's paper trades against the backtest's, bar by bar. A paper order names
// its deciding bar by correlation id (the caller resolves it to a bar index); within the period the loop
// ran (the bars that closed between its event log's first and last record, and any bar it filled an order
// for) every backtest fill must meet a paper order of the same bar, side and quantity, and every filled
// paper order a backtest fill. Not its fills' span: a trade the loop should have made while it ran and did
// not (a buy never sold) is then unmatched, not left outside the comparison. Pure.
//
// The price bound per trade, from the fill model: a MARKET order fills at the last print when it reaches
// the simulator, moved by the slippage (takerPriceTicks); the backtest fills the same way at the deciding
// bar's close, which is that bar's last print. The paper order is sent after the bar closed, so its last
// print is one printed between the close and the order's fill time: inside [low, high] of the stored
// bars covering that time (the close included). Slippage and tick rounding are monotone in the print, so
//   |paper price − backtest price| ≤ max(tp(high) − tp(close), tp(close) − tp(low)),  tp = takerPriceTicks.
// When stored bars do not cover the fill time (a gap, or past the range) the bound is unknown (null).
import type { ClosedBar } from "../market/types.ts";
import { takerPriceTicks } from "../sim/trading/fill_model.ts";
import type { OrderSide } from "../sim/trading/types.ts";
import { type FillConfig, priceOf, ticksOf } from "./account.ts";
import type { Trade } from "./run.ts";

/** One fill of a paper order as the loop's event log records it (atoms of 1e-8). */
export interface PaperFill {
  readonly tradeId: number;
  readonly price: number;
  readonly qty: number;
  readonly quote: number;
  readonly commission: number;
  readonly commissionAsset: string | null;
  readonly timeMs: number;
}

export interface PaperOrder {
  readonly clientOrderId: string;
  readonly correlationId: string;
  readonly side: OrderSide;
  readonly state: string;
  readonly fills: readonly PaperFill[];
  /** The bar its correlation id names among the backtest's bars; null when none. */
  readonly bar: number | null;
}

export type ParityStatus = "matched" | "mismatch" | "backtest_only" | "paper_only";

export interface ParityRow {
  readonly bar: number | null;
  readonly status: ParityStatus;
  readonly detail: string;
  readonly side: OrderSide;
  readonly correlationId: string | null;
  readonly clientOrderId: string | null;
  /** Base atoms filled. */
  readonly btQty: number | null;
  readonly paperQty: number | null;
  /** Average fill prices, quote units. */
  readonly btPrice: number | null;
  readonly paperPrice: number | null;
  /** paper − backtest, quote units (null unless both traded). */
  readonly priceDiff: number | null;
  /** The fill model's largest |priceDiff| for this trade (above); null when not known. */
  readonly priceBound: number | null;
}

export interface Matching {
  readonly rows: readonly ParityRow[];
  /** Bar indexes the loop ran over (above); null: it ran over none of these bars and filled no order on them. */
  readonly period: { readonly from: number; readonly to: number } | null;
  /** Backtest fills outside the period (not compared). */
  readonly outside: number;
}

/** When the loop ran: its event log's first and last record time (ms), over all its runs. */
export interface LoopSpan {
  readonly fromMs: number;
  readonly toMs: number;
}

export const filledQty = (o: PaperOrder) => o.fills.reduce((n, f) => n + f.qty, 0);
const filledQuote = (o: PaperOrder) => o.fills.reduce((n, f) => n + f.quote, 0);

export function matchTrades(
  trades: readonly Trade[],
  paper: readonly PaperOrder[],
  bars: readonly ClosedBar[],
  f: FillConfig,
  intervalMs: number,
  ran: LoopSpan | null,
): Matching {
  const filled = paper.filter((o) => filledQty(o) > 0);
  const closedWhileRunning = ran === null ? [] : bars.map((b, i) => ({ end: b.openTimeMs + intervalMs, i }))
    .filter((x) => x.end >= ran.fromMs && x.end <= ran.toMs).map((x) => x.i);
  const onBars = [...closedWhileRunning, ...filled.filter((o) => o.bar !== null).map((o) => o.bar!)];
  // A loop, not Math.min(...onBars): spreading one index per bar overflows the stack past ~120k bars.
  const period = onBars.length
    ? onBars.reduce((p, i) => ({ from: Math.min(p.from, i), to: Math.max(p.to, i) }), {
      from: onBars[0],
      to: onBars[0],
    })
    : null;
  const inPeriod = (i: number) => period !== null && i >= period.from && i <= period.to;
  const rows: ParityRow[] = [];
  const empty = {
    btQty: null,
    paperQty: null,
    btPrice: null,
    paperPrice: null,
    priceDiff: null,
    priceBound: null,
  };
  const paperRow = (o: PaperOrder, detail: string): ParityRow => ({
    ...empty,
    bar: o.bar,
    status: "paper_only",
    detail,
    side: o.side,
    correlationId: o.correlationId,
    clientOrderId: o.clientOrderId,
    paperQty: filledQty(o),
    paperPrice: avgPrice(o),
  });
  const paperAt = new Map<number, PaperOrder>();
  for (const o of filled) {
    if (o.bar === null) rows.push(paperRow(o, "its correlation id names no bar of the backtest's range"));
    else if (paperAt.has(o.bar)) rows.push(paperRow(o, "a second filled order for this bar"));
    else paperAt.set(o.bar, o);
  }
  const unfilledAt = new Map(
    paper.filter((o) => o.bar !== null && filledQty(o) === 0).map((o) => [o.bar!, o]),
  );
  const btAt = new Map(trades.filter((t) => inPeriod(t.bar)).map((t) => [t.bar, t]));
  for (const i of [...new Set([...btAt.keys(), ...paperAt.keys()])].sort((a, b) => a - b)) {
    const t = btAt.get(i), o = paperAt.get(i);
    if (!o) {
      const u = unfilledAt.get(i);
      const detail = u ? `paper order ${u.clientOrderId} ended ${u.state} without a fill` : "no paper order";
      rows.push({
        ...empty,
        bar: i,
        status: "backtest_only",
        detail,
        side: t!.side,
        correlationId: null,
        clientOrderId: null,
        btQty: t!.qty,
        btPrice: t!.price,
      });
      continue;
    }
    if (!t) {
      rows.push(paperRow(o, "the backtest did not trade this bar"));
      continue;
    }
    const paperQty = filledQty(o), paperPrice = avgPrice(o);
    const why = o.side !== t.side
      ? `paper ${o.side}, backtest ${t.side}`
      : paperQty !== t.qty
      ? `paper filled ${paperQty} atoms, backtest ${t.qty}`
      : "";
    const last = Math.max(...o.fills.map((x) => x.timeMs));
    rows.push({
      bar: i,
      status: why ? "mismatch" : "matched",
      detail: why,
      side: t.side,
      correlationId: o.correlationId,
      clientOrderId: o.clientOrderId,
      btQty: t.qty,
      paperQty,
      btPrice: t.price,
      paperPrice,
      priceDiff: paperPrice - t.price,
      priceBound: priceBound(bars, i, t.side, last, f, intervalMs),
    });
  }
  return { rows, period, outside: trades.filter((t) => !inPeriod(t.bar)).length };
}

/** Quote units per base unit. */
const avgPrice = (o: PaperOrder) => filledQuote(o) / filledQty(o);

/** The bound above for the trade decided at bar `i` and last filled at `fillMs`. */
export function priceBound(
  bars: readonly ClosedBar[],
  i: number,
  side: OrderSide,
  fillMs: number,
  f: FillConfig,
  intervalMs: number,
): number | null {
  const s = f.symbol;
  const close = ticksOf(s, bars[i].c);
  let hi = close, lo = close;
  let until = bars[i].openTimeMs + intervalMs;
  for (let j = i + 1; until <= fillMs; j++) {
    if (j >= bars.length || bars[j].openTimeMs !== until) return null;
    hi = Math.max(hi, ticksOf(s, bars[j].h));
    lo = Math.min(lo, ticksOf(s, bars[j].l));
    until += intervalMs;
  }
  const tp = (ticks: number) => takerPriceTicks(ticks, side, f.slippageBps);
  return priceOf(s, Math.max(tp(hi) - tp(close), tp(close) - tp(lo)));
}
