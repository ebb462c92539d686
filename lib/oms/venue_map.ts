// Between the venue's words (lib/trading/venue.ts: decimal strings, Binance statuses and execution
// types) and the OMS's (atoms, OrderEvents). Pure; a venue value that does not parse is returned as a
// problem string for the caller to count, never thrown. The decimal parser is the simulator's exact
// one (8 places, integer atoms), so the OMS and the venue simulator round nothing differently.
import { formatAtoms, parseAtoms } from "../sim/trading/decimal.ts";
import type { Fill, OrderRequest, UserEvent, VenueOrder } from "../trading/venue.ts";
import type { Order, OrderEvent, OrderFill } from "./order.ts";
import type { NewOrder } from "./records.ts";

/** "0.01000000" -> 1_000_000 atoms, or the problem naming the value. */
export function toAtoms(s: string | undefined, what: string): number | string {
  if (s === undefined) return `${what} is missing`;
  const a = parseAtoms(s);
  return typeof a === "number" ? a : `${what} "${s}": ${a}`;
}

/** The venue's fill in atoms, or what is wrong with it. */
export function orderFillOf(f: Fill): OrderFill | string {
  const qty = toAtoms(f.qty, "qty"), price = toAtoms(f.price, "price");
  const quote = toAtoms(f.quoteQty, "quoteQty"), commission = toAtoms(f.commission, "commission");
  for (const v of [qty, price, quote, commission]) {
    if (typeof v === "string") return `trade ${f.tradeId}: ${v}`;
  }
  return {
    tradeId: f.tradeId,
    qty: qty as number,
    price: price as number,
    quote: quote as number,
    commission: commission as number,
    commissionAsset: f.commissionAsset,
    timeMs: f.timeMs,
    isMaker: f.isMaker,
  };
}

/** The place request for an order (the same on every retry: same client id, same amounts). */
export function requestOf(o: Order): OrderRequest {
  return {
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    clientOrderId: o.clientOrderId,
    quantity: formatAtoms(o.quantity),
    ...(o.price !== null ? { price: formatAtoms(o.price) } : {}),
    ...(o.timeInForce !== null && o.type === "LIMIT" ? { timeInForce: o.timeInForce } : {}),
  };
}

/** A venue order the OMS does not know, as an order to adopt (origin external), or the problem. */
export function adoptionOf(v: VenueOrder, correlationId: string): NewOrder | string {
  const quantity = toAtoms(v.origQty, "origQty");
  if (typeof quantity === "string") return `order ${v.orderId}: ${quantity}`;
  const price = v.price === undefined || v.type === "MARKET" ? null : toAtoms(v.price, "price");
  if (typeof price === "string") return `order ${v.orderId}: ${price}`;
  if (!v.side || (v.type !== "LIMIT" && v.type !== "MARKET" && v.type !== "LIMIT_MAKER")) {
    return `order ${v.orderId}: side or type (${v.side}, ${v.type}) the OMS does not track`;
  }
  return {
    clientOrderId: v.clientOrderId,
    symbol: v.symbol,
    side: v.side,
    type: v.type,
    timeInForce: null,
    quantity,
    price: price === 0 ? null : price,
    reduceOnly: false,
    strategy: "external",
    correlationId,
  };
}

/** The venue still works the order: a cancel would find it, a fill may come. */
export const openAtVenue = (v: VenueOrder): boolean =>
  v.status === "NEW" || v.status === "PARTIALLY_FILLED" || v.status === "PENDING_NEW";

/**
 * What a venue order's status says happened (fills aside: they come by trade id, from the stream or
 * fillsSince). Open statuses say it was accepted; closed ones say how it closed.
 */
export function statusEvent(v: VenueOrder, rejectReason = "rejected by the venue"): OrderEvent | null {
  switch (v.status) {
    case "NEW":
    case "PENDING_NEW":
    case "PARTIALLY_FILLED":
    case "FILLED":
    case "PENDING_CANCEL":
      return { kind: "accepted", venueOrderId: v.orderId };
    case "CANCELED":
      return { kind: "canceled" };
    case "EXPIRED":
    case "EXPIRED_IN_MATCH":
      return { kind: "expired", reason: v.status };
    case "REJECTED":
      return { kind: "rejected", reason: rejectReason };
    default:
      return null;
  }
}

/**
 * The OMS events of one user-stream order event, in order: a TRADE is the ack (a duplicate when known)
 * then the fill; other execution types follow the order's status. A fill that does not parse is the
 * problem string instead.
 */
export function streamEvents(ev: Extract<UserEvent, { type: "order" }>): OrderEvent[] | string {
  const ack: OrderEvent = { kind: "accepted", venueOrderId: ev.order.orderId };
  if (ev.execType === "TRADE") {
    if (!ev.fill) return `order ${ev.order.orderId}: a TRADE without its fill`;
    const f = orderFillOf(ev.fill);
    return typeof f === "string" ? f : [ack, { kind: "fill", fill: f }];
  }
  if (ev.execType === "NEW") return [ack];
  const s = statusEvent(ev.order, ev.rejectReason);
  return s ? [s] : [];
}
