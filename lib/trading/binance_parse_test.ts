// Order answers' states: every status Binance documents is read as such; one it may add later keeps
// the order confirmed (it exists, its ids are facts) with the raw name in `unknownStatus`, no guess.
import assert from "node:assert/strict";
import { parseOrder, parseOrders } from "./binance_parse.ts";
import { readFrame } from "./binance_user_events.ts";
import { ORDER_STATUSES } from "./venue.ts";

const answer = (status: string) => ({
  symbol: "BTCUSDT",
  orderId: 7,
  clientOrderId: "o-1",
  status,
  side: "BUY",
  type: "LIMIT",
  price: "50000.00",
  origQty: "0.01000000",
  executedQty: "0.00000000",
  cummulativeQuoteQty: "0.00000000",
  time: 1700000000000,
  updateTime: 1700000000001,
});

Deno.test("every documented order status is read as itself", () => {
  const all = [
    "NEW",
    "PENDING_NEW",
    "PARTIALLY_FILLED",
    "FILLED",
    "CANCELED",
    "PENDING_CANCEL",
    "REJECTED",
    "EXPIRED",
    "EXPIRED_IN_MATCH",
  ];
  assert.deepEqual([...ORDER_STATUSES], all);
  assert.deepEqual(
    parseOrders(all.map(answer)).map((o) => [o.status, o.unknownStatus]),
    all.map((s) => [s, undefined]),
  );
});

Deno.test("an unknown status: the order is still confirmed, its state left absent and the raw name kept", () => {
  assert.deepEqual(parseOrder(answer("PENDING_TRIGGER")), {
    symbol: "BTCUSDT",
    orderId: 7,
    clientOrderId: "o-1",
    unknownStatus: "PENDING_TRIGGER",
    side: "BUY",
    type: "LIMIT",
    price: "50000.00",
    origQty: "0.01000000",
    executedQty: "0.00000000",
    cumQuoteQty: "0.00000000",
    timeMs: 1700000000000,
    updateTimeMs: 1700000000001,
  });
  assert.throws(
    () => parseOrder({ ...answer("NEW"), status: 3 }),
    "a status that is not a string is still unreadable",
  );
});

Deno.test("an executionReport with an unknown status is still an order event", () => {
  const report = {
    e: "executionReport",
    E: 1700000000100,
    s: "BTCUSDT",
    c: "o-1",
    S: "BUY",
    o: "LIMIT",
    q: "0.01000000",
    p: "50000.00",
    x: "NEW",
    X: "PENDING_TRIGGER",
    r: "NONE",
    i: 7,
    l: "0.00000000",
    z: "0.00000000",
    L: "0.00000000",
    n: "0",
    N: null,
    T: 1700000000099,
    t: -1,
    m: false,
    O: 1700000000000,
    Z: "0.00000000",
    Y: "0.00000000",
  };
  const f = readFrame(JSON.stringify({ subscriptionId: 0, event: report }));
  assert.ok(f.kind === "event" && f.event.type === "order");
  assert.deepEqual([f.event.order.status, f.event.order.unknownStatus], [undefined, "PENDING_TRIGGER"]);
});
