import assert from "node:assert/strict";
import type { Fill, UserEvent, VenueOrder } from "../trading/venue.ts";
import type { Order } from "./order.ts";
import { adoptionOf, orderFillOf, requestOf, statusEvent, streamEvents, toAtoms } from "./venue_map.ts";

const fill: Fill = {
  symbol: "BTCUSDT",
  tradeId: 5,
  orderId: 9,
  price: "60000.12000000",
  qty: "0.00100000",
  quoteQty: "60.00012000",
  commission: "0.06000012",
  commissionAsset: "USDT",
  timeMs: 1_000,
  isBuyer: true,
  isMaker: false,
};
const venueOrder: VenueOrder = {
  symbol: "BTCUSDT",
  orderId: 9,
  clientOrderId: "web_abc",
  status: "NEW",
  side: "SELL",
  type: "LIMIT",
  price: "61000.00000000",
  origQty: "0.50000000",
};

Deno.test("decimal strings become exact atoms; a bad one is named, not thrown", () => {
  assert.equal(toAtoms("0.01000000", "qty"), 1_000_000);
  assert.equal(toAtoms("1e-8", "qty"), 'qty "1e-8": illegal');
  assert.equal(toAtoms("0.000000001", "qty"), 'qty "0.000000001": precision');
  assert.equal(toAtoms(undefined, "origQty"), "origQty is missing");
  assert.deepEqual(orderFillOf(fill), {
    tradeId: 5,
    qty: 100_000,
    price: 6_000_012_000_000,
    quote: 6_000_012_000,
    commission: 6_000_012,
    commissionAsset: "USDT",
    timeMs: 1_000,
    isMaker: false,
  });
  assert.equal(orderFillOf({ ...fill, qty: "-1" }), 'trade 5: qty "-1": illegal');
});

Deno.test("the place request carries the same id and amounts as 8-decimal strings", () => {
  const o = {
    clientOrderId: "rs01-4",
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: 100_000,
    price: 6_000_000_000_000,
  } as Order;
  assert.deepEqual(requestOf(o), {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    clientOrderId: "rs01-4",
    quantity: "0.00100000",
    price: "60000.00000000",
    timeInForce: "GTC",
  });
  assert.deepEqual(requestOf({ ...o, type: "MARKET", price: null, timeInForce: null }), {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "MARKET",
    clientOrderId: "rs01-4",
    quantity: "0.00100000",
  });
});

Deno.test("a venue order to adopt; statuses map to the event they imply", () => {
  assert.deepEqual(adoptionOf(venueOrder, "adopt-9"), {
    clientOrderId: "web_abc",
    symbol: "BTCUSDT",
    side: "SELL",
    type: "LIMIT",
    timeInForce: null,
    quantity: 50_000_000,
    price: 6_100_000_000_000,
    reduceOnly: false,
    strategy: "external",
    correlationId: "adopt-9",
  });
  assert.equal(adoptionOf({ ...venueOrder, origQty: undefined }, "x"), "order 9: origQty is missing");
  assert.equal(
    adoptionOf({ ...venueOrder, type: "STOP_LOSS" }, "x"),
    "order 9: side or type (SELL, STOP_LOSS) the OMS does not track",
  );
  const kinds = (["NEW", "PARTIALLY_FILLED", "CANCELED", "EXPIRED_IN_MATCH", "REJECTED"] as const)
    .map((status) => statusEvent({ ...venueOrder, status }));
  assert.deepEqual(kinds, [
    { kind: "accepted", venueOrderId: 9 },
    { kind: "accepted", venueOrderId: 9 },
    { kind: "canceled" },
    { kind: "expired", reason: "EXPIRED_IN_MATCH" },
    { kind: "rejected", reason: "rejected by the venue" },
  ]);
  assert.equal(statusEvent({ ...venueOrder, status: undefined }), null);
});

Deno.test("stream events: a TRADE is the ack then the fill; a CANCELED is canceled", () => {
  const ev = (execType: string, more: Partial<Extract<UserEvent, { type: "order" }>> = {}) => ({
    type: "order" as const,
    order: venueOrder,
    execType,
    eventTimeMs: 1,
    ...more,
  });
  const trade = streamEvents(ev("TRADE", { fill }));
  assert.ok(Array.isArray(trade));
  assert.deepEqual(trade.map((e) => e.kind), ["accepted", "fill"]);
  assert.equal(streamEvents(ev("TRADE")), "order 9: a TRADE without its fill");
  assert.deepEqual(streamEvents(ev("NEW")), [{ kind: "accepted", venueOrderId: 9 }]);
  assert.deepEqual(streamEvents(ev("CANCELED", { order: { ...venueOrder, status: "CANCELED" } })), [
    { kind: "canceled" },
  ]);
  assert.deepEqual(
    streamEvents(
      ev("REJECTED", { order: { ...venueOrder, status: "REJECTED" }, rejectReason: "INSUFFICIENT" }),
    ),
    [{ kind: "rejected", reason: "INSUFFICIENT" }],
  );
});
