// Edge cases with frames written here, shaped per docs/venues.md "Bybit v5 spot".
import assert from "node:assert/strict";
import { bybit, mapBybit } from "./bybit.ts";

const AT = 1_700_000_000_500;
const tradeFrame = (p: string, v: string, side = "Sell") =>
  `{"topic":"publicTrade.ETHUSDT","type":"snapshot","ts":1700000000200,"data":[` +
  `{"T":1700000000100,"s":"ETHUSDT","S":"Buy","v":"0.1","p":"2000.5","i":"100","BT":false},` +
  `{"T":1700000000101,"s":"ETHUSDT","S":"${side}","v":"${v}","p":"${p}","i":"101","BT":false}]}`;

Deno.test("bybit: a multi-trade frame maps every trade, oldest first, taker side kept", () => {
  const r = mapBybit(tradeFrame("2000.4", "0.25"), AT);
  assert.equal(r.kind, "data");
  assert.deepEqual(
    r.events.map((e) => e.kind === "trade" && [e.symbol, e.tradeId, e.price, e.size, e.side, e.venueTimeMs]),
    [
      ["ETH-USDT", "100", 2000.5, 0.1, "buy", 1700000000100],
      ["ETH-USDT", "101", 2000.4, 0.25, "sell", 1700000000101],
    ],
  );
});

Deno.test("bybit: one invalid trade drops the whole frame (invalid_value); no partial frame leaks", () => {
  for (
    const [p, v, s] of [["NaN", "1", "Sell"], ["-1", "1", "Sell"], ["1", "-1", "Sell"], ["1", "1", "Hold"]]
  ) {
    assert.deepEqual(mapBybit(tradeFrame(p, v, s), AT), {
      kind: "dropped",
      events: [],
      reason: "invalid_value",
    });
  }
  assert.equal(mapBybit('{"topic":"publicTrade.ETHUSDT","data":[]}', AT).reason, "unexpected_shape");
});

Deno.test("bybit: pong (spot and linear forms), acks, failed subscribe, unknown topic, bad JSON", () => {
  assert.equal(mapBybit('{"success":true,"ret_msg":"pong","conn_id":"c1","op":"ping"}', AT).kind, "pong");
  assert.equal(mapBybit('{"op":"pong","args":["1700000000000"],"conn_id":"c1"}', AT).kind, "pong");
  assert.equal(
    mapBybit('{"success":true,"ret_msg":"subscribe","conn_id":"c1","op":"subscribe"}', AT).kind,
    "ack",
  );
  assert.deepEqual(
    mapBybit(
      '{"success":false,"ret_msg":"Invalid symbol :[publicTrade.XXXUSDT]","conn_id":"c1","op":"subscribe"}',
      AT,
    ),
    {
      kind: "error",
      events: [],
      reason: "subscribe_rejected",
      detail: "Invalid symbol :[publicTrade.XXXUSDT]",
    },
  );
  assert.equal(
    mapBybit('{"topic":"orderbook.50.BTCUSDT","type":"snapshot","data":{}}', AT).reason,
    "unknown_channel",
  );
  assert.equal(mapBybit("not json", AT).reason, "malformed_json");
  assert.equal(mapBybit('{"foo":"bar"}', AT).reason, "unknown_event");
});

Deno.test("bybit: kline 60 maps to 1h with confirm; kline 5 is unsupported_interval", () => {
  const k = (iv: string, confirm: boolean) =>
    `{"topic":"kline.${iv}.BTCUSDT","data":[{"start":1699999200000,"end":1700002799999,"interval":"${iv}",` +
    `"open":"100","close":"101","high":"102","low":"99","volume":"7","turnover":"700","confirm":${confirm},` +
    `"timestamp":1700002799000}],"ts":1700002799000,"type":"snapshot"}`;
  assert.deepEqual(mapBybit(k("60", true), AT).events[0], {
    kind: "kline",
    venue: "bybit",
    symbol: "BTC-USDT",
    interval: "1h",
    openTimeMs: 1699999200000,
    o: 100,
    h: 102,
    l: 99,
    c: 101,
    v: 7,
    closed: true,
    venueTimeMs: 1700002799000,
    receivedAtMs: AT,
  });
  assert.equal(mapBybit(k("5", false), AT).reason, "unsupported_interval");
});

Deno.test("bybit: subscribe args are chunked 10 per request; ping every 20 s", () => {
  const subs = Array.from({ length: 12 }, (_, i) => ({ channel: "trades" as const, symbol: `C${i}-USDT` }));
  const msgs = bybit.subscribeMessages({ venue: "bybit", name: "bybit", url: "", subscriptions: subs });
  assert.deepEqual(msgs.map((m) => JSON.parse(m).args.length), [10, 2]);
  assert.equal(JSON.parse(msgs[0]).args[0], "publicTrade.C0USDT");
  const k = bybit.subscribeMessages({
    venue: "bybit",
    name: "bybit",
    url: "",
    subscriptions: [{ channel: "klines", symbol: "BTC-USDT", interval: "1h" }],
  });
  assert.deepEqual(k, ['{"op":"subscribe","args":["kline.60.BTCUSDT"]}']);
  assert.deepEqual([bybit.keepalive?.mode, bybit.keepalive?.everyMs], ["interval", 20_000]);
});

Deno.test("bybit: REST kline is newest first; the forming newest row is dropped; errors throw", () => {
  assert.equal(
    bybit.rest.url("http://h/bybit", "BTC-USDT", "1h", 0, 7_200_000),
    "http://h/bybit/v5/market/kline?category=spot&symbol=BTCUSDT&interval=60&start=0&end=7200000&limit=1000",
  );
  const body = JSON.stringify({
    retCode: 0,
    retMsg: "OK",
    result: {
      category: "spot",
      symbol: "BTCUSDT",
      list: [
        ["180000", "3", "3", "3", "3", "1", "3"], // forming at now=200000
        ["120000", "2", "2", "2", "2", "0", "0"],
        ["60000", "1", "1.5", "0.5", "1.2", "4", "5"],
      ],
    },
  });
  const ks = bybit.rest.parse(body, "BTC-USDT", "1m", 200_000);
  assert.deepEqual(ks.map((k) => [k.openTimeMs, k.o, k.h, k.l, k.c, k.v, k.closed]), [
    [60_000, 1, 1.5, 0.5, 1.2, 4, true],
    [120_000, 2, 2, 2, 2, 0, true],
  ]);
  assert.throws(
    () => bybit.rest.parse('{"retCode":10001,"retMsg":"params error","result":{}}', "BTC-USDT", "1m", 1),
    { message: "Cannot parse bybit klines: 10001: params error" },
  );
});
