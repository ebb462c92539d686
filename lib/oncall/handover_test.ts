// The handover's incidents from answers shaped as Prometheus and Alertmanager send them, and the page
// itself from a run's results: every section, the bots beside their limits, nothing asked twice.
import assert from "node:assert/strict";
import { type AlertsOutcome, parseAlertsAnswer } from "../alerting/am_client.ts";
import { parseQueryAnswer } from "../prom/client.ts";
import type { GateResult } from "../verify/gates.ts";
import { loadOncallConfig, parseOncallConfig } from "./config.ts";
import { renderHandover } from "./handover.ts";
import { fillTemplate, incidentsFrom, labelHash, ruleSummaries } from "./incidents.ts";

const T = 1_764_676_800; // 2025-12-02T12:00:00Z
const stalled = {
  alertname: "FeedStalled",
  severity: "critical",
  venue: "okx",
  symbol: "BTC-USDT",
  job: "live_connector",
  instance: "127.0.0.1:8000",
};
const halted = {
  alertname: "LiveLoopKillSwitchEngaged",
  severity: "critical",
  job: "live_loop",
  instance: "127.0.0.1:9120",
};

/** ALERTS{alertstate="firing"}[12h:60s] as Prometheus answers it. */
const history = parseQueryAnswer(JSON.stringify({
  status: "success",
  data: {
    resultType: "matrix",
    result: [
      // Fired 10:00-10:02, resolved, fired again 11:00-11:01, resolved.
      {
        metric: { __name__: "ALERTS", alertstate: "firing", ...stalled },
        values: [T - 7200, T - 7140, T - 7080, T - 3600, T - 3540].map((t) => [t, "1"]),
      },
      // Firing since 11:58, still firing at the newest point.
      {
        metric: { __name__: "ALERTS", alertstate: "firing", ...halted },
        values: [T - 120, T - 60, T].map((t) => [t, "1"]),
      },
    ],
  },
}));
const rules = ruleSummaries(JSON.stringify({
  status: "success",
  data: {
    groups: [{
      rules: [
        {
          type: "alerting",
          name: "FeedStalled",
          labels: { severity: "critical" },
          annotations: { summary: "No live data for {{ $labels.venue }} {{ $labels.symbol }}" },
        },
        { type: "recording", name: "x:y" },
      ],
    }],
  },
}));
const am: AlertsOutcome = parseAlertsAnswer(
  "http://am/api/v2/alerts",
  JSON.stringify([
    {
      labels: halted,
      annotations: { summary: "Live loop: kill switch engaged (HALTED, no new exposure)" },
      startsAt: "2025-12-02T11:58:00.000Z",
      endsAt: "2025-12-02T12:10:00.000Z",
      fingerprint: "a1b2c3d4e5f60718",
      receivers: [{ name: "critical" }],
      status: { state: "active", silencedBy: [], inhibitedBy: [] },
    },
    {
      labels: { alertname: "ManualPage", severity: "warning" },
      annotations: { summary: "posted by hand" },
      startsAt: "2025-12-02T11:30:00.000Z",
      fingerprint: "ffff000011112222",
      status: { state: "suppressed", silencedBy: ["s1"], inhibitedBy: [] },
    },
  ]),
);

Deno.test("incidents: each firing stretch of ALERTS, Alertmanager's summary and fingerprint while active, its rule's summary after", () => {
  const got = incidentsFrom(history, am, { rules, atMs: T * 1000 });
  const h = labelHash;
  const { alertname: _a, severity: _s, ...stalledRest } = stalled;
  assert.deepEqual(got.map((i) => [i.id, i.startedAt, i.endedAt, i.summary, i.fingerprint]), [
    [`FeedStalled-${h(stalled)}-20251202T1000Z`, T - 7200, T - 7080, "No live data for okx BTC-USDT", null],
    [`FeedStalled-${h(stalled)}-20251202T1100Z`, T - 3600, T - 3540, "No live data for okx BTC-USDT", null],
    [
      "ManualPage-" + h({ alertname: "ManualPage", severity: "warning" }) + "-20251202T1130Z",
      T - 1800,
      null,
      "posted by hand",
      "ffff000011112222",
    ],
    [
      `LiveLoopKillSwitchEngaged-${h(halted)}-20251202T1158Z`,
      T - 120,
      null,
      "Live loop: kill switch engaged (HALTED, no new exposure)",
      "a1b2c3d4e5f60718",
    ],
  ]);
  assert.equal(got[0].labels, Object.entries(stalledRest).sort().map(([k, v]) => `${k}=${v}`).join(","));
  assert.equal(got[0].severity, "critical");
  // The id does not depend on label order; another label set is another id.
  assert.equal(labelHash({ b: "2", a: "1" }), labelHash({ a: "1", b: "2" }));
  assert.notEqual(labelHash({ a: "1" }), labelHash({ a: "2" }));
  assert.equal(fillTemplate("x {{ $labels.venue }} {{ $value | humanize }}", { venue: "okx" }), "x okx …");
});

Deno.test("incidents: no history and no Alertmanager is an empty list, never a throw", () => {
  const failed = parseQueryAnswer('{"status":"error","errorType":"bad_data","error":"parse error"}');
  const down: AlertsOutcome = {
    url: "http://am",
    raw: "{}",
    ok: false,
    error: "connection refused",
    alerts: [],
  };
  assert.deepEqual(incidentsFrom(failed, down, { rules: ruleSummaries("not json"), atMs: T * 1000 }), []);
});

