// exprRefs finds the series and labels an expression names; checkRefs holds them to a catalog.
import assert from "node:assert/strict";
import { catalogFromExposition, checkRefs, exprRefs } from "./dashboard_expr_refs.ts";

const catalog = catalogFromExposition(
  [
    "# HELP feed_divergence_bps x",
    "# TYPE feed_divergence_bps gauge",
    'feed_divergence_bps{symbol="BTC-USDT",interval="1m"} 1.5',
    'feed_reconnects_total{venue="okx"} 0',
    'feed_transport_latency_ms_bucket{venue="okx",symbol="BTC-USDT",le="+Inf"} 3',
    "feed_commit_backlog 0",
  ].join("\n"),
  'up{job="x",instance="y"} 1',
);

Deno.test("catalogFromExposition: metric -> label names from sample lines", () => {
  assert.deepEqual([...catalog.keys()].sort(), [
    "feed_commit_backlog",
    "feed_divergence_bps",
    "feed_reconnects_total",
    "feed_transport_latency_ms_bucket",
    "up",
  ]);
  assert.deepEqual([...catalog.get("feed_divergence_bps")!], ["symbol", "interval"]);
  assert.deepEqual([...catalog.get("feed_commit_backlog")!], []);
});

Deno.test("exprRefs: metrics, matcher and grouping labels; functions, keywords, durations, numbers skipped", () => {
  assert.deepEqual(
    exprRefs(
      'histogram_quantile(0.99, sum by (venue, le) (rate(feed_transport_latency_ms_bucket{symbol=~"B.*"}[5m]))) * 1e3',
    ),
    { metrics: ["feed_transport_latency_ms_bucket"], labels: ["le", "symbol", "venue"], byName: false },
  );
  assert.deepEqual(exprRefs("time() - max without (job) (a_seconds) > bool 5 and on (venue) b offset 1m"), {
    metrics: ["a_seconds", "b"],
    labels: ["job", "venue"],
    byName: false,
  });
  assert.deepEqual(exprRefs('max by (venue) ({__name__=~"feed_.+_bps", venue!="by"})'), {
    metrics: [],
    labels: ["venue"],
    byName: true,
  });
});

Deno.test("checkRefs: real series pass; a missing metric, a label it lacks, a legend label, __name__ fail", () => {
  assert.deepEqual(checkRefs('max by (symbol) (feed_divergence_bps{interval="1m"})', catalog), []);
  assert.deepEqual(checkRefs("sum by (venue, job) (feed_reconnects_total)", catalog, ["instance"]), []);
  assert.deepEqual(checkRefs("max by (venue, symbol) (feed_divergence_bps)", catalog), [
    "label venue is on none of feed_divergence_bps",
  ]);
  assert.deepEqual(checkRefs("sum(feed_kline_divergence_bps)", catalog, ["symbol"]), [
    "no component exports feed_kline_divergence_bps",
    "label symbol is on none of feed_kline_divergence_bps",
  ]);
  assert.deepEqual(checkRefs('max by (venue, symbol) ({__name__=~"feed_.+_divergence_bps"})', catalog), [
    "selects by __name__ (name the metric)",
    "label symbol is on none of (no metric)",
    "label venue is on none of (no metric)",
  ]);
});
