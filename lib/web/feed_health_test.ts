// The page's feed rows carry what the feed's /health knows: degraded with reasons, never a plain "ok"
// while /health says degraded; no /health answer leaves the row's health unknown (null).
import assert from "node:assert/strict";
import { rowHealth } from "./feed_health.ts";
import { FEED, testApp } from "../../testing/web_upstreams.ts";

const health = (over: Record<string, unknown> = {}) => ({
  status: "ok",
  stale: [],
  connections: [{ venue: "binance", up: true }, { venue: "okx", up: true }],
  clock: { kind: "sim", trusted: true },
  ...over,
});

Deno.test("rowHealth: a link down, a stale symbol, the clock in doubt, or a degraded feed", () => {
  assert.deepEqual(rowHealth(health(), "binance", "BTC-USDT"), { status: "ok", reasons: [] });
  const down = health({ status: "degraded", connections: [{ venue: "okx", up: false }] });
  assert.deepEqual(rowHealth(down, "okx", "ETH-USDT")?.reasons, ["venue link down"]);
  assert.deepEqual(rowHealth(down, "binance", "BTC-USDT")?.reasons, ["feed degraded"]);
  const stale = health({ status: "degraded", stale: ["binance/ETH-USDT"], clock: { trusted: false } });
  assert.deepEqual(rowHealth(stale, "binance", "ETH-USDT")?.reasons, [
    "no data past the stale timeout",
    "venue clock in doubt",
  ]);
  assert.equal(rowHealth(null, "binance", "BTC-USDT"), null);
});

Deno.test("/api/feed: rows show the degradation the feed's /health reports", async () => {
  const degraded = health({ status: "degraded", clock: { kind: "sim", trusted: false } });
  const { handler } = testApp({
    [`${FEED} /health`]: degraded,
    [`${FEED} /api/bars?venue=binance&symbol=BTC-USDT&interval=1m&limit=1`]: [],
  });
  const body = await (await handler(new Request("http://web.test/api/feed"))).json();
  assert.deepEqual(body.rows[0].health, { status: "degraded", reasons: ["venue clock in doubt"] });
  assert.equal(body.rows[0].source.ok, true);

  const { handler: noHealth } = testApp({
    [`${FEED} /api/bars?venue=binance&symbol=BTC-USDT&interval=1m&limit=1`]: [],
  });
  const rows = (await (await noHealth(new Request("http://web.test/api/feed"))).json()).rows;
  assert.equal(rows[0].health, null);
});
