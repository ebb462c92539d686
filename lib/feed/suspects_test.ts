import assert from "node:assert/strict";
import { sampleBar } from "../../testing/feed_samples.ts";
import { bucketQuantile, formatStatus } from "./status_line.ts";
import { SuspectBook } from "./suspects.ts";

const M = 60_000;

Deno.test("SuspectBook: a window marks the bars it overlaps, per symbol or venue-wide, until pruned", () => {
  const b = new SuspectBook();
  b.mark("binance", "BTC-USDT", 10 * M + 5, 10 * M + 5);
  assert.equal(b.isSuspect(sampleBar("BTC-USDT", 10 * M)), true);
  assert.equal(b.isSuspect(sampleBar("BTC-USDT", 9 * M)), false);
  assert.equal(b.isSuspect(sampleBar("BTC-USDT", 11 * M)), false);
  assert.equal(b.isSuspect(sampleBar("ETH-USDT", 10 * M)), false);
  assert.equal(b.isSuspect(sampleBar("BTC-USDT", 0, "1h")), true);
  b.mark("binance", null, 20 * M - 1, 20 * M);
  assert.equal(b.isSuspect(sampleBar("ETH-USDT", 19 * M)), true);
  assert.equal(b.isSuspect(sampleBar("ETH-USDT", 20 * M)), true);
  assert.equal(b.isSuspect({ ...sampleBar("ETH-USDT", 20 * M), venue: "okx" }), false);
  b.mark("binance", null, 20 * M, 20 * M + 10); // touching: widened, not added
  assert.equal(b.size, 2);
  b.prune(20 * M + 10 + 2 * 3_600_000 + 1);
  assert.equal(b.size, 0);
  assert.equal(b.isSuspect(sampleBar("BTC-USDT", 10 * M)), false);
});

Deno.test("status line: quantile from cumulative buckets over label sets, and the line", () => {
  const buckets = [
    { le: 10, count: 50 },
    { le: 100, count: 99 },
    { le: Infinity, count: 100 },
    { le: 10, count: 0 },
    { le: 100, count: 1 },
    { le: Infinity, count: 1 },
  ];
  assert.equal(bucketQuantile(buckets, 0.5), 100);
  assert.equal(bucketQuantile(buckets, 0.25), 10);
  assert.equal(bucketQuantile(buckets, 0.99), 100);
  assert.equal(bucketQuantile(buckets, 1), Infinity);
  assert.equal(bucketQuantile([{ le: 1, count: 0 }], 0.99), null);
  const line = formatStatus(
    { barsStored: 10, reconnects: 0, gaps: 0, backfilled: 0, notRecovered: 0, p99LatencyMs: null },
    { barsStored: 35, reconnects: 2, gaps: 1, backfilled: 1, notRecovered: 3, p99LatencyMs: 250 },
    10,
  );
  assert.equal(
    line,
    "feed status: 2.50 bars/s, p99 transport 250 ms, reconnects 2, gaps 1, backfilled 1, not recovered 3",
  );
});
