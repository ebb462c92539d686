import assert from "node:assert/strict";
import { engine, order } from "../../../testing/sim_trading.ts";
import { placeOrder } from "./rest_orders.ts";
import { TradingTruth } from "./truth.ts";

Deno.test("ground truth: an allOrders row plus event per change, a myTrades row per fill", () => {
  const e = engine({
    slippageBps: 0,
    firstOrderId: 7,
    firstTradeId: 50,
  });
  const orders: unknown[] = [], fills: unknown[] = [];
  const truth = new TradingTruth(e.symbols, { write: (r) => orders.push(...r) }, {
    write: (r) => fills.push(...r),
  });
  truth.record(e.onTrade({ symbol: "BTCUSDT", priceTicks: 6_100_000, sizeLots: 1, side: "buy", timeMs: 1 }));
  const r = e.place("a", order({ clientOrderId: "c1", respType: "ACK" }), 2);
  assert.ok("events" in r);
  truth.record(r.events);
  truth.record(
    e.onTrade({ symbol: "BTCUSDT", priceTicks: 6_000_000, sizeLots: 10_000, side: "sell", timeMs: 3 }),
  );
  const row = {
    account: "a",
    symbol: "BTCUSDT",
    orderId: 7,
    orderListId: -1,
    clientOrderId: "c1",
    price: "60000.00000000",
    origQty: "0.01000000",
    executedQty: "0.00000000",
    cummulativeQuoteQty: "0.00000000",
    status: "NEW",
    timeInForce: "GTC",
    type: "LIMIT",
    side: "BUY",
    stopPrice: "0.00000000",
    icebergQty: "0.00000000",
    time: 2,
    updateTime: 2,
    isWorking: true,
    workingTime: 2,
    origQuoteOrderQty: "0.00000000",
    selfTradePreventionMode: "EXPIRE_MAKER",
  };
  assert.deepEqual(orders, [
    { event: "NEW", ...row },
    {
      event: "TRADE",
      ...row,
      executedQty: "0.01000000",
      cummulativeQuoteQty: "600.00000000",
      status: "FILLED",
      updateTime: 3,
      isWorking: false,
    },
  ]);
  assert.deepEqual(fills, [{
    account: "a",
    symbol: "BTCUSDT",
    id: 50,
    orderId: 7,
    orderListId: -1,
    price: "60000.00000000",
    qty: "0.01000000",
    quoteQty: "600.00000000",
    commission: "0.00001000",
    commissionAsset: "BTC",
    time: 3,
    isBuyer: true,
    isMaker: true,
    isBestMatch: true,
  }]);
});

Deno.test("ground truth: a place refused as a duplicate client id is a REFUSED line; other refusals are not recorded", () => {
  const e = engine({ slippageBps: 0, firstOrderId: 7 });
  const orders: Record<string, unknown>[] = [];
  const ctx = {
    engine: e,
    truth: new TradingTruth(
      e.symbols,
      { write: (r) => orders.push(...(r as Record<string, unknown>[])) },
      null,
    ),
  };
  const p = (q: string) => new URLSearchParams(`symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&${q}`);
  const resting = p("quantity=0.01&price=60000&newClientOrderId=c1");
  assert.equal(placeOrder(ctx, "a", resting, 2).status, 200);
  assert.deepEqual(placeOrder(ctx, "a", resting, 3), {
    status: 400,
    body: { code: -2010, msg: "Duplicate order sent." },
  });
  // Refused for the balance (also -2010): no client id of an open order was sent again.
  assert.equal(placeOrder(ctx, "a", p("quantity=10&price=60000&newClientOrderId=c2"), 4).status, 400);
  assert.deepEqual(orders.map((l) => [l.event, l.clientOrderId, l.orderId]), [["NEW", "c1", 7], [
    "REFUSED",
    "c1",
    undefined,
  ]]);
  assert.deepEqual(orders[1], {
    event: "REFUSED",
    account: "a",
    symbol: "BTCUSDT",
    clientOrderId: "c1",
    side: "BUY",
    type: "LIMIT",
    code: -2010,
    msg: "Duplicate order sent.",
    heldByOrderId: 7,
    time: 3,
  });
});
