// What admission counts and builds, pure: the exposure risk sees (the book's open orders plus the
// orders admitted whose intents are not durable yet) and the new order a caller's spec becomes.
import type { OmsBook } from "../oms/book.ts";
import { isClosed } from "../oms/order.ts";
import type { NewOrder } from "../oms/records.ts";
import type { OrderType, Side, TimeInForce } from "../trading/venue.ts";

/** What a caller asks for; amounts in atoms of 1e-8. */
export interface OrderSpec {
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce?: TimeInForce;
  readonly quantity: number;
  readonly price: number | null;
  readonly reduceOnly?: boolean;
  readonly strategy?: string;
}

export interface Exposure {
  /** Unfilled base atoms of the symbol's open buys and sells. */
  readonly buy: number;
  readonly sell: number;
  /** Open orders of every symbol. */
  readonly open: number;
}

/**
 * Open orders (queued ones too) as risk counts them, plus `admitted` orders not yet in the book. An
 * admitted order is counted once: in the book as soon as its intent is applied, in `admitted` before.
 */
export function exposure(
  book: OmsBook,
  admitted: ReadonlyMap<string, NewOrder>,
  symbol: string,
): Exposure {
  let buy = 0, sell = 0, open = 0;
  const count = (o: { symbol: string; side: Side; quantity: number }, filled: number) => {
    open++;
    if (o.symbol !== symbol) return;
    if (o.side === "BUY") buy += o.quantity - filled;
    else sell += o.quantity - filled;
  };
  for (const o of book.orders()) if (!isClosed(o.state)) count(o, o.filledQty);
  for (const [id, o] of admitted) if (!book.has(id)) count(o, 0);
  return { buy, sell, open };
}

/** The order a spec becomes under client id `id` (LIMIT defaults to GTC, MARKET has no price). */
export function newOrderOf(spec: OrderSpec, id: string, correlationId: string, tag: string): NewOrder {
  return {
    clientOrderId: id,
    symbol: spec.symbol,
    side: spec.side,
    type: spec.type,
    timeInForce: spec.type === "LIMIT" ? (spec.timeInForce ?? "GTC") : null,
    quantity: spec.quantity,
    price: spec.type === "MARKET" ? null : spec.price,
    reduceOnly: spec.reduceOnly ?? false,
    strategy: spec.strategy ?? tag,
    correlationId,
  };
}
