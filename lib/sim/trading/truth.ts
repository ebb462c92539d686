// The venue's ground truth for trading (--orders-truth / --fills-truth): every order state change
// as an allOrders row plus `event` (the executionReport execution type) and every fill as a myTrades
// row, each with the `account` it belongs to (an account name, never a key). Also, in the orders
// truth, each place refused because an open order holds its client id (`event` REFUSED, -2010
// Duplicate order sent.): no order changed, but a client sent a known id again, which a proof must
// see even though the venue protected it. Written through the simulator's JSONL writer (the
// project's one appender), one batch per engine call, in event order.
import type { VenueError } from "./errors.ts";
import type { SpotSymbol } from "./symbols.ts";
import type { NewOrder, OrderEvent } from "./types.ts";
import { fillView, orderView } from "./views.ts";

/** The orders truth's `event` of a refused place (never an executionReport type, never an order row). */
export const REFUSED_EVENT = "REFUSED";

/** Where truth lines go (JsonlWriter fits; null: not recorded). */
export interface LineSink {
  write(records: readonly unknown[]): void;
}

export function orderTruthLine(s: SpotSymbol, e: OrderEvent): Record<string, unknown> {
  return { event: e.execType, account: e.order.account, ...orderView(s, e.order) };
}

export function fillTruthLine(s: SpotSymbol, e: OrderEvent): Record<string, unknown> | null {
  return e.fill ? { account: e.fill.account, ...fillView(s, e.fill) } : null;
}

/** A refused place: who sent which client id, the venue's answer, and the open order holding that id. */
export function refusedTruthLine(
  account: string,
  n: NewOrder,
  err: VenueError,
  heldByOrderId: number | null,
  now: number,
): Record<string, unknown> {
  return {
    event: REFUSED_EVENT,
    account,
    symbol: n.symbol,
    clientOrderId: n.clientOrderId,
    side: n.side,
    type: n.type,
    code: err.code,
    msg: err.msg,
    heldByOrderId,
    time: now,
  };
}

export class TradingTruth {
  readonly #orders: LineSink | null;
  readonly #fills: LineSink | null;
  readonly #symbols: ReadonlyMap<string, SpotSymbol>;

  constructor(symbols: ReadonlyMap<string, SpotSymbol>, orders: LineSink | null, fills: LineSink | null) {
    this.#symbols = symbols;
    this.#orders = orders;
    this.#fills = fills;
  }

  /** Records the events of one engine call. */
  record(events: readonly OrderEvent[]): void {
    if (events.length === 0) return;
    const orders: unknown[] = [], fills: unknown[] = [];
    for (const e of events) {
      const s = this.#symbols.get(e.order.symbol)!;
      orders.push(orderTruthLine(s, e));
      const f = fillTruthLine(s, e);
      if (f) fills.push(f);
    }
    this.#orders?.write(orders);
    this.#fills?.write(fills);
  }

  /** Records a place refused as a duplicate client id (the order holding it: `heldByOrderId`). */
  refused(account: string, n: NewOrder, err: VenueError, heldByOrderId: number | null, now: number): void {
    this.#orders?.write([refusedTruthLine(account, n, err, heldByOrderId, now)]);
  }
}
