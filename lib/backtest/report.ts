// A backtest's files, rendered from its result, pure: trades (JSONL and TSV), the per-bar equity curve,
// and parity's per-trade and per-bar tables. Amounts in atoms print as exact 8-decimal strings; floats
// (prices from ticks, equity marked at a close, ratios) with 12 significant digits.
import type { ClosedBar } from "../market/types.ts";
import { formatAtoms } from "../sim/trading/decimal.ts";
import type { FillConfig } from "./account.ts";
import type { ParityRow } from "./parity.ts";
import type { ParityBar } from "./parity_curve.ts";
import type { EquityPoint, Trade } from "./run.ts";

/** A float as the files print it (12 significant digits, no exponent noise for integers). */
export const num = (v: number): string => Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
const iso = (ms: number) => new Date(ms).toISOString();
const tsv = (header: readonly string[], rows: readonly (readonly string[])[]) =>
  [header, ...rows].map((r) => r.join("\t")).join("\n") + "\n";
const opt = (v: number | null, f: (x: number) => string = num) => v === null ? "" : f(v);

const TRADE_COLUMNS = [
  "bar",
  "open_time",
  "side",
  "reason",
  "qty",
  "price",
  "quote",
  "commission",
  "commission_asset",
  "fee",
  "realised_pnl",
] as const;

function tradeFields(t: Trade, f: FillConfig): Record<typeof TRADE_COLUMNS[number], string | number> {
  return {
    bar: t.bar,
    open_time: iso(t.openTimeMs),
    side: t.side,
    reason: t.reason,
    qty: formatAtoms(t.qty),
    price: t.price,
    quote: formatAtoms(t.quote),
    commission: formatAtoms(t.commission),
    commission_asset: t.commissionIn === "base" ? f.symbol.base : f.symbol.quote,
    fee: t.fee / 1e8,
    realised_pnl: t.realised / 1e8,
  };
}

export function tradesJsonl(trades: readonly Trade[], f: FillConfig): string {
  return trades.map((t) => JSON.stringify(tradeFields(t, f)) + "\n").join("");
}

export function tradesTsv(trades: readonly Trade[], f: FillConfig): string {
  const rows = trades.map((t) => {
    const x = tradeFields(t, f);
    return TRADE_COLUMNS.map((k) => typeof x[k] === "number" ? num(x[k] as number) : String(x[k]));
  });
  return tsv(TRADE_COLUMNS, rows);
}

/** Per bar: the account after the bar's fill, marked at its close; drawdown from the running peak. */
export function equityTsv(curve: readonly EquityPoint[], startQuoteAtoms: number): string {
  let peak = startQuoteAtoms;
  const rows = curve.map((p) => {
    peak = Math.max(peak, p.equity);
    return [
      String(p.bar),
      iso(p.openTimeMs),
      num(p.close),
      formatAtoms(p.quote),
      formatAtoms(p.base),
      num(p.equity / 1e8),
      num(peak > 0 ? (peak - p.equity) / peak : 0),
    ];
  });
  return tsv(["bar", "open_time", "close", "quote", "base", "equity", "drawdown"], rows);
}

export function parityTsv(rows: readonly ParityRow[], bars: readonly ClosedBar[]): string {
  const within = (r: ParityRow) =>
    r.priceDiff === null || r.priceBound === null ? "" : Math.abs(r.priceDiff) <= r.priceBound ? "yes" : "no";
  return tsv(
    [
      "bar",
      "open_time",
      "status",
      "side",
      "correlation_id",
      "client_order_id",
      "backtest_qty",
      "paper_qty",
      "backtest_price",
      "paper_price",
      "price_diff",
      "price_bound",
      "within_bound",
      "detail",
    ],
    rows.map((r) => [
      r.bar === null ? "" : String(r.bar),
      r.bar === null ? "" : iso(bars[r.bar].openTimeMs),
      r.status,
      r.side,
      r.correlationId ?? "",
      r.clientOrderId ?? "",
      opt(r.btQty, formatAtoms),
      opt(r.paperQty, formatAtoms),
      opt(r.btPrice),
      opt(r.paperPrice),
      opt(r.priceDiff),
      opt(r.priceBound),
      within(r),
      r.detail,
    ]),
  );
}

export function parityBarsTsv(curve: readonly ParityBar[]): string {
  return tsv(
    ["bar", "open_time", "backtest_return", "paper_return", "diff", "bound"],
    curve.map((b) => [
      String(b.bar),
      iso(b.openTimeMs),
      num(b.btReturn),
      num(b.paperReturn),
      num(b.diff),
      opt(b.bound),
    ]),
  );
}