const row = (
  key: string,
  status: GateResult["status"],
  value: number | null,
  detail = "",
  want = "-",
): GateResult => ({
  key,
  status,
  value,
  detail,
  want,
  promql: "q",
});

Deno.test("HANDOVER.md: verdict, incidents, feed, the bots beside their limits, the host", async () => {
  const cfg = await loadOncallConfig();
  const results = [
    row("up_live_connector", "PASS", 1, "up"),
    row("up_live_loop", "PASS", 1, "up"),
    row("feed_p99_transport_latency_ms", "PASS", 120, "worst venue binance", "<500"),
    row("system_disk_free_ratio", "PASS", 0.3, "fullest /", ">=0.1"),
    row("errors_live_connector", "PASS", 0, "feed_store_errors_total +0 in the last 10m", "<=0"),
    row("bot_pnl_today", "PASS", -59.5, "equity 10000 at 00:00 UTC -> 9940.5", ">-200"),
    row("bot_drawdown_max_today", "PASS", 0.012, "max today", "<0.05"),
    row("bot_fills_per_window", "PASS", 4, "fills in 1h", "0..60"),
    row("bot_kill_switch_engaged", "FAIL", 1, "HALTED: 127.0.0.1:9120 (runbooks/live_trading.md)", "=0"),
    row("backtest_tracking_error_ratio", "PASS", 0.3, "binance/BTC-USDT/1m te=0.0012 bound=0.004", "<=1"),
    row("backup_drill_age_s", "PASS", 86_400, "since the last ./tp backup --drill that passed", "<=2678400"),
  ];
  const md = renderHandover({
    atMs: T * 1000,
    verdict: "FAIL",
    results,
    incidents: incidentsFrom(history, am, { rules, atMs: T * 1000 }),
    incidentsProblem: null,
    config: cfg,
    promUrl: "http://127.0.0.1:9092",
    amUrl: "http://127.0.0.1:9093",
  });
  const lines = md.split("\n");
  assert.equal(lines[0], "# Shift handover 2025-12-02 12:00 UTC");
  assert.equal(
    lines[2],
    "Checklist: **FAIL**; not passing: bot_kill_switch_engaged (FAIL) (ONCALL_SUMMARY.txt, ONCALL_TABLE.txt).",
  );
  const section = (title: string) => {
    const i = lines.indexOf(`## ${title}`);
    const j = lines.findIndex((l, k) => k > i && l.startsWith("## "));
    return lines.slice(i + 1, j < 0 ? undefined : j).filter((l) => l !== "");
  };
  assert.deepEqual(section("Incidents (last 12h)").slice(0, 3), [
    "| id | started (UTC) | ended (UTC) | alert | severity | summary | labels |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    `| FeedStalled-${
      labelHash(stalled)
    }-20251202T1000Z | 2025-12-02 10:00 | 2025-12-02 10:02 | FeedStalled | critical | No live data for okx BTC-USDT | instance=127.0.0.1:8000,job=live_connector,symbol=BTC-USDT,venue=okx |`,
  ]);
  assert.match(
    section("Incidents (last 12h)").at(-1)!,
    /^\| LiveLoopKillSwitchEngaged-\w{8}-20251202T1158Z \| 2025-12-02 11:58 \| firing \| /,
  );
  assert.deepEqual(section("Feed").slice(2).map((l) => l.split(" | ")[0]), [
    "| up_live_connector",
    "| feed_p99_transport_latency_ms",
    "| errors_live_connector",
  ]);
  assert.deepEqual(section("Bots").slice(0, 4), [
    "Risk limits (config/live/paper.json): max daily loss 200 (quote), max drawdown 500 bps (5%).",
    "| loop | PnL today | max drawdown today | tracking error / bound | kill switch | fills per 1h |",
    "| --- | --- | --- | --- | --- | --- |",
    "| up | -59.5 (PASS) | 0.012 (PASS) | 0.3 (PASS) | HALTED: 127.0.0.1:9120 (runbooks/live_trading.md) | 4 |",
  ]);
  assert.deepEqual(section("Host"), [
    "| check | value | want | status | detail |",
    "| --- | --- | --- | --- | --- |",
    "| system_disk_free_ratio | 0.3 | >=0.1 | PASS | fullest / |",
    "| backup_drill_age_s | 86400 | <=2678400 | PASS | since the last ./tp backup --drill that passed |",
  ]);

  // A deployment without the loop or node-exporter says so instead of empty tables.
  const feedOnly = parseOncallConfig({ ...cfg, jobs: ["live_connector"] });
  const bare = renderHandover({
    atMs: T * 1000,
    verdict: "PASS",
    results: [],
    incidents: [],
    incidentsProblem: "Alertmanager: connection refused",
    config: feedOnly,
    promUrl: "p",
    amUrl: "a",
  });
  assert.match(
    bare,
    /^## Incidents \(last 12h\)\n\nIncomplete: Alertmanager: connection refused\.\n\nNone\.$/m,
  );
  assert.match(bare, /^No live loop in this deployment \(job live_loop is not in the checklist's jobs\)\.$/m);
  assert.match(bare, /^No node-exporter in this deployment \(job node is not in the checklist's jobs\)\.$/m);
});
