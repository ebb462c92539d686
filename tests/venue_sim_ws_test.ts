// Each simulated venue over real WebSockets on loopback: exact handshake frames, and trade / kline
// frames parsed and checked field by field against the generator's trades.
import assert from "node:assert/strict";
import { formatPadded, formatTrimmed } from "../lib/sim/instruments.ts";
import { generateTrades, type SimTrade } from "../lib/sim/market.ts";
import { START_MS, startSim, TestClient, type TestSim } from "./venue_sim_helpers.ts";

function expected(t: TestSim, venue: string, symbol: string, untilMs: number): SimTrade[] {
  return generateTrades(t.market, untilMs + 1).filter((x) => x.venue === venue && x.inst.symbol === symbol);
}

/** o/h/l/c in ticks, volume in lots, count: the reference aggregation of one bar. */
function refBar(trades: SimTrade[], from: number, to: number) {
  const xs = trades.filter((x) => x.timeMs >= from && x.timeMs < to);
  return {
    o: xs[0].priceTicks,
    h: Math.max(...xs.map((x) => x.priceTicks)),
    l: Math.min(...xs.map((x) => x.priceTicks)),
    c: xs[xs.length - 1].priceTicks,
    v: xs.reduce((a, x) => a + x.sizeLots, 0),
    n: xs.length,
  };
}

const isInt = (v: unknown) => Number.isInteger(v);

Deno.test("binance: SUBSCRIBE ack, errors, LIST_SUBSCRIPTIONS, trade and kline frames", async () => {
  const t = startSim({ venues: ["binance"] });
  const c = await TestClient.connect(`${t.ws}/binance/ws`);
  try {
    c.send({ method: "SUBSCRIBE", params: ["btcusdt@trade", "btcusdt@kline_1m"], id: 1 });
    assert.equal(await c.next(), '{"result":null,"id":1}');
    c.send({ method: "SUBSCRIBE", params: ["foousdt@trade"], id: 2 });
    assert.equal(await c.next(), '{"error":{"code":-1121,"msg":"Invalid symbol."},"id":2}');
    c.send("{nope");
    assert.equal(JSON.parse(await c.next()).error.code, 3);
    c.send({ method: "LIST_SUBSCRIPTIONS", id: 3 });
    assert.equal(await c.next(), '{"result":["btcusdt@trade","btcusdt@kline_1m"],"id":3}');

    t.advance(61_000);
    c.send({ method: "LIST_SUBSCRIPTIONS", id: 4 }); // fence: everything sent before it arrives first
    const frames = (await c.until((f) => f.includes('"id":4'))).slice(0, -1).map((f) => JSON.parse(f));
    const want = expected(t, "binance", "BTC-USDT", START_MS + 61_000);
    const trades = frames.filter((f) => f.e === "trade");
    assert.equal(trades.length, want.length);
    trades.forEach((f, i) => {
      const w = want[i];
      assert.deepEqual(Object.keys(f), ["e", "E", "s", "t", "p", "q", "T", "m", "M"]);
      assert.equal(f.s, "BTCUSDT");
      assert.equal(f.t, w.idNum);
      assert.equal(f.p, formatPadded(w.priceTicks, 2, 8));
      assert.equal(f.q, formatPadded(w.sizeLots, 6, 8));
      assert.equal(f.T, w.timeMs);
      assert.equal(f.E, w.timeMs + 1);
      assert.equal(f.m, w.side === "sell");
      assert.equal(f.M, true);
    });
    const klines = frames.filter((f) => f.e === "kline");
    assert.equal(klines.length, 2); // the first minute closing, then one push of the forming bar
    const [closed, forming] = klines.map((f) => f.k);
    const ref = refBar(want, START_MS, START_MS + 60_000);
    assert.deepEqual(
      [closed.t, closed.T, closed.s, closed.i, closed.x, closed.n],
      [START_MS, START_MS + 59_999, "BTCUSDT", "1m", true, ref.n],
    );
    assert.deepEqual(
      [closed.o, closed.h, closed.l, closed.c, closed.v],
      [ref.o, ref.h, ref.l, ref.c].map((p) => formatPadded(p, 2, 8)).concat(formatPadded(ref.v, 6, 8)),
    );
    assert.ok(isInt(closed.f) && isInt(closed.L) && closed.L - closed.f + 1 === ref.n);
    assert.deepEqual([forming.t, forming.x], [START_MS + 60_000, false]);
    // The closed frame comes before the first trade of the next minute.
    const iClosed = frames.findIndex((f) => f.e === "kline");
    assert.ok(
      frames.slice(iClosed + 1).filter((f) => f.e === "trade").every((f) => f.T >= START_MS + 60_000),
    );
  } finally {
    await c.close();
    await t.stop();
  }
});

