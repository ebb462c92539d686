// Pre-trade risk checks, pure, each denial with a reason code and a detail: the kill switch, a running
// reconciliation, the order's own sanity, orders per second, open orders, the price collar against the
// last closed bar, notional per order, position per symbol (working orders counted as if filled), daily
// loss and drawdown. The last two also say `trip`: the caller engages the kill switch (a latch, not a timer).
// Amounts in atoms of 1e-8; ratios in basis points, so nothing here is a float.
import { type KillSwitch, mayPass } from "./kill_switch.ts";
import { mulDiv, type Position } from "./position.ts";

const ATOMS = 100_000_000;

export const RISK_REASONS = [
  "TRADING_HALTED",
  "RECONCILING",
  "INVALID_ORDER",
  "REDUCE_ONLY_WOULD_INCREASE",
  "RATE_LIMIT_EXCEEDED",
  "MAX_OPEN_ORDERS",
  "NO_REFERENCE_PRICE",
  "PRICE_OUTSIDE_COLLAR",
  "NOTIONAL_EXCEEDS_MAX_PER_ORDER",
  "NO_LIMIT_FOR_SYMBOL",
  "POSITION_EXCEEDS_MAX",
  "DAILY_LOSS_EXCEEDED",
  "DRAWDOWN_EXCEEDED",
] as const;
export type RiskReason = typeof RISK_REASONS[number];

export interface RiskLimits {
  /** Quote atoms. */
  readonly maxNotionalPerOrder: number;
  /** Absolute base atoms per symbol; a symbol not listed may not trade. */
  readonly maxPosition: Readonly<Record<string, number>>;
  readonly maxOpenOrders: number;
  readonly maxOrdersPerSecond: number;
  /** Largest distance of a limit price from the last close, in basis points. */
  readonly priceCollarBps: number;
  /** A last close older than this is no reference (the feed is stale). */
  readonly maxBarAgeMs: number;
  /** Quote atoms lost since the UTC day's start equity. */
  readonly maxDailyLoss: number;
  /** Fall from peak equity, in basis points. */
  readonly maxDrawdownBps: number;
}

export interface OrderAsk {
  readonly symbol: string;
  readonly side: "BUY" | "SELL";
  readonly type: "LIMIT" | "MARKET" | "LIMIT_MAKER";
  readonly quantity: number;
  readonly price: number | null;
  readonly reduceOnly: boolean;
}

export interface RiskContext {
  readonly nowMs: number;
  readonly killSwitch: KillSwitch;
  readonly position: Position;
  /** Remaining (unfilled) base atoms of this symbol's working orders, per side. */
  readonly workingBuy: number;
  readonly workingSell: number;
  /** Working orders over all symbols. */
  readonly openOrders: number;
  /** Orders sent in the last second (the caller's SlidingLog, lib/util/sliding_window.ts). */
  readonly ordersLastSecond: number;
  readonly lastClose: { readonly price: number; readonly closeTimeMs: number } | null;
  readonly equity: EquityTrack;
  /** A reconciliation runs (start, or after a user-stream reconnect): new orders wait, cancels pass. */
  readonly reconciling?: boolean;
}

export interface EquityTrack {
  /** Quote atoms, marked to market. */
  readonly equity: number;
  readonly peak: number;
  readonly dayStart: number;
  /** The UTC day (YYYY-MM-DD) dayStart belongs to. */
  readonly day: string;
}

export type RiskVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: RiskReason; readonly detail: string; readonly trip: boolean };

const deny = (reason: RiskReason, detail: string, trip = false): RiskVerdict => ({
  ok: false,
  reason,
  detail,
  trip,
});

/** Whether the order only brings the position (with same-side working orders) towards zero. */
export function isReducing(o: OrderAsk, pos: Position, workingSameSide: number): boolean {
  const against = o.side === "SELL" ? pos.qty : -pos.qty;
  return against > 0 && o.quantity + workingSameSide <= against;
}

/** The limits breached by the account now, if any: daily loss first, then drawdown. */
export function accountBreach(l: RiskLimits, e: EquityTrack): RiskVerdict {
  const loss = e.dayStart - e.equity;
  if (loss >= l.maxDailyLoss) {
    return deny("DAILY_LOSS_EXCEEDED", `lost ${loss} of at most ${l.maxDailyLoss} quote atoms today`, true);
  }
  const dd = drawdownBps(e);
  if (dd >= l.maxDrawdownBps) {
    return deny(
      "DRAWDOWN_EXCEEDED",
      `drawdown ${dd} bps from peak ${e.peak}, limit ${l.maxDrawdownBps}`,
      true,
    );
  }
  return { ok: true };
}

