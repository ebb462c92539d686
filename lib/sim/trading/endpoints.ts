// One table of the signed endpoints: the REST route and the WebSocket API method of each, over the
// same protocol-neutral code, so both faces of the venue always answer alike.
import { account, allOrders, myTrades } from "./rest_lists.ts";
import {
  cancelOpenOrders,
  cancelOrder,
  openOrders,
  placeOrder,
  queryOrder,
  type Reply,
  testOrder,
  type TradingContext,
} from "./rest_orders.ts";
import type { Params } from "./validate.ts";

export type SignedCall = (account: string, p: Params, now: number) => Reply;

export interface SignedEndpoint {
  /** "METHOD /api/v3/path". */
  readonly rest: string;
  /** WebSocket API method name. */
  readonly ws: string;
  readonly call: SignedCall;
  /** Request weight (binance_trading.md §2; the 2026-04 "0 on success" for order calls is not modelled). */
  readonly weight: (p: Params) => number;
}

export function signedEndpoints(ctx: TradingContext): readonly SignedEndpoint[] {
  return [
    {
      rest: "POST /api/v3/order",
      ws: "order.place",
      call: (a, p, now) => placeOrder(ctx, a, p, now),
      weight: () => 1,
    },
    {
      rest: "POST /api/v3/order/test",
      ws: "order.test",
      call: (_a, p) => testOrder(ctx, p),
      weight: (p) => p.get("computeCommissionRates") === "true" ? 20 : 1,
    },
    {
      rest: "DELETE /api/v3/order",
      ws: "order.cancel",
      call: (a, p, now) => cancelOrder(ctx, a, p, now),
      weight: () => 1,
    },
    {
      rest: "DELETE /api/v3/openOrders",
      ws: "openOrders.cancelAll",
      call: (a, p, now) => cancelOpenOrders(ctx, a, p, now),
      weight: () => 1,
    },
    { rest: "GET /api/v3/order", ws: "order.status", call: (a, p) => queryOrder(ctx, a, p), weight: () => 4 },
    {
      rest: "GET /api/v3/openOrders",
      ws: "openOrders.status",
      call: (a, p) => openOrders(ctx, a, p),
      weight: (p) => p.get("symbol") ? 6 : 80,
    },
    {
      rest: "GET /api/v3/allOrders",
      ws: "allOrders",
      call: (a, p) => allOrders(ctx, a, p),
      weight: () => 20,
    },
    {
      rest: "GET /api/v3/myTrades",
      ws: "myTrades",
      call: (a, p, now) => myTrades(ctx, a, p, now),
      weight: (p) => p.get("orderId") ? 5 : 20,
    },
    {
      rest: "GET /api/v3/account",
      ws: "account.status",
      call: (a, p) => account(ctx, a, p),
      weight: () => 20,
    },
  ];
}