Deno.test("binance: combined stream wraps frames in {stream, data}", async () => {
  const t = startSim({ venues: ["binance"] });
  const c = await TestClient.connect(`${t.ws}/binance/stream?streams=ethusdt@trade/ethusdt@aggTrade`);
  try {
    t.advance(5_000);
    const want = expected(t, "binance", "ETH-USDT", START_MS + 5_000);
    const frames = (await c.take(want.length * 2)).map((f) => JSON.parse(f));
    assert.deepEqual(frames.map((f) => f.stream), want.flatMap(() => ["ethusdt@trade", "ethusdt@aggTrade"]));
    assert.deepEqual(
      frames.filter((f) => f.data.e === "aggTrade").map((f) => [f.data.f, f.data.l]),
      want.map((w) => [w.idNum, w.idNum]),
    );
  } finally {
    await c.close();
    await t.stop();
  }
});

Deno.test("binance: a stream in the raw path subscribes it; stopping the simulator closes clients with 1001", async () => {
  const t = startSim({ venues: ["binance"] });
  const c = await TestClient.connect(`${t.ws}/binance/ws/ethusdt@trade`);
  try {
    t.advance(3_000);
    const want = expected(t, "binance", "ETH-USDT", START_MS + 3_000);
    const frames = (await c.take(want.length)).map((f) => JSON.parse(f));
    assert.deepEqual(frames.map((f) => [f.e, f.s, f.t]), want.map((w) => ["trade", "ETHUSDT", w.idNum]));
    await t.stop();
    assert.equal((await c.closed).code, 1001);
  } finally {
    await c.close();
    await t.stop();
  }
});

Deno.test("bybit: subscribe ack, 10-arg limit, ping/pong, publicTrade and kline frames", async () => {
  const t = startSim({ venues: ["bybit"] });
  const c = await TestClient.connect(`${t.ws}/bybit/v5/public/spot`);
  try {
    c.send({ op: "subscribe", args: ["publicTrade.BTCUSDT", "kline.1.BTCUSDT"], req_id: "x" });
    const ack = await c.next();
    const id = JSON.parse(ack).conn_id;
    assert.match(id, /^[0-9a-v]{20}-[0-9a-z]{5}$/);
    assert.equal(
      ack,
      `{"success":true,"ret_msg":"subscribe","conn_id":"${id}","req_id":"x","op":"subscribe"}`,
    );
    c.send({ op: "subscribe", args: Array.from({ length: 11 }, () => "publicTrade.ETHUSDT") });
    assert.equal(
      await c.next(),
      `{"success":false,"ret_msg":"args size >10","conn_id":"${id}","op":"subscribe"}`,
    );
    c.send({ op: "ping" });
    assert.equal(await c.next(), `{"success":true,"ret_msg":"pong","conn_id":"${id}","op":"ping"}`);

    t.advance(61_000);
    c.send({ op: "ping", req_id: "fence" });
    const frames = (await c.until((f) => f.includes('"fence"'))).slice(0, -1).map((f) => JSON.parse(f));
    const want = expected(t, "bybit", "BTC-USDT", START_MS + 61_000);
    const trades = frames.filter((f) => f.topic === "publicTrade.BTCUSDT");
    assert.equal(trades.length, want.length);
    trades.forEach((f, i) => {
      const [d] = f.data;
      assert.equal(f.type, "snapshot");
      assert.ok(isInt(f.ts) && isInt(d.T) && isInt(d.seq));
      assert.deepEqual(
        [d.i, d.T, d.p, d.v, d.S, d.s, d.BT, d.RPI],
        [
          want[i].tradeId,
          want[i].timeMs,
          formatTrimmed(want[i].priceTicks, 2),
          formatTrimmed(want[i].sizeLots, 6),
          want[i].side === "buy" ? "Buy" : "Sell",
          "BTCUSDT",
          false,
          false,
        ],
      );
      assert.match(d.i, /^\d{19}$/);
    });
    const closed = frames.filter((f) => f.topic === "kline.1.BTCUSDT" && f.data[0].confirm);
    assert.equal(closed.length, 1);
    const k = closed[0].data[0];
    const ref = refBar(want, START_MS, START_MS + 60_000);
    assert.deepEqual(
      [k.start, k.end, k.interval, k.open, k.high, k.low, k.close, k.volume],
      [
        START_MS,
        START_MS + 59_999,
        "1",
        ...[ref.o, ref.h, ref.l, ref.c].map((p) => formatTrimmed(p, 2)),
        formatTrimmed(ref.v, 6),
      ],
    );
    assert.ok(typeof k.turnover === "string" && isInt(k.timestamp));
  } finally {
    await c.close();
    await t.stop();
  }
});

