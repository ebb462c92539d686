// Every real captured frame under the shared fixtures is parsed or classified (conservation:
// frames in = handled + dropped with a reason, exact per file), and chosen frames map to exact
// normalised values. Frames are read from the shared dir, never copied into this repo.
import assert from "node:assert/strict";
import type { Venue } from "../lib/market/types.ts";
import type { MapResult } from "../lib/venues/adapter.ts";
import { mapFrame } from "../lib/venues/registry.ts";
import { OKX_FIRST_TRADE, sharedVenueFixtures } from "../testing/shared_fixtures.ts";

const SHARED = sharedVenueFixtures();
const DIR = SHARED.dir;

const RECEIVED = 1_700_000_000_000;

function frames(venue: Venue, file: string): string[] {
  return Deno.readTextFileSync(`${DIR}/${venue}/${file}`).split("\n").filter((l) => l !== "");
}

function mapAll(venue: Venue, file: string): MapResult[] {
  return frames(venue, file).map((l) => mapFrame(venue, l, RECEIVED));
}

/** Per file: frame count, frames by kind[:reason], events out. */
const EXPECTED: Record<string, { frames: number; kinds: Record<string, number>; events: number }> = {
  "binance/aggTrade.jsonl": { frames: 27, kinds: { data: 27 }, events: 27 },
  "binance/kline.jsonl": { frames: 22, kinds: { data: 22 }, events: 22 },
  "binance/trade.jsonl": { frames: 1, kinds: { data: 1 }, events: 1 },
  "bybit/kline.jsonl": { frames: 15, kinds: { data: 15 }, events: 15 },
  "bybit/kline_linear.jsonl": { frames: 47, kinds: { data: 47 }, events: 49 },
  "bybit/publicTrade.jsonl": { frames: 11, kinds: { data: 11 }, events: 11 },
  "bybit/publicTrade_linear.jsonl": { frames: 57, kinds: { data: 57 }, events: 165 },
  "bybit/subscribe_ack.jsonl": { frames: 7, kinds: { ack: 7 }, events: 0 },
  "bybit/subscribe_ack_linear.jsonl": { frames: 17, kinds: { ack: 17 }, events: 0 },
  "kraken/v1_heartbeat.jsonl": { frames: 15, kinds: { heartbeat: 15 }, events: 0 },
  "kraken/v1_ohlc.jsonl": { frames: 1, kinds: { data: 1 }, events: 1 },
  "kraken/v1_subscription_status.jsonl": { frames: 20, kinds: { ack: 20 }, events: 0 },
  "kraken/v1_system_status.jsonl": { frames: 1, kinds: { status: 1 }, events: 0 },
  "kraken/v1_trade.jsonl": { frames: 8, kinds: { data: 8 }, events: 10 },
  // Derivative instIds (BTC-USDT-SWAP, BTC-USD-220624): sizes are contracts, so not ours.
  "okx/candle.jsonl": { frames: 4, kinds: { data: 1, "dropped:unsupported_instrument": 3 }, events: 1 },
  "okx/error.jsonl": { frames: 1, kinds: { "error:venue_error": 1 }, events: 0 },
  "okx/subscribe_ack.jsonl": { frames: 39, kinds: { ack: 39 }, events: 0 },
  "okx/trades.jsonl": { frames: 69, kinds: { data: 69 }, events: 69 },
  "okx/trades_derivatives.jsonl": { frames: 14, kinds: { "dropped:unsupported_instrument": 14 }, events: 0 },
};

Deno.test({
  name: "fixtures: every frame of every file is handled or dropped with a reason (exact counts)",
  ignore: SHARED.ignore,
  fn() {
    SHARED.require();
    const seen: string[] = [];
    for (const venue of ["binance", "bybit", "okx", "kraken"] as const) {
      for (const entry of Deno.readDirSync(`${DIR}/${venue}`)) {
        if (!entry.name.endsWith(".jsonl")) continue;
        const key = `${venue}/${entry.name}`;
        seen.push(key);
        const want = EXPECTED[key];
        assert.ok(want, `new fixture file ${key}: add its expected counts`);
        const results = mapAll(venue, entry.name);
        const kinds: Record<string, number> = {};
        let handled = 0, droppedN = 0, events = 0;
        for (const r of results) {
          const k = r.kind === "dropped" || r.kind === "error" ? `${r.kind}:${r.reason}` : r.kind;
          kinds[k] = (kinds[k] ?? 0) + 1;
          if (r.kind === "dropped") {
            droppedN++;
            assert.ok(r.reason, `${key}: dropped frame without a reason`);
          } else handled++;
          events += r.events.length;
          for (const e of r.events) {
            for (const v of Object.values(e)) if (typeof v === "number") assert.ok(Number.isFinite(v), key);
          }
        }
        assert.equal(results.length, want.frames, `${key} frames`);
        assert.equal(handled + droppedN, want.frames, `${key} conservation`);
        assert.deepEqual(kinds, want.kinds, key);
        assert.equal(events, want.events, `${key} events`);
      }
    }
    assert.deepEqual(seen.sort(), Object.keys(EXPECTED).sort());
  },
});

