// Edge cases with frames written here, shaped per docs/venues.md "Binance spot" (real captures are
// checked in tests/venue_fixtures_test.ts).
import assert from "node:assert/strict";
import { binance, mapBinance } from "./binance.ts";

const AT = 1_700_000_000_500;
const trade = (p: string, q: string, extra = "") =>
  `{"e":"trade","E":1700000000100,"s":"BTCUSDT","t":12345,"p":"${p}","q":"${q}","T":1700000000099,"m":false,"M":true${extra}}`;

Deno.test("binance: raw (unwrapped) trade maps with ids as strings and both times kept", () => {
  assert.deepEqual(mapBinance(trade("42000.10", "0.5"), AT), {
    kind: "data",
    events: [{
      kind: "trade",
      venue: "binance",
      symbol: "BTC-USDT",
      tradeId: "12345",
      price: 42000.1,
      size: 0.5,
      side: "buy",
      venueTimeMs: 1700000000099,
      receivedAtMs: AT,
    }],
  });
});

Deno.test("binance: µs timestamps (timeUnit=MICROSECOND) are told apart by magnitude", () => {
  const raw = '{"e":"aggTrade","E":1700000000100200,"s":"ETHUSDT","a":9,"p":"2000","q":"1","f":1,"l":1,' +
    '"T":1700000000123456,"m":true,"M":true}';
  const e = mapBinance(raw, AT).events[0];
  assert.deepEqual(e.kind === "trade" && [e.venueTimeMs, e.tradeId, e.side], [
    1700000000123.456,
    "9",
    "sell",
  ]);
});

Deno.test("binance: invalid values drop the frame with reason invalid_value; NaN never escapes", () => {
  for (
    const [p, q] of [["NaN", "1"], ["Infinity", "1"], ["-5", "1"], ["0", "1"], ["", "1"], ["1", "-0.1"], [
      "1",
      "0x10",
    ]]
  ) {
    assert.deepEqual(
      mapBinance(trade(p, q), AT),
      { kind: "dropped", events: [], reason: "invalid_value" },
      `${p} ${q}`,
    );
  }
  const noSide = trade("1", "1").replace('"m":false,', "");
  assert.equal(mapBinance(noSide, AT).reason, "invalid_value");
});

Deno.test("binance: malformed JSON, unknown channels and shapes are dropped with a reason", () => {
  assert.equal(mapBinance('{"e":"trade",', AT).reason, "malformed_json");
  assert.equal(
    mapBinance('{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":2,"b":[],"a":[]}', AT).reason,
    "unknown_channel",
  );
  assert.equal(mapBinance("[1,2]", AT).reason, "unexpected_shape");
  assert.equal(mapBinance('{"hello":1}', AT).reason, "unknown_event");
  assert.equal(mapBinance(trade("1", "1").replace("BTCUSDT", "FOOBAR"), AT).reason, "unknown_symbol");
  assert.equal(mapBinance('{"e":"kline","E":1,"s":"BTCUSDT","k":"x"}', AT).reason, "unexpected_shape");
});

Deno.test("binance: serverShutdown (raw and combined) is a shutdown; acks and errors classified", () => {
  assert.equal(mapBinance('{"e":"serverShutdown","E":1770123456789}', AT).kind, "shutdown");
  const combined = '{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456789}}';
  assert.equal(mapBinance(combined, AT).kind, "shutdown");
  assert.equal(mapBinance('{"result":null,"id":1}', AT).kind, "ack");
  assert.deepEqual(mapBinance('{"error":{"code":2,"msg":"Invalid request: unknown variant"},"id":3}', AT), {
    kind: "error",
    events: [],
    reason: "venue_error",
    detail: "2: Invalid request: unknown variant",
  });
});

Deno.test("binance: klines map 1m/1h with the x flag; other intervals are unsupported_interval", () => {
  const k = (i: string, x: boolean) =>
    `{"e":"kline","E":1700000060100,"s":"BTCUSDT","k":{"t":1700000000000,"T":1700000059999,"s":"BTCUSDT","i":"${i}",` +
    `"f":1,"L":9,"o":"10","c":"11","h":"12","l":"9","v":"3.5","n":9,"x":${x},"q":"35","V":"1","Q":"10","B":"0"}}`;
  const e = mapBinance(k("1h", true), AT).events[0];
  assert.deepEqual(e.kind === "kline" && [e.interval, e.closed, e.o, e.h, e.l, e.c, e.v, e.trades], [
    "1h",
    true,
    10,
    12,
    9,
    11,
    3.5,
    9,
  ]);
  assert.equal(mapBinance(k("5m", false), AT).reason, "unsupported_interval");
});

Deno.test("binance: SUBSCRIBE messages carry lower-case stream names, 200 per message", () => {
  const plan = binance.plan({ ws: { ws: "ws://x/ws" }, rest: "" }, [
    { channel: "trades", symbol: "BTC-USDT" },
    { channel: "klines", symbol: "BTC-USDT", interval: "1m" },
  ]);
  assert.deepEqual(binance.subscribeMessages(plan[0]), [
    '{"method":"SUBSCRIBE","params":["btcusdt@trade","btcusdt@kline_1m"],"id":1}',
  ]);
  const many = Array.from({ length: 450 }, (_, i) => ({ channel: "trades" as const, symbol: `A${i}-USDT` }));
  const msgs = binance.subscribeMessages({ venue: "binance", name: "b", url: "", subscriptions: many });
  assert.deepEqual(msgs.map((m) => JSON.parse(m).params.length), [200, 200, 50]);
  // One ack per SUBSCRIBE message: a handover successor is subscribed after that many.
  assert.deepEqual([
    binance.subscribeAcks?.(plan[0]),
    binance.subscribeAcks?.({ ...plan[0], subscriptions: many }),
  ], [
    1,
    3,
  ]);
});

Deno.test("binance: REST klines URL and parser (closed rows only, bad rows rejected)", () => {
  assert.equal(
    binance.rest.url("http://127.0.0.1:1/binance/", "BTC-USDT", "1m", 1000, 2000),
    "http://127.0.0.1:1/binance/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=1000&endTime=2000&limit=1000",
  );
  const row = (t: number, c: string) => [t, "1", "2", "0.5", c, "10", t + 59_999, "15", 4, "5", "7", "0"];
  const body = JSON.stringify([row(60_000, "1.5"), row(120_000, "1.7"), row(180_000, "1.8")]);
  const ks = binance.rest.parse(body, "BTC-USDT", "1m", 200_000); // the 180000 bar is still forming
  assert.deepEqual(ks.map((k) => [k.openTimeMs, k.c, k.closed, k.trades, k.venueTimeMs]), [
    [60_000, 1.5, true, 4, 119_999],
    [120_000, 1.7, true, 4, 179_999],
  ]);
  assert.throws(() => binance.rest.parse(JSON.stringify([row(60_000, "NaN")]), "BTC-USDT", "1m", 1e9), {
    message: "Cannot parse binance kline row 0: invalid_value",
  });
  assert.throws(
    () => binance.rest.parse('{"code":-1121,"msg":"Invalid symbol."}', "BTC-USDT", "1m", 1),
    TypeError,
  );
});