Deno.test("okx: per-arg acks, 60018 for candles on /public, text ping, latest trade on subscribe", async () => {
  const t = startSim({ venues: ["okx"] });
  t.advance(10_000); // trades exist before anyone subscribes
  const c = await TestClient.connect(`${t.ws}/okx/ws/v5/public`);
  const b = await TestClient.connect(`${t.ws}/okx/ws/v5/business`);
  try {
    c.send("ping");
    assert.equal(await c.next(), "pong");
    c.send({
      op: "subscribe",
      args: [{ channel: "trades", instId: "BTC-USDT" }, { channel: "candle1m", instId: "BTC-USDT" }],
    });
    const ack = await c.next();
    const connId = JSON.parse(ack).connId;
    assert.match(connId, /^[0-9a-f]{8}$/);
    assert.equal(
      ack,
      `{"event":"subscribe","arg":{"channel":"trades","instId":"BTC-USDT"},"connId":"${connId}"}`,
    );
    const stale = JSON.parse(await c.next()); // the latest (old) trade, pushed on subscribe
    const before = expected(t, "okx", "BTC-USDT", START_MS + 10_000);
    assert.equal(stale.data[0].tradeId, before.at(-1)!.tradeId);
    const err = JSON.parse(await c.next());
    assert.deepEqual([err.event, err.code, err.connId], ["error", "60018", connId]);

    b.send({
      op: "subscribe",
      args: [{ channel: "candle1m", instId: "BTC-USDT" }, { channel: "trades", instId: "BTC-USDT" }],
    });
    assert.equal(JSON.parse(await b.next()).event, "subscribe");
    assert.equal(JSON.parse(await b.next()).code, "60018");

    t.advance(51_000); // to START + 61 s
    c.send("ping");
    const frames = (await c.until((f) => f === "pong")).slice(0, -1).map((f) => JSON.parse(f));
    const want = expected(t, "okx", "BTC-USDT", START_MS + 61_000).filter((x) =>
      x.timeMs > START_MS + 10_000
    );
    assert.equal(frames.length, want.length);
    frames.forEach((f, i) => {
      assert.deepEqual(f.arg, { channel: "trades", instId: "BTC-USDT" });
      const d = f.data[0];
      assert.deepEqual(Object.keys(d), ["instId", "tradeId", "px", "sz", "side", "ts"]);
      assert.ok(Object.values(d).every((v) => typeof v === "string"));
      assert.deepEqual([d.tradeId, d.px, d.sz, d.side, d.ts], [
        want[i].tradeId,
        formatTrimmed(want[i].priceTicks, 2),
        formatTrimmed(want[i].sizeLots, 6),
        want[i].side,
        String(want[i].timeMs),
      ]);
    });
    b.send("ping");
    const candles = (await b.until((f) => f === "pong")).slice(0, -1).map((f) => JSON.parse(f));
    const closed = candles.filter((f) => f.data[0][8] === "1");
    assert.equal(closed.length, 1);
    const all = expected(t, "okx", "BTC-USDT", START_MS + 61_000);
    const ref = refBar(all, START_MS, START_MS + 60_000);
    assert.deepEqual(closed[0].data[0].slice(0, 6), [
      String(START_MS),
      ...[ref.o, ref.h, ref.l, ref.c].map((p) => formatTrimmed(p, 2)),
      formatTrimmed(ref.v, 6),
    ]);
    assert.equal(closed[0].data[0].length, 9);
  } finally {
    await c.close();
    await b.close();
    await t.stop();
  }
});

Deno.test("okx: a connection idle for 30 s without subscriptions is closed with 4004", async () => {
  const t = startSim({ venues: ["okx"] });
  const c = await TestClient.connect(`${t.ws}/okx/ws/v5/public`);
  try {
    c.send("ping");
    assert.equal(await c.next(), "pong");
    t.advance(30_000);
    assert.equal((await c.closed).code, 4004);
  } finally {
    await c.close();
    await t.stop();
  }
});

