// The order endpoints over the engine, protocol-neutral (REST now, the WebSocket API's order.* methods
// next): parameters in, {status, body} out in Binance's shapes. Every engine change is recorded to the
// ground truth and handed to `onEvents` (user data stream, state save) before the reply is built.
import type { MatchingEngine, OrderRef } from "./engine.ts";
import { ERR, errorBody, isVenueError, mandatory, type VenueError } from "./errors.ts";
import { generatedClientId } from "./order_index.ts";
import type { TradingTruth } from "./truth.ts";
import type { OrderEvent, SimFill } from "./types.ts";
import { type Params, validateNewOrder } from "./validate.ts";
import { cancelView, orderView, placeView } from "./views.ts";

export interface TradingContext {
  readonly engine: MatchingEngine;
  readonly truth: TradingTruth | null;
  /** Called with the events of every engine change, after the truth has them. */
  readonly onEvents?: (events: readonly OrderEvent[]) => void;
  /** Chaos: ms a fill stays out of myTrades after it happened (stream first, history later). */
  readonly tradesLagMs?: () => number;
  /** Chaos: a myTrades reply left out these fills for the lag (logged by the venue). */
  readonly onTradesHidden?: (fills: readonly SimFill[], lagMs: number) => void;
  /** Chaos: runs before one order is canceled (a fill may win the race: venue_chaos.ts). */
  readonly beforeCancel?: (account: string, symbol: string, ref: OrderRef, now: number) => void;
}

/** A reply before it meets a transport. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

export const fail = (e: VenueError): Reply => ({ status: e.http, body: errorBody(e) });
const ok = (body: unknown): Reply => ({ status: 200, body });

export function record(ctx: TradingContext, events: readonly OrderEvent[]): void {
  if (events.length === 0) return;
  ctx.truth?.record(events);
  ctx.onEvents?.(events);
}

/** The engine's view of the symbol named in params (-1102 / -1121 otherwise). */
export function symbolOf(ctx: TradingContext, p: Params) {
  const name = p.get("symbol");
  if (!name) return mandatory("symbol");
  return ctx.engine.symbols.get(name) ?? ERR.badSymbol;
}

/** orderId and/or origClientOrderId, as cancel and query take them. */
export function orderRef(p: Params): OrderRef | VenueError {
  const id = p.get("orderId"), cid = p.get("origClientOrderId");
  if (!id && !cid) {
    return {
      http: 400,
      code: -1102,
      msg: "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
    };
  }
  if (id && !/^[0-9]{1,18}$/.test(id)) return mandatory("orderId");
  return { ...(id ? { orderId: Number(id) } : {}), ...(cid ? { clientOrderId: cid } : {}) };
}

/** POST /api/v3/order. */
export function placeOrder(ctx: TradingContext, account: string, p: Params, now: number): Reply {
  const n = validateNewOrder(p, ctx.engine.symbols, (s) => ctx.engine.lastPrice(s));
  if (isVenueError(n)) return fail(n);
  const r = ctx.engine.place(account, n, now);
  if (r === ERR.duplicateOrder && n.clientOrderId !== null) {
    // A known client id sent again: on record, though nothing changed (truth.ts).
    const held = ctx.engine.orders.openWithClientId(account, n.symbol, n.clientOrderId);
    ctx.truth?.refused(account, n, r, held?.orderId ?? null, now);
  }
  if (isVenueError(r)) return fail(r);
  record(ctx, r.events);
  return ok(placeView(ctx.engine.symbols.get(n.symbol)!, r.order, r.fills, n.respType, now));
}

/** POST /api/v3/order/test: validated like a real order, never reaches the engine. */
export function testOrder(ctx: TradingContext, p: Params): Reply {
  const n = validateNewOrder(p, ctx.engine.symbols, (s) => ctx.engine.lastPrice(s));
  return isVenueError(n) ? fail(n) : ok({});
}

/** DELETE /api/v3/order. */
export function cancelOrder(ctx: TradingContext, account: string, p: Params, now: number): Reply {
  const s = symbolOf(ctx, p);
  if (isVenueError(s)) return fail(s);
  const ref = orderRef(p);
  if (isVenueError(ref)) return fail(ref);
  const restriction = p.get("cancelRestrictions");
  if (restriction !== null && restriction !== "ONLY_NEW" && restriction !== "ONLY_PARTIALLY_FILLED") {
    return fail(mandatory("cancelRestrictions"));
  }
  ctx.beforeCancel?.(account, s.name, ref, now);
  const r = ctx.engine.cancel(account, s.name, ref, now, restriction ?? undefined);
  if (isVenueError(r)) return fail(r);
  const o = r.orders[0];
  const cancelId = p.get("newClientOrderId") ?? generatedClientId(-o.orderId);
  record(ctx, r.events.map((e) => ({ ...e, cancelClientId: cancelId })));
  return ok(cancelView(s, o, cancelId, now));
}

/** DELETE /api/v3/openOrders. */
export function cancelOpenOrders(ctx: TradingContext, account: string, p: Params, now: number): Reply {
  const s = symbolOf(ctx, p);
  if (isVenueError(s)) return fail(s);
  const r = ctx.engine.cancelAll(account, s.name, now);
  if (isVenueError(r)) return fail(r);
  const ids = r.orders.map((o) => generatedClientId(-o.orderId));
  record(ctx, r.events.map((e, i) => ({ ...e, cancelClientId: ids[i] })));
  return ok(r.orders.map((o, i) => cancelView(s, o, ids[i], now)));
}

/** GET /api/v3/order. */
export function queryOrder(ctx: TradingContext, account: string, p: Params): Reply {
  const s = symbolOf(ctx, p);
  if (isVenueError(s)) return fail(s);
  const ref = orderRef(p);
  if (isVenueError(ref)) return fail(ref);
  const o = ctx.engine.find(account, s.name, ref);
  if (o === "mismatch") return fail(ERR.clientIdMismatch);
  return o === null ? fail(ERR.noSuchOrder) : ok(orderView(s, o));
}

/** GET /api/v3/openOrders (all symbols when none is named). */
export function openOrders(ctx: TradingContext, account: string, p: Params): Reply {
  const name = p.get("symbol");
  if (name !== null && !ctx.engine.symbols.has(name)) return fail(ERR.badSymbol);
  const rows = ctx.engine.orders.of(account, name, true);
  return ok(rows.map((o) => orderView(ctx.engine.symbols.get(o.symbol)!, o)));
}
