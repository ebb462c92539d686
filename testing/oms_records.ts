// Event-log records for OMS tests, as the loop would append them: intents, order events, fills.
import type { OrderEvent } from "../lib/oms/order.ts";
import { type NewOrder, REC } from "../lib/oms/records.ts";

export const U = 100_000_000; // atoms per unit

export interface Rec {
  readonly type: string;
  readonly data: unknown;
  readonly corr?: string;
}

export function newOrder(id: string, more: Partial<NewOrder> = {}): NewOrder {
  return {
    clientOrderId: id,
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: U,
    price: 100 * U,
    reduceOnly: false,
    strategy: "rs01",
    correlationId: `corr-${id}`,
    ...more,
  };
}

export const intent = (id: string, counter: number, more: Partial<NewOrder> = {}): Rec => ({
  type: REC.intent,
  data: { order: newOrder(id, more), counter },
  corr: `corr-${id}`,
});

export const ev = (id: string, event: OrderEvent): Rec => ({
  type: REC.event,
  data: { clientOrderId: id, event },
  corr: `corr-${id}`,
});

/** A fill of `qty` atoms at `price` atoms per unit, commission in USDT. */
export const fillEv = (id: string, tradeId: number, qty: number, price = 100 * U, fee = 0): Rec =>
  ev(id, {
    kind: "fill",
    fill: {
      tradeId,
      qty,
      price,
      quote: Math.round(qty * (price / U)),
      commission: fee,
      commissionAsset: fee ? "USDT" : null,
      timeMs: 1_000 + tradeId,
      isMaker: true,
    },
  });
