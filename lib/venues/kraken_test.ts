// Kraken v2 frames are written here per docs/venues.md "Kraken WebSocket v2" (no real v2 capture
// exists: see fixtures SOURCES.md "Gaps"), plus v1 edge cases and REST OHLC.
import assert from "node:assert/strict";
import { kraken, mapKraken } from "./kraken.ts";

const AT = 1_700_000_000_500;

Deno.test("kraken v2: status (uint64 connection_id kept as text), heartbeat, acks, pong", () => {
  const status = '{"channel":"status","type":"update","data":[{"version":"2.0.0","system":"online",' +
    '"api_version":"v2","connection_id":12393906104898154338}]}';
  assert.deepEqual(mapKraken(status, AT), {
    kind: "status",
    events: [],
    connectionId: "12393906104898154338",
  });
  assert.equal(mapKraken('{"channel":"heartbeat"}', AT).kind, "heartbeat");
  const ack = '{"method":"subscribe","result":{"channel":"trade","snapshot":false,"symbol":"BTC/USD"},' +
    '"success":true,"time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z","req_id":1}';
  assert.equal(mapKraken(ack, AT).kind, "ack");
  const nack = '{"error":"Currency pair not supported XBT/EUR","method":"subscribe","success":false,' +
    '"time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z","req_id":2}';
  assert.deepEqual(mapKraken(nack, AT), {
    kind: "error",
    events: [],
    reason: "subscribe_rejected",
    detail: "Currency pair not supported XBT/EUR",
  });
  const pong =
    '{"method":"pong","req_id":3,"time_in":"2023-09-24T14:10:23.799685Z","time_out":"2023-09-24T14:10:23.799703Z"}';
  assert.equal(mapKraken(pong, AT).kind, "pong");
});

const trade = (type: string, price: number | string, qty: number, id: number | string = 4665906) =>
  JSON.stringify({
    channel: "trade",
    type,
    data: [{
      symbol: "BTC/USD",
      side: "sell",
      price,
      qty,
      ord_type: "market",
      trade_id: id,
      timestamp: "2023-09-25T07:49:37.708706Z",
    }],
  });

Deno.test("kraken v2: trade update maps (int id -> string, RFC 3339 µs); snapshot is flagged", () => {
  assert.deepEqual(mapKraken(trade("update", 26385.5, 0.0012), AT), {
    kind: "data",
    events: [{
      kind: "trade",
      venue: "kraken",
      symbol: "BTC-USD",
      tradeId: "4665906",
      price: 26385.5,
      size: 0.0012,
      side: "sell",
      venueTimeMs: 1695628177708.706,
      receivedAtMs: AT,
    }],
  });
  const snap = mapKraken(trade("snapshot", 26385.5, 0.0012), AT);
  assert.deepEqual([snap.kind, snap.snapshot, snap.events.length], ["data", true, 1]);
});

Deno.test("kraken v2: invalid values and unknown channels are dropped with a reason", () => {
  assert.equal(mapKraken(trade("update", -1, 1), AT).reason, "invalid_value");
  assert.equal(mapKraken(trade("update", 1, -0.5), AT).reason, "invalid_value");
  assert.equal(mapKraken(trade("update", "26385.5", 1), AT).kind, "data"); // decimal text is fine too
  assert.equal(mapKraken(trade("update", "abc", 1), AT).reason, "invalid_value");
  // An id beyond 2^53 was already corrupted by JSON.parse: refuse rather than store a wrong id.
  assert.equal(
    mapKraken(trade("update", 1, 1).replace("4665906", "18239578009413566319"), AT).reason,
    "invalid_value",
  );
  assert.equal(mapKraken('{"channel":"book","type":"update","data":[]}', AT).reason, "unknown_channel");
  assert.equal(mapKraken("{", AT).reason, "malformed_json");
  assert.equal(mapKraken('{"method":"amend_order","success":true}', AT).reason, "unknown_event");
});

