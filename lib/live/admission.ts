// What admission counts and builds, pure: the exposure risk sees (the book's open orders plus the
// orders admitted whose intents are not durable yet), the risk verdict on it, and the new order a
// caller's spec becomes.
import type { OmsBook } from "../oms/book.ts";
import { checkOrder, type RiskVerdict } from "../oms/risk.ts";
import { isClosed } from "../oms/order.ts";
import type { NewOrder } from "../oms/records.ts";
import type { OrderType, Side, TimeInForce } from "../trading/venue.ts";
import type { LoopCore } from "./core.ts";

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

/** The risk check of `spec` against the loop's state now, `ex` and the orders sent in the last second. */
export function riskVerdict(core: LoopCore, spec: OrderSpec, ex: Exposure, lastSecond: number): RiskVerdict {
  return checkOrder(core.cfg.risk, {
    nowMs: core.now(),
    killSwitch: core.ks,
    position: core.j.book.position(spec.symbol),
    workingBuy: ex.buy,
    workingSell: ex.sell,
    openOrders: ex.open,
    ordersLastSecond: lastSecond,
    lastClose: core.lastClose.get(spec.symbol) ?? null,
    equity: core.equity ?? { equity: 0, peak: 0, dayStart: 0, day: "" },
    reconciling: core.reconciling,
  }, { ...spec, reduceOnly: spec.reduceOnly ?? false });
}
