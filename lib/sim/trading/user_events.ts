// The user data stream's payloads for an engine change (binance_trading.md §5): executionReport
// with Binance's one-letter fields, and outboundAccountPosition for the assets the order touches.
// The WebSocket API wraps each as {"subscriptionId": N, "event": {...}}.
import type { Account } from "./accounts.ts";
import { formatAtoms } from "./decimal.ts";
import { formatPadded } from "../instruments.ts";
import type { SpotSymbol } from "./symbols.ts";
import type { OrderEvent } from "./types.ts";

/**
 * One executionReport. `executionId` is the venue's running execution id (I). On a cancel Binance
 * puts the cancel request's id in `c` and the order's own id in `C`.
 */
export function executionReport(s: SpotSymbol, ev: OrderEvent, executionId: number): Record<string, unknown> {
  const o = ev.order, f = ev.fill;
  const price = (t: number) => formatPadded(t, s.priceDecimals, 8);
  const qty = (l: number) => formatPadded(l, s.sizeDecimals, 8);
  const canceled = ev.execType === "CANCELED";
  const onBook = (o.status === "NEW" || o.status === "PARTIALLY_FILLED") && o.type !== "MARKET";
  return {
    e: "executionReport",
    E: ev.time,
    s: o.symbol,
    c: canceled && ev.cancelClientId !== undefined ? ev.cancelClientId : o.clientOrderId,
    S: o.side,
    o: o.type,
    f: o.timeInForce,
    q: qty(o.origQtyLots),
    p: price(o.priceTicks),
    P: "0.00000000",
    F: "0.00000000",
    g: -1,
    C: canceled ? o.clientOrderId : "",
    x: ev.execType,
    X: o.status,
    r: "NONE",
    i: o.orderId,
    l: qty(f?.qtyLots ?? 0),
    z: qty(o.executedLots),
    L: price(f?.priceTicks ?? 0),
    n: f ? formatAtoms(f.commissionAtoms) : "0",
    N: f ? f.commissionAsset : null,
    T: ev.time,
    t: f ? f.id : -1,
    I: executionId,
    w: onBook,
    m: f ? f.isMaker : false,
    M: false,
    O: o.time,
    Z: formatAtoms(o.cumQuoteAtoms),
    Y: formatAtoms(f?.quoteAtoms ?? 0),
    Q: formatAtoms(o.origQuoteOrderQtyAtoms),
    ...(onBook ? { W: o.workingTime } : {}),
    V: "EXPIRE_MAKER",
    ...(o.expiryReason ? { eR: o.expiryReason } : {}),
  };
}

/** outboundAccountPosition for the symbol's two assets after the change. */
export function accountPosition(s: SpotSymbol, acct: Account, eventTime: number): Record<string, unknown> {
  const row = (a: string) => {
    const b = acct.balances.get(a) ?? { free: 0, locked: 0 };
    return { a, f: formatAtoms(b.free), l: formatAtoms(b.locked) };
  };
  return { e: "outboundAccountPosition", E: eventTime, u: acct.updateTime, B: [row(s.base), row(s.quote)] };
}