Deno.test("kraken v2: ohlc entries map (no closed flag); unsupported intervals dropped", () => {
  const ohlc = (interval: number) =>
    JSON.stringify({
      channel: "ohlc",
      type: "update",
      timestamp: "2023-10-04T16:26:30.524394914Z",
      data: [{
        symbol: "MATIC/USD",
        open: 0.5624,
        high: 0.5628,
        low: 0.5622,
        close: 0.5627,
        trades: 12,
        volume: 30927.68066226,
        vwap: 0.5626,
        interval_begin: "2023-10-04T16:25:00.000000000Z",
        interval,
        timestamp: "2023-10-04T16:26:00.000000Z",
      }],
    });
  assert.deepEqual(mapKraken(ohlc(1), AT).events[0], {
    kind: "kline",
    venue: "kraken",
    symbol: "MATIC-USD",
    interval: "1m",
    openTimeMs: 1696436700000,
    o: 0.5624,
    h: 0.5628,
    l: 0.5622,
    c: 0.5627,
    v: 30927.68066226,
    closed: false,
    trades: 12,
    venueTimeMs: 1696436790524.394,
    receivedAtMs: AT,
  });
  assert.equal(mapKraken(ohlc(5), AT).reason, "unsupported_interval");
});

Deno.test("kraken v1: subscription error, pong, unknown channel, XDG alias", () => {
  const err = '{"errorMessage":"Currency pair not in ISO 4217-A3 format foo","event":"subscriptionStatus",' +
    '"pair":"foo","status":"error","subscription":{"name":"trade"}}';
  assert.deepEqual(mapKraken(err, AT), {
    kind: "error",
    events: [],
    reason: "subscribe_rejected",
    detail: "Currency pair not in ISO 4217-A3 format foo",
  });
  assert.equal(mapKraken('{"event":"pong","reqid":42}', AT).kind, "pong");
  assert.equal(
    mapKraken('[42,["5541.2","5541.3","1534614057.321597"],"spread","XBT/USD"]', AT).reason,
    "unknown_channel",
  );
  const t =
    mapKraken('[7,[["0.061","100.5","1534614057.321597","b","l",""]],"trade","XDG/USD"]', AT).events[0];
  assert.deepEqual(t.kind === "trade" && [t.symbol, t.tradeId, t.side, t.venueTimeMs], [
    "DOGE-USD",
    "",
    "buy",
    1534614057321.597,
  ]);
  assert.equal(
    mapKraken('[7,[["NaN","1","1534614057.3","b","l",""]],"trade","XBT/USD"]', AT).reason,
    "invalid_value",
  );
  assert.equal(
    mapKraken('[7,[["1","1","1534614057.3","b","l",""]],"ohlc-5","XBT/USD"]', AT).reason,
    "unsupported_interval",
  );
});

Deno.test("kraken: v2 subscribe messages (trade + ohlc per interval), REST OHLC parse", () => {
  const msgs = kraken.subscribeMessages({
    venue: "kraken",
    name: "kraken",
    url: "",
    subscriptions: [
      { channel: "trades", symbol: "BTC-USDT" },
      { channel: "trades", symbol: "ETH-USDT" },
      { channel: "klines", symbol: "BTC-USDT", interval: "1m" },
      { channel: "klines", symbol: "BTC-USDT", interval: "1h" },
    ],
  });
  assert.deepEqual(msgs, [
    '{"method":"subscribe","params":{"channel":"trade","symbol":["BTC/USDT","ETH/USDT"],"snapshot":false},"req_id":1}',
    '{"method":"subscribe","params":{"channel":"ohlc","symbol":["BTC/USDT"],"interval":1,"snapshot":false},"req_id":2}',
    '{"method":"subscribe","params":{"channel":"ohlc","symbol":["BTC/USDT"],"interval":60,"snapshot":false},"req_id":3}',
  ]);
  assert.equal(
    kraken.rest.url("http://h/kraken", "BTC-USDT", "1m", 1_688_671_200_000, 0),
    "http://h/kraken/0/public/OHLC?pair=XBTUSDT&interval=1&since=1688671199",
  );
  const body = JSON.stringify({
    error: [],
    result: {
      XBTUSDT: [
        [1688671200, "30306.1", "30306.2", "30305.7", "30305.7", "30306.1", "3.39243896", 23],
        [1688671260, "30305.7", "30305.7", "30300.0", "30300.1", "30302.2", "1.5", 9],
      ],
      last: 1688671200,
    },
  });
  const ks = kraken.rest.parse(body, "BTC-USDT", "1m", 1_688_671_300_000); // second bar still forming
  assert.deepEqual(ks.map((k) => [k.openTimeMs, k.o, k.c, k.v, k.trades, k.closed]), [
    [1_688_671_200_000, 30306.1, 30305.7, 3.39243896, 23, true],
  ]);
  assert.throws(() => kraken.rest.parse('{"error":["EQuery:Unknown asset pair"]}', "BTC-USDT", "1m", 1), {
    message: "Cannot parse kraken OHLC: EQuery:Unknown asset pair",
  });
});
