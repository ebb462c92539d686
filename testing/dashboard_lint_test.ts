import assert from "node:assert/strict";
import { lintPanels, rawCounters } from "./dashboard_lint.ts";
import { parseDashboard } from "./dashboard_panels.ts";

Deno.test("rawCounters: counters are fine only inside rate/irate/increase", () => {
  const cases: [string, string[]][] = [
    ["rate(feed_bars_total[5m])", []],
    ["sum by (venue) (increase(feed_reconnects_total[10m]))", []],
    ["histogram_quantile(0.99, sum by (venue, le) (rate(feed_transport_latency_ms_bucket[5m])))", []],
    ["sum(feed_bars_total)", ["feed_bars_total"]],
    ["count(count by (run_id) (peaktrade_ai_decisions_total))", ["peaktrade_ai_decisions_total"]],
    ["x_sum / x_count", ["x_sum", "x_count"]],
    ["rate(x_sum[5m]) / rate(x_count[5m])", []],
    // Label names in by/on lists and label values are not metrics.
    ['sum by (a_total) (rate(y_total{l="b_total"}[1m])) / on (a_total) z', []],
    ["rate(sum(a_total)[5m:1m])", ["a_total"]],
    ["time() - feed_last_message_timestamp_seconds", []],
    ['max(up{job="ai_live"})', []],
  ];
  for (const [expr, want] of cases) assert.deepEqual(rawCounters(expr), want, expr);
});

Deno.test("lintPanels names each problem: missing unit, wrong datasource, raw counter, no query", () => {
  const dash = {
    uid: "d",
    title: "D",
    schemaVersion: 39,
    panels: [
      {
        id: 1,
        type: "timeseries",
        title: "ok",
        datasource: { uid: "tickproof-prom" },
        fieldConfig: { defaults: { unit: "ms" } },
        targets: [{ refId: "A", expr: "rate(a_total[5m])" }],
      },
      {
        type: "row",
        panels: [{
          id: 2,
          type: "stat",
          title: "bad",
          datasource: { uid: "other" },
          targets: [{ refId: "A", expr: "sum(a_total)" }],
        }],
      },
      { id: 3, type: "stat", title: "empty", fieldConfig: { defaults: { unit: "s" } } },
    ],
  };
  const panels = parseDashboard(JSON.stringify(dash), "d.json");
  assert.deepEqual(panels.map((p) => [p.id, p.title, p.unit, p.queries.length]), [
    [1, "ok", "ms", 1],
    [2, "bad", "", 1],
    [3, "empty", "s", 0],
  ]);
  assert.deepEqual(lintPanels(panels, "tickproof-prom"), [
    { where: 'd.json panel 2 "bad"', problem: "fieldConfig.defaults.unit is not set" },
    { where: 'd.json panel 2 "bad"', problem: 'target A uses datasource "other", not "tickproof-prom"' },
    { where: 'd.json panel 2 "bad"', problem: "target A: counter a_total used outside rate/irate/increase" },
    { where: 'd.json panel 3 "empty"', problem: "no targets[].expr" },
  ]);
});

Deno.test("a dashboard without panels array is a TypeError naming the file and field", () => {
  assert.throws(
    () => parseDashboard(JSON.stringify({ uid: "x", title: "X", schemaVersion: 39 }), "x.json"),
    /^TypeError: Invalid dashboard x\.json: panels: /,
  );
});
