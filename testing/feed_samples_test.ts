import assert from "node:assert/strict";
import { sampleBar, sampleTrade } from "./feed_samples.ts";

Deno.test("sampleTrade: received at venue time unless given; sampleBar: 1m unless given", () => {
  assert.equal(sampleTrade("BTC-USDT", "1", 5).receivedAtMs, 5);
  assert.equal(sampleTrade("BTC-USDT", "1", 5, 9).receivedAtMs, 9);
  const b = sampleBar("ETH-USDT", 60_000);
  assert.deepEqual([b.venue, b.symbol, b.interval, b.openTimeMs, b.origin], [
    "binance",
    "ETH-USDT",
    "1m",
    60_000,
    "trades",
  ]);
  assert.deepEqual([b.o, b.h, b.l, b.c, b.v, b.trades], [1, 1, 1, 1, 1, 1]);
  assert.equal(sampleBar("ETH-USDT", 0, "1h").interval, "1h");
});