/** Fall from peak in basis points (rounded down), 0 at or above the peak. */
export function drawdownBps(e: EquityTrack): number {
  if (e.peak <= 0 || e.equity >= e.peak) return 0;
  return Number((BigInt(e.peak - e.equity) * 10_000n) / BigInt(e.peak));
}

/** Equity marked at `nowMs`: the peak rises with it; a new UTC day starts from it. */
export function markEquity(e: EquityTrack | null, equity: number, nowMs: number): EquityTrack {
  const day = new Date(nowMs).toISOString().slice(0, 10);
  if (!e) return { equity, peak: equity, dayStart: equity, day };
  return { equity, peak: Math.max(e.peak, equity), dayStart: day === e.day ? e.dayStart : equity, day };
}

/** The pre-trade verdict for one new order. */
export function checkOrder(l: RiskLimits, c: RiskContext, o: OrderAsk): RiskVerdict {
  const sameSide = o.side === "BUY" ? c.workingBuy : c.workingSell;
  const reducing = isReducing(o, c.position, sameSide);
  const gate = mayPass(c.killSwitch, { kind: "place", reducing });
  if (!gate.ok) return deny(gate.reason, gate.detail);
  if (c.reconciling) return deny("RECONCILING", "new orders wait while a reconciliation runs");
  if (!Number.isSafeInteger(o.quantity) || o.quantity <= 0 || (o.type !== "MARKET" && !(o.price! > 0))) {
    return deny("INVALID_ORDER", "quantity and (for a limit order) price must be positive atoms");
  }
  if (o.reduceOnly && !reducing) {
    return deny("REDUCE_ONLY_WOULD_INCREASE", `position ${c.position.qty}, ${o.side} ${o.quantity}`);
  }
  if (c.ordersLastSecond >= l.maxOrdersPerSecond) {
    return deny(
      "RATE_LIMIT_EXCEEDED",
      `${c.ordersLastSecond} orders in the last second, limit ${l.maxOrdersPerSecond}`,
    );
  }
  if (c.openOrders >= l.maxOpenOrders) {
    return deny("MAX_OPEN_ORDERS", `${c.openOrders} open, limit ${l.maxOpenOrders}`);
  }
  const ref = c.lastClose;
  if (!ref || c.nowMs - ref.closeTimeMs > l.maxBarAgeMs) {
    return deny(
      "NO_REFERENCE_PRICE",
      ref ? `last close is ${c.nowMs - ref.closeTimeMs} ms old` : "no closed bar yet",
    );
  }
  const price = o.type === "MARKET" ? ref.price : o.price!;
  // Exact: |price - close| * 10000 > collar * close, no rounding at the edge.
  const off = BigInt(Math.abs(price - ref.price)) * 10_000n;
  if (off > BigInt(l.priceCollarBps) * BigInt(ref.price)) {
    const bps = Number(off / BigInt(ref.price));
    return deny("PRICE_OUTSIDE_COLLAR", `${price} is over ${bps} bps from the last close ${ref.price}`);
  }
  const notional = mulDiv(o.quantity, price, ATOMS);
  if (notional > l.maxNotionalPerOrder) {
    return deny("NOTIONAL_EXCEEDS_MAX_PER_ORDER", `${notional} > ${l.maxNotionalPerOrder} quote atoms`);
  }
  const max = l.maxPosition[o.symbol];
  if (max === undefined) return deny("NO_LIMIT_FOR_SYMBOL", `no max position configured for ${o.symbol}`);
  const worst = o.side === "BUY"
    ? c.position.qty + c.workingBuy + o.quantity
    : c.position.qty - c.workingSell - o.quantity;
  if (!reducing && Math.abs(worst) > max) {
    return deny("POSITION_EXCEEDS_MAX", `position would reach ${worst}, limit ${max} base atoms`);
  }
  if (!reducing) {
    const acct = accountBreach(l, c.equity);
    if (!acct.ok) return acct;
  }
  return { ok: true };
}
