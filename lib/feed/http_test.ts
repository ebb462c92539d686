// The feed's HTTP face called with Request objects (no port): routes, methods, /api/bars validation
// and content, /health as given, the SSE stream's first frames.
import assert from "node:assert/strict";
import { Counter, Registry } from "prom-client";
import { sampleBars } from "../../testing/sample_bars.ts";
import { BarStreamHub, type FeedHealth } from "./bar_stream.ts";
import { feedHandler, MAX_BARS_LIMIT, parseBarsQuery } from "./http.ts";

const BARS = sampleBars({
  venue: "bybit",
  symbol: "BTC-USDT",
  interval: "1m",
  count: 3,
  firstOpenTimeMs: 1_767_225_600_000,
  basePrice: 100,
});
const HEALTH: FeedHealth = { feedOk: true, nowMs: 1_767_225_800_000, stale: [], speed: 1 };

function setup() {
  const registry = new Registry();
  new Counter({ name: "feed_trades_total", help: "Trades.", registers: [registry] }).inc(3);
  const hub = new BarStreamHub();
  const asked: unknown[] = [];
  const h = feedHandler({
    registry,
    hub,
    health: () => ({ status: "ok", profile: "sim" }),
    feedHealth: () => HEALTH,
    recentBars: (venue, symbol, interval, limit) => {
      asked.push([venue, symbol, interval, limit]);
      return Promise.resolve(BARS.slice(-limit));
    },
  });
  return { h, hub, asked };
}

const get = (h: ReturnType<typeof setup>["h"], path: string, init?: RequestInit) =>
  h(new Request(`http://feed${path}`, init));

Deno.test("/metrics in the registry's format, /health as the service gives it", async () => {
  const { h } = setup();
  const m = await get(h, "/metrics");
  assert.equal(m.status, 200);
  assert.equal(m.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  assert.match(await m.text(), /^feed_trades_total 3$/m);
  const health = await get(h, "/health");
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: "ok", profile: "sim" });
});

Deno.test("GET and HEAD only; unknown paths 404", async () => {
  const { h } = setup();
  const post = await get(h, "/health", { method: "POST", body: "{}" });
  assert.deepEqual([post.status, post.headers.get("allow")], [405, "GET, HEAD"]);
  await post.body?.cancel();
  const head = await get(h, "/health", { method: "HEAD" });
  assert.deepEqual([head.status, head.body], [200, null]);
  const other = await get(h, "/nope");
  assert.equal(other.status, 404);
  await other.body?.cancel();
});

Deno.test("/api/bars: the store's newest bars as JSON, venue symbols accepted, default limit 500", async () => {
  const { h, asked } = setup();
  const r = await get(h, "/api/bars?venue=bybit&symbol=BTCUSDT&interval=1m&limit=2");
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("cache-control"), "no-store");
  assert.deepEqual(await r.json(), BARS.slice(-2));
  await (await get(h, "/api/bars?venue=bybit&symbol=BTC-USDT&interval=1m")).body?.cancel();
  assert.deepEqual(asked, [["bybit", "BTC-USDT", "1m", 2], ["bybit", "BTC-USDT", "1m", 500]]);
});

Deno.test("/api/bars: each bad parameter is a 400 with a one-line reason, the store not asked", async () => {
  const { h, asked } = setup();
  const cases: [string, RegExp][] = [
    ["symbol=BTC-USDT&interval=1m", /^venue must be one of binance, bybit, okx, kraken, got null$/],
    ["venue=ftx&symbol=BTC-USDT&interval=1m", /got "ftx"/],
    ["venue=okx&interval=1m", /^symbol is required/],
    ["venue=okx&symbol=%3F%3F&interval=1m", /^symbol must look like BTC-USDT/],
    ["venue=okx&symbol=BTC-USDT&interval=5m", /^interval must be one of 1m, 1h, got "5m"$/],
    [
      "venue=okx&symbol=BTC-USDT&interval=1m&limit=0",
      /^limit must be a whole number from 1 to 5000, got "0"$/,
    ],
    ["venue=okx&symbol=BTC-USDT&interval=1m&limit=2.5", /got "2.5"/],
    [`venue=okx&symbol=BTC-USDT&interval=1m&limit=${MAX_BARS_LIMIT + 1}`, /got "5001"/],
  ];
  for (const [q, want] of cases) {
    const r = await get(h, `/api/bars?${q}`);
    assert.equal(r.status, 400, q);
    const body = await r.text();
    assert.ok(body.endsWith("}\n") && !body.slice(0, -1).includes("\n"), "one line");
    assert.match(JSON.parse(body).error, want, q);
  }
  assert.deepEqual(asked, []);
  assert.deepEqual(parseBarsQuery(new URLSearchParams("venue=kraken&symbol=eth-usdt&interval=1h&limit=")), {
    venue: "kraken",
    symbol: "ETH-USDT",
    interval: "1h",
    limit: 500,
  });
});

Deno.test("/stream/bars: a heartbeat first, then the published bars that match the filter", async () => {
  const { h, hub } = setup();
  const r = await get(h, "/stream/bars?venue=bybit");
  assert.equal(r.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
  const first = await reader.read();
  assert.equal(first.value, `retry: 1000\nevent: heartbeat\ndata: ${JSON.stringify(HEALTH)}\n\n`);
  hub.publish({ ...BARS[0], venue: "okx" }); // filtered out
  hub.publish(BARS[1]);
  const next = await reader.read();
  assert.ok(next.value?.startsWith(`event: bar\nid: bybit|BTC-USDT|1m|${BARS[1].openTimeMs}\n`), next.value);
  await reader.cancel();
  assert.equal(hub.subscribers, 0);
});
