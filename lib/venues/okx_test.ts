// Edge cases with frames written here, shaped per docs/venues.md "OKX v5".
import assert from "node:assert/strict";
import { mapOkx, okx } from "./okx.ts";

const AT = 1_700_000_000_500;

Deno.test("okx: text pong, errors, planned-disconnect notice 64008, acks, unknown channel", () => {
  assert.equal(mapOkx("pong", AT).kind, "pong");
  assert.deepEqual(
    mapOkx(
      '{"event":"error","code":"60012","msg":"Invalid request: {\\"op\\": \\"subscribe\\"}","connId":"a4d3ae55"}',
      AT,
    ),
    {
      kind: "error",
      events: [],
      reason: "venue_error",
      detail: '60012: Invalid request: {"op": "subscribe"}',
    },
  );
  assert.deepEqual(
    mapOkx(
      '{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade.","connId":"x"}',
      AT,
    ),
    {
      kind: "shutdown",
      events: [],
      detail: "64008: The connection will soon be closed for a service upgrade.",
    },
  );
  assert.equal(
    mapOkx('{"event":"subscribe","arg":{"channel":"trades","instId":"BTC-USDT"},"connId":"x"}', AT).kind,
    "ack",
  );
  assert.equal(
    mapOkx('{"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{}]}', AT).reason,
    "unknown_channel",
  );
  assert.equal(mapOkx("ping", AT).reason, "malformed_json");
  assert.equal(mapOkx('{"event":"mystery"}', AT).reason, "unknown_event");
});

Deno.test("okx: trades with invalid values are dropped; derivatives are unsupported_instrument", () => {
  const t = (px: string, sz: string, inst = "BTC-USDT") =>
    `{"arg":{"channel":"trades","instId":"${inst}"},"data":[{"instId":"${inst}","tradeId":"7","px":"${px}","sz":"${sz}",` +
    `"side":"sell","ts":"1700000000000","count":"2"}]}`;
  const ok = mapOkx(t("30000.5", "0.01"), AT).events[0];
  assert.deepEqual(ok.kind === "trade" && [ok.tradeId, ok.price, ok.size, ok.side, ok.venueTimeMs], [
    "7",
    30000.5,
    0.01,
    "sell",
    1700000000000,
  ]);
  assert.equal(mapOkx(t("NaN", "1"), AT).reason, "invalid_value");
  assert.equal(mapOkx(t("1", "-2"), AT).reason, "invalid_value");
  assert.equal(mapOkx(t("1", "1", "BTC-USDT-SWAP"), AT).reason, "unsupported_instrument");
});

Deno.test("okx: 9-field candles carry confirm; 7-field legacy ones are never closed; 1H -> 1h", () => {
  const c = (bar: string, row: string[]) =>
    JSON.stringify({ arg: { channel: `candle${bar}`, instId: "ETH-USDT" }, data: [row] });
  const nine = ["1700000000000", "10", "12", "9", "11", "5", "55", "55", "1"];
  const e = mapOkx(c("1H", nine), AT).events[0];
  assert.deepEqual(e.kind === "kline" && [e.symbol, e.interval, e.openTimeMs, e.closed, e.v], [
    "ETH-USDT",
    "1h",
    1700000000000,
    true,
    5,
  ]);
  const forming = mapOkx(c("1m", [...nine.slice(0, 8), "0"]), AT).events[0];
  assert.equal(forming.kind === "kline" && forming.closed, false);
  const legacy = mapOkx(c("1m", nine.slice(0, 7)), AT).events[0];
  assert.deepEqual(legacy.kind === "kline" && [legacy.closed, legacy.c], [false, 11]);
  assert.equal(mapOkx(c("1m", [...nine.slice(0, 8), "2"]), AT).reason, "invalid_value");
  assert.equal(mapOkx(c("5m", nine), AT).reason, "unsupported_interval");
  assert.equal(mapOkx(c("1m", ["1700000000000", "10"]), AT).reason, "unexpected_shape");
});

Deno.test("okx: trades go to /public, candles to /business; text ping when idle; replays flagged", () => {
  const ep = okx.endpoints({
    OKX_WS_PUBLIC_URL: "ws://h/okx/ws/v5/public",
    OKX_WS_BUSINESS_URL: "ws://h/okx/ws/v5/business",
    OKX_REST_URL: "http://h/okx",
  });
  const plans = okx.plan(ep, [
    { channel: "trades", symbol: "BTC-USDT" },
    { channel: "klines", symbol: "BTC-USDT", interval: "1h" },
  ]);
  assert.deepEqual(plans.map((p) => [p.name, p.url]), [
    ["okx/public", "ws://h/okx/ws/v5/public"],
    ["okx/business", "ws://h/okx/ws/v5/business"],
  ]);
  assert.deepEqual(okx.subscribeMessages(plans[1]), [
    '{"op":"subscribe","args":[{"channel":"candle1H","instId":"BTC-USDT"}]}',
  ]);
  // One ack per arg: a handover successor is subscribed after that many.
  const args = [{ channel: "trades", symbol: "BTC-USDT" }, {
    channel: "trades",
    symbol: "ETH-USDT",
  }] as const;
  assert.equal(okx.subscribeAcks?.({ ...plans[0], subscriptions: args }), 2);
  assert.deepEqual([okx.keepalive?.mode, okx.keepalive?.message(1), okx.replaysFirstTrade], [
    "idle",
    "ping",
    true,
  ]);
  assert.throws(() => okx.endpoints({}), {
    message: "Missing OKX_WS_PUBLIC_URL in the feed environment (see config/env/live.env)",
  });
});

Deno.test("okx: REST candles (newest first) keep confirmed rows only, oldest first", () => {
  assert.equal(
    okx.rest.url("http://h/okx", "BTC-USDT", "1m", 60_000, 180_000),
    "http://h/okx/api/v5/market/candles?instId=BTC-USDT&bar=1m&after=180001&before=59999&limit=300",
  );
  const body = JSON.stringify({
    code: "0",
    msg: "",
    data: [
      ["180000", "3", "3", "3", "3", "1", "3", "3", "0"],
      ["120000", "2", "2", "2", "2", "1", "2", "2", "1"],
      ["60000", "1", "1", "1", "1", "1", "1", "1", "1"],
    ],
  });
  assert.deepEqual(okx.rest.parse(body, "BTC-USDT", "1m", 1e12).map((k) => [k.openTimeMs, k.c, k.closed]), [
    [60_000, 1, true],
    [120_000, 2, true],
  ]);
  assert.throws(
    () =>
      okx.rest.parse('{"code":"51001","msg":"Instrument ID does not exist","data":[]}', "BTC-USDT", "1m", 1),
    {
      message: "Cannot parse okx candles: 51001: Instrument ID does not exist",
    },
  );
});
