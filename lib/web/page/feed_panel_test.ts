// The feed panel's exact markup for /api/feed data (the server's own type).
import assert from "node:assert/strict";
import type { FeedView } from "../feed_view.ts";
import { feedPanel } from "./feed_panel.js";
import { toHtml } from "./render.js";
import { downReport, okReport, queryResult } from "../../../testing/source_reports.ts";

const METRICS = {
  p99LatencyMs: 12.345,
  barsPerMinute: 1,
  reconnects: 2,
  gaps: 0,
  nanRecords: null,
  divergenceBps: -3.21,
};
const FEED: FeedView = {
  interval: "1m",
  source: okReport("feed"),
  queries: {
    p99LatencyMs: queryResult([]),
    barsPerMinute: queryResult([]),
    reconnects: queryResult([], downReport("prometheus")),
    gaps: queryResult([]),
    nanRecords: queryResult([]),
    divergenceBps: queryResult([]),
  },
  rows: [
    {
      venue: "binance",
      symbol: "BTC-USDT",
      source: okReport("feed"),
      lastBar: {
        openTimeMs: Date.UTC(2026, 0, 1, 10, 42),
        o: 1,
        h: 2,
        l: 0.5,
        c: 43210.123456,
        v: 3,
        features: {
          ema_12: 43000.5,
          ema_26: null,
          sma_20: 1,
          rsi_14: 55.555,
          atr_14: 0.001,
          vwap_session_utc: 43100,
        },
      },
      metrics: METRICS,
      health: { status: "ok", reasons: [] },
    },
    {
      venue: "okx",
      symbol: "BTC-USDT",
      source: okReport("feed"),
      lastBar: { openTimeMs: Date.UTC(2026, 0, 1, 10, 41), o: 1, h: 1, l: 1, c: 1, v: 1 },
      metrics: METRICS,
      health: { status: "degraded", reasons: ["venue link down", "venue clock in doubt"] },
    },
    {
      venue: "bybit",
      symbol: "ETH-USDT",
      source: downReport("feed"),
      lastBar: null,
      metrics: METRICS,
      health: null,
    },
  ],
};

Deno.test("feed panel: a row per pair (ok, degraded, unreachable), a failed query named, the pairs", () => {
  const p = feedPanel(FEED);
  assert.equal(p.summary, "interval 1m");
  assert.deepEqual(p.pairs, ["binance/BTC-USDT", "okx/BTC-USDT", "bybit/ETH-USDT"]);
  assert.equal(
    toHtml(p.body),
    "<table><thead>" +
      "<tr><th>venue</th><th>symbol</th><th>bar</th><th>close</th><th>EMA12</th><th>EMA26</th><th>RSI14</th><th>ATR14</th><th>VWAP</th><th>p99 ms</th><th>bars/min</th><th>reconn</th><th>gaps</th><th>NaN</th><th>div bps (symbol)</th><th>feed</th></tr></thead><tbody>" +
      '<tr><td>binance</td><td>BTC-USDT</td><td>10:42</td><td class="num">43,210.1235</td><td class="num">43,000.5</td><td class="num">—</td><td class="num">55.56</td><td class="num">0</td><td class="num">43,100</td><td class="num">12.3</td><td class="num">1</td><td class="num">2</td><td class="num">0</td><td class="num">—</td><td class="num">-3.2</td><td><span class="badge ok">ok</span></td></tr>' +
      '<tr><td>okx</td><td>BTC-USDT</td><td>10:41</td><td class="num">1</td><td class="num">—</td><td class="num">—</td><td class="num">—</td><td class="num">—</td><td class="num">—</td><td class="num">12.3</td><td class="num">1</td><td class="num">2</td><td class="num">0</td><td class="num">—</td><td class="num">-3.2</td><td><span class="badge bad" title="venue link down; venue clock in doubt">degraded</span></td></tr>' +
      '<tr><td>bybit</td><td>ETH-USDT</td><td>—</td><td class="num">—</td><td class="num">—</td><td class="num">—</td><td class="num">—</td><td class="num">—</td><td class="num">—</td><td class="num">12.3</td><td class="num">1</td><td class="num">2</td><td class="num">0</td><td class="num">—</td><td class="num">-3.2</td><td><span class="err" title="fetch failed: &lt;refused&gt;">unreachable</span></td></tr></tbody></table><p class="err">reconnects: Prometheus unreachable: fetch failed: &lt;refused&gt;</p>',
  );
});