Deno.test("kraken: status, one ack per symbol, pong, trade numbers and ohlc entries", async () => {
  const t = startSim({ venues: ["kraken"] });
  const c = await TestClient.connect(`${t.ws}/kraken/v2`);
  try {
    const status = await c.next();
    assert.match(status, /"connection_id":[1-9]\d{18}\}/); // raw uint64 digits, not a string
    const st = JSON.parse(status);
    assert.deepEqual([st.channel, st.type, st.data[0].system, st.data[0].api_version], [
      "status",
      "update",
      "online",
      "v2",
    ]);
    c.send({
      method: "subscribe",
      params: { channel: "trade", symbol: ["BTC/USDT", "FOO/USDT"], snapshot: false },
      req_id: 1,
    });
    const ack = JSON.parse(await c.next());
    assert.deepEqual(
      [ack.method, ack.result, ack.success, ack.req_id],
      ["subscribe", { channel: "trade", snapshot: false, symbol: "BTC/USDT" }, true, 1],
    );
    assert.match(ack.time_in, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const nack = JSON.parse(await c.next());
    assert.deepEqual([nack.success, nack.error, nack.symbol], [
      false,
      "Currency pair not supported FOO/USDT",
      "FOO/USDT",
    ]);
    c.send({
      method: "subscribe",
      params: { channel: "ohlc", symbol: ["BTC/USDT"], interval: 1 },
      req_id: 2,
    });
    assert.deepEqual(JSON.parse(await c.next()).result, {
      channel: "ohlc",
      interval: 1,
      snapshot: true,
      symbol: "BTC/USDT",
    });
    c.send({ method: "ping", req_id: 5 });
    const pong = JSON.parse(await c.next());
    assert.deepEqual(Object.keys(pong), ["method", "req_id", "time_in", "time_out"]);
    assert.deepEqual([pong.method, pong.req_id], ["pong", 5]);

    t.advance(61_000);
    c.send({ method: "ping", req_id: 6 });
    const frames = (await c.until((f) => f.includes('"pong"'))).slice(0, -1).map((f) => JSON.parse(f));
    const want = expected(t, "kraken", "BTC-USDT", START_MS + 61_000);
    const trades = frames.filter((f) => f.channel === "trade");
    assert.equal(trades.length, want.length);
    trades.forEach((f, i) => {
      const d = f.data[0];
      assert.equal(f.type, "update");
      assert.deepEqual(Object.keys(d), [
        "symbol",
        "side",
        "price",
        "qty",
        "ord_type",
        "trade_id",
        "timestamp",
      ]);
      assert.deepEqual([d.symbol, d.side, d.price, d.qty, d.trade_id, d.timestamp], [
        "BTC/USDT",
        want[i].side,
        want[i].priceTicks / 100,
        want[i].sizeLots / 1e6,
        want[i].idNum,
        new Date(want[i].timeMs).toISOString().replace("Z", "000Z"),
      ]);
    });
    const ohlc = frames.filter((f) => f.channel === "ohlc").map((f) => f.data[0]);
    const first = ohlc.filter((o) =>
      o.interval_begin === new Date(START_MS).toISOString().replace("Z", "000000Z")
    );
    const ref = refBar(want, START_MS, START_MS + 60_000);
    assert.deepEqual(
      [
        first.at(-1).open,
        first.at(-1).high,
        first.at(-1).low,
        first.at(-1).close,
        first.at(-1).trades,
        first.at(-1).interval,
      ],
      [ref.o / 100, ref.h / 100, ref.l / 100, ref.c / 100, ref.n, 1],
    );
  } finally {
    await c.close();
    await t.stop();
  }
});

Deno.test("kraken: heartbeat once a wall second when a subscribed connection is idle", async () => {
  const t = startSim({ venues: ["kraken"], tradeRate: 0 });
  const c = await TestClient.connect(`${t.ws}/kraken/v2`);
  try {
    await c.next(); // status
    t.advance(5_000);
    c.send({ method: "subscribe", params: { channel: "trade", symbol: ["ETH/USDT"] }, req_id: 1 });
    assert.equal(JSON.parse(await c.next()).success, true);
    t.advance(999);
    t.advance(1);
    t.advance(1_000);
    c.send({ method: "ping", req_id: 9 });
    const frames = await c.until((f) => f.includes('"pong"'));
    assert.deepEqual(frames.slice(0, -1), ['{"channel":"heartbeat"}', '{"channel":"heartbeat"}']);
  } finally {
    await c.close();
    await t.stop();
  }
});
