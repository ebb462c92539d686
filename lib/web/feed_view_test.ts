// /api/feed and /api/bars over fake upstream answers: the join of feed bars with Prometheus series.
import assert from "node:assert/strict";
import { DEFAULT_DIVERGENCE_QUERY } from "./config.ts";
import { feedQueries } from "./feed_view.ts";
import { sampleBars } from "../../testing/sample_bars.ts";
import { type Answer, FEED, PROM, promVector, testApp } from "../../testing/web_upstreams.ts";

const q = feedQueries("1m", DEFAULT_DIVERGENCE_QUERY);
const bars = sampleBars({
  venue: "binance",
  symbol: "BTC-USDT",
  interval: "1m",
  count: 30,
  firstOpenTimeMs: Date.UTC(2026, 0, 1),
  basePrice: 50_000,
});

function feedTable(over: Record<string, Answer> = {}): Record<string, Answer> {
  return {
    [`${PROM} query:${q.p99LatencyMs}`]: promVector([
      { labels: { venue: "binance", symbol: "BTC-USDT" }, value: "12.5" },
      { labels: { venue: "okx", symbol: "ETH-USDT" }, value: "30" },
    ]),
    [`${PROM} query:${q.barsPerMinute}`]: promVector([
      { labels: { venue: "binance", symbol: "BTC-USDT" }, value: "1" },
    ]),
    // Reconnects are per venue (no symbol label): every row of that venue shows them.
    [`${PROM} query:${q.reconnects}`]: promVector([{ labels: { venue: "binance" }, value: "2" }]),
    [`${PROM} query:${q.gaps}`]: promVector([{
      labels: { venue: "binance", symbol: "BTC-USDT" },
      value: "0",
    }]),
    [`${PROM} query:${q.nanRecords}`]: promVector([]),
    // Divergence compares venues: one series per symbol (no venue label), shown on each venue's row.
    [`${PROM} query:${q.divergenceBps}`]: promVector([
      { labels: { symbol: "BTC-USDT" }, value: "3.75" },
      { labels: { symbol: "ETH-USDT" }, value: "1.5" },
    ]),
    [`${FEED} /api/bars?venue=binance&symbol=BTC-USDT&interval=1m&limit=1`]: bars.slice(-1),
    [`${FEED} /api/bars?venue=okx&symbol=ETH-USDT&interval=1m&limit=1`]: "refuse",
    ...over,
  };
}

Deno.test("/api/feed: one row per pair (configured + seen in Prometheus) with last bar and metrics", async () => {
  const { handler } = testApp(feedTable());
  const res = await handler(new Request("http://web.test/api/feed"));
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(body.rows.map((r: { venue: string; symbol: string }) => `${r.venue}/${r.symbol}`), [
    "binance/BTC-USDT",
    "okx/ETH-USDT",
  ]);
  const [btc, eth] = body.rows;
  assert.equal(btc.lastBar.c, bars[29].c);
  assert.equal(btc.lastBar.openTimeMs, Date.UTC(2026, 0, 1) + 29 * 60_000);
  assert.equal(btc.lastBar.features.ema_12, bars[29].features.ema_12);
  assert.deepEqual(btc.metrics, {
    p99LatencyMs: 12.5,
    barsPerMinute: 1,
    reconnects: 2,
    gaps: 0,
    nanRecords: null,
    divergenceBps: 3.75,
  });
  assert.equal(btc.source.ok, true);
  assert.equal(eth.source.ok, false);
  assert.equal(eth.lastBar, null);
  assert.equal(eth.metrics.p99LatencyMs, 30);
  assert.equal(eth.metrics.divergenceBps, 1.5);
  assert.equal(eth.metrics.reconnects, null, "okx has no reconnect series here");
  // The feed is reachable as a whole while any pair answers.
  assert.equal(body.source.ok, true);
});

Deno.test("/api/feed with Prometheus down: rows from config and the feed, every query reports why", async () => {
  const down = Object.fromEntries(Object.values(q).map((text) => [`${PROM} query:${text}`, "refuse"]));
  const { handler } = testApp(feedTable(down));
  const body = await (await handler(new Request("http://web.test/api/feed"))).json();
  assert.equal(body.rows.length, 1);
  assert.equal(body.rows[0].lastBar.c, bars[29].c);
  for (const name of Object.keys(q)) assert.equal(body.queries[name].report.ok, false, name);
});

Deno.test("feed queries keep the configured interval, in the divergence query too", () => {
  assert.equal(q.barsPerMinute, 'sum by (venue, symbol) (rate(feed_bars_total{interval="1m"}[5m])) * 60');
  assert.equal(q.divergenceBps, 'max by (symbol) (feed_divergence_bps{interval="1m"})');
  assert.equal(
    feedQueries("1h", DEFAULT_DIVERGENCE_QUERY).divergenceBps,
    'max by (symbol) (feed_divergence_bps{interval="1h"})',
  );
  assert.equal(feedQueries("1h", "my_query").divergenceBps, "my_query");
});

Deno.test("/api/bars proxies to the feed with checked parameters (defaults from config)", async () => {
  const { handler, calls } = testApp({
    [`${FEED} /api/bars?venue=binance&symbol=BTC-USDT&interval=1m&limit=120`]: bars,
    [`${FEED} /api/bars?venue=kraken&symbol=ETH-USDT&interval=1h&limit=5`]: { bars: bars.slice(0, 5) },
  });
  const all = await (await handler(new Request("http://web.test/api/bars"))).json();
  assert.equal(all.bars.length, 30);
  assert.deepEqual([all.venue, all.symbol, all.interval], ["binance", "BTC-USDT", "1m"]);
  const some = await (await handler(
    new Request("http://web.test/api/bars?venue=kraken&symbol=ETH-USDT&interval=1h&limit=5"),
  )).json();
  assert.equal(some.bars.length, 5);
  assert.equal(some.source.ok, true);
  assert.equal(calls.length, 2);

  for (
    const bad of [
      "venue=Binance",
      "venue=a%2Fb",
      "symbol=btc-usdt",
      "interval=5m",
      "limit=0",
      "limit=1001",
      "limit=abc",
    ]
  ) {
    const res = await handler(new Request(`http://web.test/api/bars?${bad}`));
    assert.equal(res.status, 400, bad);
    assert.match((await res.json()).error, /query parameter/, bad);
  }
  assert.equal(calls.length, 2, "a rejected request never reaches the feed");
});