Deno.test({
  name: "fixtures: Binance combined-stream aggTrade, trade and closed kline map to exact values",
  ignore: SHARED.ignore,
  fn() {
    SHARED.require();
    const agg = mapAll("binance", "aggTrade.jsonl");
    assert.deepEqual(agg[16].events[0], {
      kind: "trade",
      venue: "binance",
      symbol: "SWRV-BUSD",
      tradeId: "749094",
      price: 2.276,
      size: 21.963,
      side: "buy", // m:false -> buyer was taker
      venueTimeMs: 1618677373912,
      receivedAtMs: RECEIVED,
    });
    assert.equal(agg[0].events[0].kind === "trade" && agg[0].events[0].side, "sell"); // m:true
    const trade = mapAll("binance", "trade.jsonl")[0].events[0];
    assert.deepEqual(
      trade.kind === "trade" && [trade.symbol, trade.tradeId, trade.price, trade.size, trade.venueTimeMs],
      ["BNB-BTC", "40756030", 0.0042699, 33.82, 1554076800940],
    );
    const kl = mapAll("binance", "kline.jsonl");
    const closed = kl.flatMap((r) => r.events).filter((e) => e.kind === "kline" && e.closed);
    assert.equal(closed.length, 1);
    assert.deepEqual(closed[0], {
      kind: "kline",
      venue: "binance",
      symbol: "FTM-USDT",
      interval: "1m",
      openTimeMs: 1628952360000,
      o: 0.34064,
      h: 0.3407,
      l: 0.33934,
      c: 0.33964,
      v: 209224.3,
      closed: true,
      trades: 82,
      venueTimeMs: 1628952421387,
      receivedAtMs: RECEIVED,
    });
  },
});

Deno.test({
  name: "fixtures: Bybit spot trade ids stay strings; one confirmed kline",
  ignore: SHARED.ignore,
  fn() {
    SHARED.require();
    const t = mapAll("bybit", "publicTrade.jsonl")[0].events[0];
    assert.deepEqual(t, {
      kind: "trade",
      venue: "bybit",
      symbol: "BTC-USDT",
      tradeId: "2290000001189048101", // > 2^53: only a string keeps it
      price: 65140.5,
      size: 0.002705,
      side: "buy",
      venueTimeMs: 1786310822605,
      receivedAtMs: RECEIVED,
    });
    const kl = mapAll("bybit", "kline.jsonl").flatMap((r) => r.events);
    const confirmed = kl.filter((e) => e.kind === "kline" && e.closed);
    assert.equal(confirmed.length, 1);
    assert.deepEqual(
      confirmed[0].kind === "kline" &&
        [confirmed[0].symbol, confirmed[0].interval, confirmed[0].openTimeMs, confirmed[0].c, confirmed[0].v],
      ["BTC-USDT", "1m", 1786310760000, 65140.5, 0.15388],
    );
    const linear = mapAll("bybit", "publicTrade_linear.jsonl")[0].events[0];
    assert.equal(linear.kind === "trade" && linear.tradeId, "4b0832c3-70e8-5f68-a914-c53f304f507c");
  },
});

Deno.test({
  name: "fixtures: OKX trades (ms strings), legacy 7-field candle (closed=false), error frame",
  ignore: SHARED.ignore,
  fn() {
    SHARED.require();
    const trades = mapAll("okx", "trades.jsonl");
    assert.deepEqual(trades[0].events[0], { kind: "trade", ...OKX_FIRST_TRADE, receivedAtMs: RECEIVED });
    const candle = mapAll("okx", "candle.jsonl")[0];
    assert.deepEqual(candle.events[0], {
      kind: "kline",
      venue: "okx",
      symbol: "BTC-USDT",
      interval: "1m",
      openTimeMs: 1654154580000,
      o: 29930.7,
      h: 29936.3,
      l: 29930.7,
      c: 29936.3,
      v: 0.0111536,
      closed: false,
      venueTimeMs: 1654154580000,
      receivedAtMs: RECEIVED,
    });
    const err = mapAll("okx", "error.jsonl")[0];
    assert.equal(err.detail, "60018: channel:index-candle1m,instId:ETH-USDC-SWAP doesn't exist");
  },
});

Deno.test({
  name: "fixtures: Kraken v1 trades (no id, float seconds), ohlc, 20-digit connectionID as string",
  ignore: SHARED.ignore,
  fn() {
    SHARED.require();
    const trades = mapAll("kraken", "v1_trade.jsonl");
    assert.deepEqual(trades[0].events[0], {
      kind: "trade",
      venue: "kraken",
      symbol: "XMR-USD",
      tradeId: "",
      price: 354.11,
      size: 0.89594024,
      side: "sell",
      venueTimeMs: 1618678142557.535,
      receivedAtMs: RECEIVED,
    });
    assert.equal(trades[3].events.length, 2);
    const ohlc = mapAll("kraken", "v1_ohlc.jsonl")[0].events[0];
    assert.deepEqual(
      ohlc.kind === "kline" &&
        [ohlc.symbol, ohlc.interval, ohlc.openTimeMs, ohlc.o, ohlc.c, ohlc.v, ohlc.trades],
      ["BTC-USD", "1m", 1675209600000, 23135, 23135.4, 0.39012812, 7],
    );
    assert.equal(ohlc.venueTimeMs, 1675209613118.218);
    const status = mapAll("kraken", "v1_system_status.jsonl")[0];
    assert.equal(status.connectionId, "18239578009413566319");
  },
});
