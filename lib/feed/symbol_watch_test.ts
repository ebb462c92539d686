import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { BarPipeline } from "../bars/bar_pipeline.ts";
import type { Bar, ReleasedBar, Trade } from "../market/types.ts";
import { registerSymbolWatchMetrics, SymbolWatch } from "./symbol_watch.ts";

const M = 60_000;

Deno.test("SymbolWatch: judges only open links of kline-pushing venues, once per stall, until data returns", () => {
  const w = new SymbolWatch(["binance", "okx", "kraken"], ["BTC-USDT", "ETH-USDT"], 1000);
  // No link yet: nothing is judged, however long the silence.
  assert.deepEqual(w.check(50_000), []);
  for (const v of ["binance", "okx", "kraken"] as const) w.link(v, 50_000);
  w.link("okx", 60_000); // already up: the earlier time stands
  w.seen("binance", "BTC-USDT", 50_500, 7 * M);
  w.seen("okx", "BTC-USDT", 50_900, 7 * M + 10);
  w.seen("okx", "ETH-USDT", 50_900, 7 * M + 10);
  assert.equal(w.seen("bybit", "BTC-USDT", 50_900, 1), false, "venue not watched");
  // binance ETH never sent anything since the link came up: silent 1001 ms > 1000.
  assert.deepEqual(w.check(51_001), [
    { venue: "binance", symbol: "ETH-USDT", lastFeedMs: -Infinity, silentMs: 1001 },
  ]);
  assert.deepEqual(w.check(51_400), [], "reported once");
  const late = w.check(51_901);
  assert.deepEqual(late.map((s) => [s.venue, s.symbol, s.lastFeedMs, s.silentMs]), [
    ["binance", "BTC-USDT", 7 * M, 1401],
    ["okx", "BTC-USDT", 7 * M + 10, 1001],
    ["okx", "ETH-USDT", 7 * M + 10, 1001],
  ]);
  // Kraken is silent when nothing trades: never a stall.
  assert.deepEqual(w.check(99_000), []);
  assert.deepEqual(w.stalledOf("okx"), ["BTC-USDT", "ETH-USDT"]);
  // Data for okx ETH ends its stall (true once); okx BTC stays stalled.
  assert.equal(w.seen("okx", "ETH-USDT", 99_100, 9 * M), true);
  assert.equal(w.seen("okx", "ETH-USDT", 99_200, 9 * M), false);
  assert.deepEqual(w.stalledOf("okx"), ["BTC-USDT"]);
  // A link down: no new judgements; back up: the timeout counts from the reconnect.
  w.link("okx", null);
  assert.deepEqual(w.check(200_000), []);
  w.link("okx", 200_000);
  assert.deepEqual(w.check(201_000), []);
  assert.deepEqual(w.check(201_001).map((s) => [s.symbol, s.silentMs]), [["ETH-USDT", 1001]]);
  assert.deepEqual(
    w.rows().filter((r) => r.stalls > 0).map((r) => [r.venue, r.symbol, r.stalled, r.stalls]),
    [
      ["binance", "BTC-USDT", true, 1],
      ["binance", "ETH-USDT", true, 1],
      ["okx", "BTC-USDT", true, 1],
      ["okx", "ETH-USDT", true, 2],
    ],
  );
});

Deno.test("SymbolWatch metrics: every configured pair exported, 0/1 gauge and stall counter", async () => {
  const w = new SymbolWatch(["bybit", "kraken"], ["BTC-USDT"], 100);
  const registry = new Registry();
  registerSymbolWatchMetrics(registry, w);
  w.link("bybit", 0);
  w.link("kraken", 0);
  w.check(101);
  const text = await registry.metrics();
  const lines = text.split("\n").filter((l) => l.startsWith("feed_symbol_"));
  assert.deepEqual(lines, [
    'feed_symbol_stalled{venue="bybit",symbol="BTC-USDT"} 1',
    'feed_symbol_stalled{venue="kraken",symbol="BTC-USDT"} 0',
    'feed_symbol_stalls_total{venue="bybit",symbol="BTC-USDT"} 1',
    'feed_symbol_stalls_total{venue="kraken",symbol="BTC-USDT"} 0',
  ]);
});

function trade(symbol: string, id: number, t: number, price: number): Trade {
  return {
    kind: "trade",
    venue: "binance",
    symbol,
    tradeId: String(id),
    price,
    size: 1,
    side: "buy",
    venueTimeMs: t,
    receivedAtMs: t + 5,
  };
}

Deno.test("BarPipeline.symbolDown/Up: a stalled symbol's intervals are gaps (backfilled), not flat bars", () => {
  const out: ReleasedBar[] = [];
  const p = new BarPipeline({ intervals: ["1m"], graceMs: 1000 }, (b) => out.push(b));
  let id = 0;
  for (const s of ["BTC-USDT", "ETH-USDT"]) p.event(trade(s, ++id, 10 * M + 1000, 100));
  // BTC goes silent at 10m+30s; ETH is merely quiet (no trades, link up).
  p.symbolDown("binance", "BTC-USDT", 10 * M + 30_000);
  p.symbolDown("binance", "SOL-USDT", 10 * M); // never seen: nothing to do
  p.advance(13 * M + 1000);
  assert.deepEqual(out.map((b) => [b.symbol, b.openTimeMs / M, b.origin]), [
    ["ETH-USDT", 10, "trades"],
    ["ETH-USDT", 11, "flat"],
    ["ETH-USDT", 12, "flat"],
  ]);
  assert.deepEqual(p.pendingGaps().map((g) => [g.symbol, g.openTimeMs / M]), [
    ["BTC-USDT", 10],
    ["BTC-USDT", 11],
    ["BTC-USDT", 12],
  ]);
  // Data is back at 13m+20s: that interval is a gap too (partly missed); 14m is built from trades.
  p.symbolUp("binance", "BTC-USDT", 13 * M + 20_000);
  p.event(trade("BTC-USDT", ++id, 13 * M + 25_000, 104));
  p.event(trade("BTC-USDT", ++id, 14 * M + 5_000, 105));
  p.advance(15 * M + 1000);
  assert.deepEqual(p.pendingGaps().map((g) => g.openTimeMs / M), [10, 11, 12, 13]);
  out.length = 0;
  for (const m of [10, 11, 12, 13]) {
    const k: Bar = {
      venue: "binance",
      symbol: "BTC-USDT",
      interval: "1m",
      openTimeMs: m * M,
      o: 100 + m - 10,
      h: 101 + m - 10,
      l: 100 + m - 10,
      c: 101 + m - 10,
      v: 3,
      trades: 3,
      origin: "backfill",
    };
    assert.equal(p.backfill(k, 15 * M + 2000), true);
  }
  assert.deepEqual(out.filter((b) => b.symbol === "BTC-USDT").map((b) => [b.openTimeMs / M, b.origin, b.c]), [
    [10, "backfill", 101],
    [11, "backfill", 102],
    [12, "backfill", 103],
    [13, "backfill", 104],
    [14, "trades", 105],
  ]);
  // While the whole venue is down, symbolUp leaves the venue's down period alone.
  p.connectionDown("binance", 15 * M);
  p.symbolUp("binance", "BTC-USDT", 15 * M + 10_000);
  p.advance(17 * M + 1000);
  assert.deepEqual(p.pendingGaps().map((g) => [g.symbol, g.openTimeMs / M]), [
    ["BTC-USDT", 15],
    ["BTC-USDT", 16],
    ["ETH-USDT", 15],
    ["ETH-USDT", 16],
  ]);
});
