import assert from "node:assert/strict";
import { readFrame } from "./binance_user_events.ts";

const report = {
  e: "executionReport",
  E: 1700000000100,
  s: "BTCUSDT",
  c: "cancel-9",
  S: "BUY",
  o: "LIMIT",
  f: "GTC",
  q: "0.01000000",
  p: "50000.00",
  P: "0.00000000",
  F: "0.00000000",
  g: -1,
  C: "o-1",
  x: "CANCELED",
  X: "CANCELED",
  r: "NONE",
  i: 7,
  l: "0.00000000",
  z: "0.00400000",
  L: "0.00000000",
  n: "0",
  N: null,
  T: 1700000000099,
  t: -1,
  I: 12,
  w: false,
  m: false,
  M: false,
  O: 1700000000000,
  Z: "200.00000000",
  Y: "0.00000000",
  Q: "0.00000000",
  V: "NONE",
};

Deno.test("a cancel's executionReport is keyed by the order's own id (C), not the cancel's (c)", () => {
  assert.deepEqual(readFrame(JSON.stringify({ subscriptionId: 0, event: report })), {
    kind: "event",
    event: {
      type: "order",
      order: {
        symbol: "BTCUSDT",
        orderId: 7,
        clientOrderId: "o-1",
        status: "CANCELED",
        side: "BUY",
        type: "LIMIT",
        price: "50000.00",
        origQty: "0.01000000",
        executedQty: "0.00400000",
        cumQuoteQty: "200.00000000",
        timeMs: 1700000000000,
        updateTimeMs: 1700000000099,
      },
      execType: "CANCELED",
      eventTimeMs: 1700000000100,
    },
  });
});

Deno.test("a TRADE report carries its fill; a REJECTED one its reason", () => {
  const trade = {
    ...report,
    c: "o-1",
    C: "",
    x: "TRADE",
    X: "PARTIALLY_FILLED",
    l: "0.004",
    L: "50000.00",
    n: "0.1",
    N: "USDT",
    t: 42,
    m: true,
    Y: "200.00",
  };
  const f = readFrame(JSON.stringify({ subscriptionId: 0, event: trade }));
  assert.ok(f.kind === "event" && f.event.type === "order");
  assert.deepEqual(f.event.fill, {
    symbol: "BTCUSDT",
    tradeId: 42,
    orderId: 7,
    price: "50000.00",
    qty: "0.004",
    quoteQty: "200.00",
    commission: "0.1",
    commissionAsset: "USDT",
    timeMs: 1700000000099,
    isBuyer: true,
    isMaker: true,
  });
  assert.equal(f.event.order.clientOrderId, "o-1");
  const rej = readFrame(
    JSON.stringify({
      subscriptionId: 0,
      event: { ...trade, x: "REJECTED", X: "REJECTED", r: "INSUFFICIENT_BALANCES" },
    }),
  );
  assert.ok(
    rej.kind === "event" && rej.event.type === "order" &&
      rej.event.rejectReason === "INSUFFICIENT_BALANCES" && !rej.event.fill,
  );
});

Deno.test("balances, lifecycle pushes, responses and junk", () => {
  const pos = { e: "outboundAccountPosition", E: 5, u: 4, B: [{ a: "BTC", f: "0.1", l: "0.0" }] };
  assert.deepEqual(readFrame(JSON.stringify({ subscriptionId: 0, event: pos })), {
    kind: "event",
    event: { type: "balances", balances: [{ asset: "BTC", free: "0.1", locked: "0.0" }], eventTimeMs: 5 },
  });
  assert.deepEqual(
    readFrame(
      JSON.stringify({ subscriptionId: 0, event: { e: "balanceUpdate", E: 6, a: "USDT", d: "-5.0", T: 6 } }),
    ),
    {
      kind: "event",
      event: { type: "balance_delta", asset: "USDT", delta: "-5.0", eventTimeMs: 6 },
    },
  );
  assert.deepEqual(readFrame('{"subscriptionId":0,"event":{"e":"eventStreamTerminated","E":1}}'), {
    kind: "terminated",
  });
  assert.deepEqual(readFrame('{"event":{"e":"serverShutdown","E":1}}'), { kind: "shutdown" });
  assert.deepEqual(readFrame('{"subscriptionId":0,"event":{"e":"listStatus","E":1}}'), {
    kind: "ignored",
    type: "listStatus",
  });
  assert.deepEqual(readFrame('{"id":"p-1","status":200,"result":{"subscriptionId":0}}'), {
    kind: "response",
    id: "p-1",
    status: 200,
    error: null,
    retryAfterMs: null,
    retryInMs: null,
    result: { subscriptionId: 0 },
  });
  assert.deepEqual(
    readFrame(
      '{"id":null,"status":401,"error":{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}}',
    ),
    {
      kind: "response",
      id: null,
      status: 401,
      error: { code: -2015, msg: "Invalid API-key, IP, or permissions for action." },
      retryAfterMs: null,
      retryInMs: null,
      result: undefined,
    },
  );
  const banned = readFrame(
    '{"id":"s-1","status":418,"error":{"code":-1003,"msg":"Way too much request weight used; IP banned until 1700000060000.","data":{"serverTime":1700000000000,"retryAfter":1700000060000}}}',
  );
  assert.deepEqual(banned.kind === "response" && [banned.retryAfterMs, banned.retryInMs], [
    1700000060000,
    60_000,
  ]);
  assert.deepEqual(readFrame("nope"), { kind: "bad", detail: "not JSON" });
  assert.deepEqual(readFrame('{"subscriptionId":0,"event":{"e":"executionReport"}}'), {
    kind: "bad",
    detail: "bad executionReport event",
  });
  assert.deepEqual(readFrame("{}"), { kind: "bad", detail: "neither a response nor an event" });
});
