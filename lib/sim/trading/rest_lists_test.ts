import assert from "node:assert/strict";
import { engine, order, placed, print } from "../../../testing/sim_trading.ts";
import { allOrders, myTrades } from "./rest_lists.ts";
import { placeOrder } from "./rest_orders.ts";

const HOUR = 3_600_000;

/** Five filled buys at hours 0..4 (orderIds 1..5, trade ids 1..5). */
function history() {
  const e = engine({ slippageBps: 0 });
  e.onTrade(print(6_000_000, 1, "sell", 0));
  for (let h = 0; h < 5; h++) placed(e.place("a", order({ qtyLots: 100 }), h * HOUR));
  return { engine: e, truth: null };
}

const ids = (r: { body: unknown }) =>
  (r.body as { orderId?: number; id?: number }[]).map((x) => x.id ?? x.orderId);
const q = (s: string) => new URLSearchParams(`symbol=BTCUSDT&${s}`);

Deno.test("allOrders / myTrades ranges: newest by default, oldest from a lower bound, always chronological", () => {
  const ctx = history();
  assert.deepEqual(ids(allOrders(ctx, "a", q(""))), [1, 2, 3, 4, 5]);
  assert.deepEqual(ids(allOrders(ctx, "a", q("limit=2"))), [4, 5], "no bound: the newest");
  assert.deepEqual(ids(allOrders(ctx, "a", q("orderId=2&limit=2"))), [2, 3], "from an id: the oldest");
  assert.deepEqual(ids(allOrders(ctx, "a", q(`startTime=${HOUR}&limit=2`))), [2, 3]);
  assert.deepEqual(ids(allOrders(ctx, "a", q(`endTime=${3 * HOUR}&limit=2`))), [3, 4]);
  assert.deepEqual(ids(allOrders(ctx, "a", q(`startTime=${HOUR}&endTime=${2 * HOUR}`))), [2, 3]);
  assert.deepEqual(ids(myTrades(ctx, "a", q("fromId=4"), 5 * HOUR)), [4, 5]);
  assert.deepEqual(ids(myTrades(ctx, "a", q("orderId=3"), 5 * HOUR)), [3]);
  assert.deepEqual(ids(allOrders(ctx, "b", q(""))), [], "another account's history is empty");
  assert.deepEqual(allOrders(ctx, "a", q(`startTime=0&endTime=${25 * HOUR}`)), {
    status: 400,
    body: { code: -1127, msg: "More than 24 hours between startTime and endTime." },
  });
  assert.deepEqual(myTrades(ctx, "a", q("fromId=1&startTime=0"), 5 * HOUR), {
    status: 400,
    body: { code: -1128, msg: "Combination of optional parameters invalid." },
  });
  assert.deepEqual(allOrders(ctx, "a", new URLSearchParams("")), {
    status: 400,
    body: { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." },
  });
});

Deno.test("chaos: a fill stays out of myTrades for tradesLagMs (on the stream first, in history later)", () => {
  const hidden: [number[], number][] = [];
  const ctx = {
    ...history(),
    tradesLagMs: () => HOUR,
    onTradesHidden: (f: readonly { id: number }[], ms: number) => hidden.push([f.map((x) => x.id), ms]),
  };
  assert.deepEqual(ids(myTrades(ctx, "a", q(""), 4 * HOUR)), [1, 2, 3, 4]);
  assert.deepEqual(ids(myTrades(ctx, "a", q(""), 5 * HOUR)), [1, 2, 3, 4, 5]);
  assert.deepEqual(hidden, [[[5], HOUR]], "the reply that left a fill out says which, once");
});

Deno.test("newOrderRespType: ACK, RESULT and FULL carry exactly their documented fields", () => {
  const ctx = history();
  const base = "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=0.001&price=61000";
  const keys = (t: string) =>
    Object.keys(placeOrder(ctx, "a", new URLSearchParams(`${base}&newOrderRespType=${t}`), 9).body as object);
  const ack = ["symbol", "orderId", "orderListId", "clientOrderId", "transactTime"];
  const result = [
    ...ack,
    "price",
    "origQty",
    "executedQty",
    "origQuoteOrderQty",
    "cummulativeQuoteQty",
    "status",
    "timeInForce",
    "type",
    "side",
    "workingTime",
    "selfTradePreventionMode",
  ];
  assert.deepEqual(keys("ACK"), ack);
  assert.deepEqual(keys("RESULT"), result);
  assert.deepEqual(keys("FULL"), [...result, "fills"]);
});
