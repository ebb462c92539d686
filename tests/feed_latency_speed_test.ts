// Transport latency is wall-clock time at any simulator speed: the same feed against the simulator at
// 1x and at 60x, measured in one run, reads p99 in the same band (before, 60x read ~60 times more:
// simulated milliseconds). No absolute wall-time bound beyond the FeedHighLatency threshold.
import assert from "node:assert/strict";
import { join } from "node:path";
import { startFeed } from "../lib/feed/run.ts";
import { bucketQuantile, histogramBuckets } from "../lib/feed/status_line.ts";
import { EPOCH, feedConfig, HOUR, startSim } from "./feed_support.ts";
import { waitFor } from "../lib/async/poll.ts";

/** FeedHighLatency's threshold (config/prometheus/rules/livefeed.yml). */
const ALERT_MS = 500;

async function p99AtSpeed(speed: number): Promise<{ p99: number; trades: number }> {
  const dir = await Deno.makeTempDir({ prefix: `feed_latency_${speed}x_` });
  const sim = startSim(dir, {
    venues: ["binance"],
    symbols: ["BTC-USDT"],
    speed,
    startSimMs: EPOCH + HOUR,
    // About 30 trades a wall second at either speed.
    tradeRate: 30 / speed,
  });
  const feed = (await startFeed({
    config: feedConfig(sim.port, {
      VENUES_ENABLED: "binance",
      SYMBOLS: "BTC-USDT",
      INTERVALS: "1m",
      STORE_PATH: join(dir, "feed.duckdb"),
    }),
    hostname: "127.0.0.1",
    port: 0,
    log: () => {},
    signal: new AbortController().signal,
  }))!;
  try {
    const trades = () => feed.service.ingest.total("trades");
    await waitFor(`60 live trades at ${speed}x`, () => trades() >= 60);
    const buckets = await histogramBuckets(feed.service.metrics.registry, "feed_transport_latency_ms");
    return { p99: bucketQuantile(buckets, 0.99) ?? Number.NaN, trades: trades() };
  } finally {
    await feed.stop();
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("transport latency p99 at 60x is in the 1x band (wall ms, not simulated ms)", async () => {
  const slow = await p99AtSpeed(1);
  const fast = await p99AtSpeed(60);
  const band = Math.max(ALERT_MS, 4 * slow.p99);
  assert.ok(Number.isFinite(slow.p99) && Number.isFinite(fast.p99), JSON.stringify({ slow, fast }));
  assert.ok(fast.p99 <= band, `p99 at 60x ${fast.p99} ms, at 1x ${slow.p99} ms: outside the band ${band} ms`);
  assert.ok(slow.p99 <= ALERT_MS, `p99 at 1x ${slow.p99} ms above the alert threshold`);
});
