import assert from "node:assert/strict";
import { binance } from "../venues/binance.ts";
import {
  feedClockMap,
  type FeedConnection,
  planAll,
  startConnections,
  subscriptionsFor,
} from "./connections.ts";

const ENV = {
  BINANCE_WS_URL: "ws://v/binance/ws",
  BINANCE_REST_URL: "http://v/binance",
  OKX_WS_PUBLIC_URL: "ws://v/okx/public",
  OKX_WS_BUSINESS_URL: "ws://v/okx/business",
  OKX_REST_URL: "http://v/okx",
};

Deno.test("subscriptions: trades plus the venue's own klines per symbol and interval", () => {
  assert.deepEqual(subscriptionsFor(["BTC-USDT", "ETH-USDT"], ["1m", "1h"]), [
    { channel: "trades", symbol: "BTC-USDT" },
    { channel: "klines", symbol: "BTC-USDT", interval: "1m" },
    { channel: "klines", symbol: "BTC-USDT", interval: "1h" },
    { channel: "trades", symbol: "ETH-USDT" },
    { channel: "klines", symbol: "ETH-USDT", interval: "1m" },
    { channel: "klines", symbol: "ETH-USDT", interval: "1h" },
  ]);
});

Deno.test("planAll: every enabled venue's connections; a missing endpoint names its env key", () => {
  const plans = planAll(["binance", "okx"], ENV, subscriptionsFor(["BTC-USDT"], ["1m"]));
  assert.deepEqual(plans.map((p) => [p.name, p.url, p.subscriptions.length]), [
    ["binance", "ws://v/binance/ws", 2],
    ["okx/public", "ws://v/okx/public", 1],
    ["okx/business", "ws://v/okx/business", 1],
  ]);
  assert.throws(
    () => planAll(["bybit"], ENV, []),
    (err) => err instanceof RangeError && /BYBIT_WS_URL/.test(err.message),
  );
});

Deno.test("startConnections: one FeedConnection per plan, down until connected; a stopped feed opens none", async () => {
  const ctrl = new AbortController();
  ctrl.abort(); // the lifecycle sees a stopped feed before its first attempt: nothing is dialled
  const conns = startConnections({
    venues: ["binance", "okx"],
    symbols: ["BTC-USDT"],
    intervals: ["1m"],
    env: ENV,
    feedNow: () => 0,
    wallNow: () => 0,
    signal: ctrl.signal,
    staleTimeoutMs: 1000,
    backoffBaseMs: 10,
    backoffMaxMs: 100,
    sink: () => assert.fail("no event from a link never opened"),
  });
  assert.deepEqual(conns.map((c) => [c.venue, c.name, c.trades, c.up, c.lastDataMs, c.lastFrameWallMs]), [
    ["binance", "binance", true, false, Number.NEGATIVE_INFINITY, 0],
    ["okx", "okx/public", true, false, Number.NEGATIVE_INFINITY, 0],
    ["okx", "okx/business", false, false, Number.NEGATIVE_INFINITY, 0],
  ]);
  assert.ok(conns.every((c) => c.stats.connects === 0));
  await Promise.all(conns.map((c) => c.done));
});

Deno.test("feedClockMap: frames are mapped at feed time, their wall time noted and the raw text tapped first", () => {
  const conn = { venue: "binance", name: "binance", lastFrameWallMs: 0 } as FeedConnection;
  const tapped: unknown[] = [];
  const map = feedClockMap(conn, binance.map, {
    feedNow: () => 1_767_225_660_000,
    wallNow: () => 42_000,
    tap: (venue, name, t, raw) => tapped.push([venue, name, t, raw.length]),
  });
  const frame = JSON.stringify({
    stream: "btcusdt@trade",
    data: {
      e: "trade",
      E: 1_767_225_659_000,
      s: "BTCUSDT",
      t: 7,
      p: "100.5",
      q: "0.25",
      T: 1_767_225_659_000,
      m: false,
    },
  });
  const r = map(frame, 5); // the lifecycle's wall time is not used
  assert.equal(r.kind, "data");
  assert.deepEqual(r.events.map((e) => [e.kind, e.receivedAtMs]), [["trade", 1_767_225_660_000]]);
  assert.equal(conn.lastFrameWallMs, 42_000);
  assert.deepEqual(tapped, [["binance", "binance", 1_767_225_660_000, frame.length]]);
});
