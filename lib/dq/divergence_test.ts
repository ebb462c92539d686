import assert from "node:assert/strict";
import { DivergenceGauge, maxPairBps } from "./divergence.ts";

Deno.test("maxPairBps: the most distant pair in bps of its mid; null below two venues", () => {
  assert.equal(maxPairBps([100]), null);
  assert.equal(maxPairBps([100, 100]), 0);
  assert.equal(maxPairBps([99, 101]), 200); // |2| / 100 * 1e4
  assert.equal(maxPairBps([100, 99, 101, 100.5]), 200);
});

Deno.test("DivergenceGauge compares only venues at the newest open time; old bars never roll back", () => {
  const g = new DivergenceGauge();
  g.observe("binance", "BTC-USDT", "1m", 60_000, 99);
  g.observe("okx", "BTC-USDT", "1m", 60_000, 101);
  g.observe("kraken", "BTC-USDT", "1m", 0, 50); // an older bar: not compared
  assert.deepEqual(g.row("BTC-USDT", "1m"), {
    symbol: "BTC-USDT",
    interval: "1m",
    openTimeMs: 60_000,
    bps: 200,
    venues: ["binance", "okx"],
  });
  g.observe("binance", "BTC-USDT", "1m", 120_000, 100);
  assert.equal(g.row("BTC-USDT", "1m")?.bps, null, "one venue ahead: nothing to compare yet");
  g.observe("binance", "BTC-USDT", "1m", 0, 1); // a backfill of an old bar
  assert.equal(g.row("BTC-USDT", "1m")?.openTimeMs, 120_000);
  g.observe("okx", "BTC-USDT", "1m", 120_000, Number.NaN); // ignored
  g.observe("okx", "ETH-USDT", "1h", 0, 3000);
  assert.deepEqual(g.snapshot().map((r) => [r.symbol, r.interval, r.bps]), [
    ["BTC-USDT", "1m", null],
    ["ETH-USDT", "1h", null],
  ]);
  assert.equal(g.row("SOL-USDT", "1m"), null);
});
