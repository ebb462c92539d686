import assert from "node:assert/strict";
import { engine } from "../../../testing/sim_trading.ts";
import type { OrderEvent } from "./types.ts";
import { hmacHex, wsPayload } from "./signing.ts";
import { RateLimiter } from "./rate_limits.ts";
import { framesFor, newSession, WsApi } from "./ws_api.ts";

const KEY = "w".repeat(60) + "0001", SECRET = "secret-of-the-ws-test";
const NOW = 1_700_000_000_000;

function setup() {
  const e = engine({ slippageBps: 0 });
  e.onTrade({ symbol: "BTCUSDT", priceTicks: 6_100_000, sizeLots: 1, side: "buy", timeMs: 1 });
  const seen: OrderEvent[] = [];
  const api = new WsApi({
    ctx: { engine: e, truth: null, onEvents: (ev) => seen.push(...ev) },
    keys: [{ key: KEY, secret: SECRET, account: "a" }],
    now: () => NOW,
  });
  const signed = (params: Record<string, unknown>) => {
    const p = { ...params, apiKey: KEY, timestamp: NOW };
    return { ...p, signature: hmacHex(SECRET, wsPayload(p)) };
  };
  return { api, seen, signed, session: newSession() };
}

const parse = (frames: string[]) => frames.map((f) => JSON.parse(f));

Deno.test("WS API: subscribe by signature, place, and the user events wrapped with the subscription id", () => {
  const t = setup();
  assert.deepEqual(parse(t.api.handle(t.session, '{"id":1,"method":"ping"}')), [{
    id: 1,
    status: 200,
    result: {},
  }]);
  const sub = t.api.handle(
    t.session,
    JSON.stringify({ id: "s", method: "userDataStream.subscribe.signature", params: t.signed({}) }),
  );
  assert.deepEqual(parse(sub), [{ id: "s", status: 200, result: { subscriptionId: 0 } }]);
  const params = t.signed({
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.01",
    price: "60000",
    newClientOrderId: "ws-1",
  });
  const [placed] = parse(t.api.handle(t.session, JSON.stringify({ id: 2, method: "order.place", params })));
  assert.deepEqual([placed.id, placed.status, placed.result.clientOrderId, placed.result.status], [
    2,
    200,
    "ws-1",
    "NEW",
  ]);
  const frames = parse(framesFor(t.session, t.api.userEvents(t.seen)));
  assert.deepEqual(frames.map((f) => [f.subscriptionId, f.event.e, f.event.x ?? null]), [
    [0, "executionReport", "NEW"],
    [0, "outboundAccountPosition", null],
  ]);
  assert.deepEqual(frames[1].event.B[1], { a: "USDT", f: "9400.00000000", l: "600.00000000" });
  assert.deepEqual(framesFor(newSession(), t.api.userEvents(t.seen)), [], "no subscription, no events");
  const status = t.signed({ symbol: "BTCUSDT", origClientOrderId: "ws-1" });
  const [st] = parse(
    t.api.handle(t.session, JSON.stringify({ id: 3, method: "v3/order.status", params: status })),
  );
  assert.deepEqual([st.status, st.result.orderId, st.result.status], [200, 1, "NEW"]);
  const un = parse(t.api.handle(t.session, '{"id":4,"method":"userDataStream.unsubscribe"}'));
  assert.deepEqual(un, [{ id: 4, status: 200, result: {} }, {
    subscriptionId: 0,
    event: { e: "eventStreamTerminated", E: NOW },
  }]);
});

Deno.test("WS API refusals keep the request id and use Binance's codes", () => {
  const t = setup();
  const p = t.signed({ symbol: "BTCUSDT", orderId: 42 });
  const tampered = { ...p, orderId: 43 };
  assert.deepEqual(
    parse(t.api.handle(t.session, JSON.stringify({ id: 9, method: "order.status", params: tampered }))),
    [
      { id: 9, status: 400, error: { code: -1022, msg: "Signature for this request is not valid." } },
    ],
  );
  assert.deepEqual(
    parse(t.api.handle(t.session, JSON.stringify({ id: 10, method: "order.status", params: p }))),
    [
      { id: 10, status: 400, error: { code: -2013, msg: "Order does not exist." } },
    ],
  );
  const [old] = parse(t.api.handle(t.session, '{"id":11,"method":"userDataStream.start","params":{}}'));
  assert.deepEqual([old.id, old.status], [11, 410]);
  const stale = { ...p, timestamp: NOW - 6000 };
  const resigned = { ...stale, signature: hmacHex(SECRET, wsPayload(stale)) };
  assert.deepEqual(
    parse(t.api.handle(t.session, JSON.stringify({ id: 12, method: "order.status", params: resigned }))),
    [
      {
        id: 12,
        status: 400,
        error: { code: -1021, msg: "Timestamp for this request is outside of the recvWindow." },
      },
    ],
  );
});

Deno.test("WS API rate limits: rateLimits on every response, ORDERS counts on order.place, 429 with data", () => {
  const e = engine({ slippageBps: 0 });
  const api = new WsApi({
    ctx: { engine: e, truth: null },
    keys: [{ key: KEY, secret: SECRET, account: "a" }],
    now: () => NOW,
    limiter: new RateLimiter({ weightPerMinute: 3, ordersPer10s: 5, ordersPerDay: 9, banAfter: 5, banMs: 1 }),
  });
  const s = newSession();
  const [ping] = parse(api.handle(s, '{"id":1,"method":"ping"}'));
  assert.deepEqual(ping.rateLimits, [
    { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 3, count: 1 },
  ]);
  const p = {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.001",
    price: "60000",
  };
  const signed = { ...p, apiKey: KEY, timestamp: NOW };
  const params = { ...signed, signature: hmacHex(SECRET, wsPayload(signed)) };
  const [placed] = parse(api.handle(s, JSON.stringify({ id: 2, method: "order.place", params })));
  assert.deepEqual(placed.rateLimits.map((r: { interval: string; count: number }) => [r.interval, r.count]), [
    ["MINUTE", 2],
    ["SECOND", 1],
    ["DAY", 1],
  ]);
  api.handle(s, '{"id":3,"method":"time"}');
  assert.deepEqual(parse(api.handle(s, '{"id":4,"method":"time"}')), [{
    id: 4,
    status: 429,
    error: {
      code: -1003,
      msg: "Too much request weight used; current limit is 3 request weight per 1 MINUTE. " +
        "Please use WebSocket Streams for live updates to avoid polling the API.",
      data: { serverTime: NOW, retryAfter: NOW + 40_000 },
    },
  }]);
});
