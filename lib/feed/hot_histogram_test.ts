import assert from "node:assert/strict";
import { Histogram, Registry } from "prom-client";
import { TRANSPORT_LATENCY_BUCKETS_MS } from "./buckets.ts";
import { HotSeriesByPair } from "./hot_histogram.ts";

function pair() {
  const reg = new Registry();
  const cfg = {
    help: "h",
    labelNames: ["venue", "symbol"] as const,
    buckets: [...TRANSPORT_LATENCY_BUCKETS_MS],
    registers: [reg],
  };
  const plain = new Histogram({ ...cfg, name: "plain_ms" });
  const hot = new HotSeriesByPair(["venue", "symbol"], TRANSPORT_LATENCY_BUCKETS_MS);
  const fast = new Histogram({
    ...cfg,
    name: "fast_ms",
    collect() {
      hot.copyInto(this);
    },
  });
  return { reg, plain, hot, fast };
}

/** The exposition text of one metric with its name normalised, to compare the two histograms. */
async function text(reg: Registry, name: string): Promise<string> {
  return (await reg.getSingleMetricAsString(name)).replaceAll(name, "m");
}

Deno.test("HotSeries produces exactly the exposition prom-client's own observe() does", async () => {
  const { reg, plain, hot, fast } = pair();
  // Configured pairs are pre-zeroed in both; values on, between and beyond the bucket bounds.
  plain.zero({ venue: "binance", symbol: "ETH-USDT" });
  fast.zero(hot.get("binance", "ETH-USDT").labels);
  const values = [0, 1, 1.5, 5, 24.999, 500, 501, 10000, 10001, 123456, 0.25, 7, 7, 7];
  values.forEach((v, i) => {
    const [venue, symbol] = i % 3 === 0 ? ["okx", "BTC-USDT"] : ["binance", "BTC-USDT"];
    plain.observe({ venue, symbol }, v);
    hot.get(venue, symbol).observe(v);
  });
  const want = await text(reg, "plain_ms");
  assert.match(want, /m_bucket\{le="\+Inf",venue="binance",symbol="BTC-USDT"\} 9/);
  assert.match(want, /m_count\{venue="binance",symbol="ETH-USDT"\} 0/);
  assert.equal(await text(reg, "fast_ms"), want);
  // A second scrape after more observations: still equal (copies replace, never double-count).
  hot.get("okx", "BTC-USDT").observe(3);
  plain.observe({ venue: "okx", symbol: "BTC-USDT" }, 3);
  assert.equal(await text(reg, "fast_ms"), await text(reg, "plain_ms"));
  // Non-finite values are refused like prom-client refuses them.
  assert.throws(() => hot.get("okx", "BTC-USDT").observe(Number.NaN), TypeError);
  assert.throws(() => plain.observe({ venue: "okx", symbol: "BTC-USDT" }, Number.NaN), TypeError);
  // After a registry reset the next scrape shows the series again.
  reg.resetMetrics();
  assert.match(await text(reg, "fast_ms"), /m_count\{venue="okx",symbol="BTC-USDT"\} 6/);
});
