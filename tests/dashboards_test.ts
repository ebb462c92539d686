// Grafana provisioning and dashboards: shape, lint, every expression parses (promtool). That every
// panel names real series and returns data is checked on the real stack (tests/operator_stack_test.ts,
// tests/stack_demo_test.ts; Trading and System Health on the stack with the live loop and node-exporter,
// tests/oncall_bots_stack_test.ts).
import assert from "node:assert/strict";
import { join } from "node:path";
import { parse } from "yaml";
import { PORTS } from "../lib/config/ports.ts";
import { lintPanels } from "../testing/dashboard_lint.ts";
import { DASHBOARD_DIR, DATASOURCE_PROVISIONING, loadDashboards } from "../testing/dashboard_panels.ts";
import { runTool } from "../lib/prom/tools.ts";
import { oncallQueries } from "../lib/oncall/checks.ts";
import { loadOncallConfig } from "../lib/oncall/config.ts";

const UID = "tickproof-prom";

Deno.test("provisioning: one Prometheus datasource with the fixed uid at the compose address; a file provider", async () => {
  const ds = parse(await Deno.readTextFile(DATASOURCE_PROVISIONING)) as {
    datasources: { uid: string; type: string; url: string; isDefault: boolean }[];
  };
  assert.deepEqual(ds.datasources.map((d) => [d.uid, d.type, d.url, d.isDefault]), [
    [UID, "prometheus", `http://prometheus:${PORTS.prometheus}`, true],
  ]);
  const prov = parse(await Deno.readTextFile("config/grafana/provisioning/dashboards/tickproof.yml")) as {
    providers: { type: string; options: { path: string } }[];
  };
  assert.deepEqual(prov.providers.map((p) => [p.type, p.options.path]), [[
    "file",
    "/var/lib/grafana/dashboards",
  ]]);
});

Deno.test("the five dashboards: titles, schema, panel types, units, datasource uid, counters only through rate", async () => {
  const files = [];
  for await (const e of Deno.readDir(DASHBOARD_DIR)) files.push(e.name);
  assert.deepEqual(files.sort(), [
    "ai_live.json",
    "data_quality.json",
    "feed_overview.json",
    "system_health.json",
    "trading.json",
  ]);
  const uids = new Set<string>();
  for (const f of files) {
    const d = JSON.parse(await Deno.readTextFile(join(DASHBOARD_DIR, f)));
    assert.equal(d.schemaVersion, 39, f);
    uids.add(d.uid);
    const ids = d.panels.map((p: { id: number }) => p.id);
    assert.equal(new Set(ids).size, ids.length, `${f}: panel ids unique`);
  }
  assert.equal(uids.size, 5);
  const panels = await loadDashboards();
  assert.deepEqual([...new Set(panels.map((p) => p.dashboard))].sort(), [
    "tickproof / AI Live",
    "tickproof / Data Quality",
    "tickproof / Feed Overview",
    "tickproof / System Health",
    "tickproof / Trading",
  ]);
  assert.equal(panels.length, 57);
  assert.equal(panels.flatMap((p) => p.queries).length, 72);
  for (const p of panels) assert.match(p.type, /^(timeseries|stat)$/, p.title);
  assert.deepEqual(lintPanels(panels, UID), []);
  // The AI dashboard covers what the brief names: decisions, actions, freshness, latency, parse errors.
  const ai = panels.filter((p) => p.file === "ai_live.json").flatMap((p) => p.queries.map((q) => q.expr))
    .join("\n");
  for (
    const m of [
      "peaktrade_ai_decisions_total",
      "peaktrade_ai_actions_total",
      "peaktrade_ai_last_event_timestamp_seconds",
      "peaktrade_ai_decision_latency_ms_bucket",
      "peaktrade_ai_events_parse_errors_total",
    ]
  ) assert.ok(ai.includes(m), m);
});

Deno.test("Trading and System Health cover the bots and the host: equity, PnL, drawdown, positions, orders, fills, risk, kill switch, tracking error, drift; CPU, memory, disk, backup drill age", async () => {
  const panels = await loadDashboards();
  const exprs = (file: string) =>
    panels.filter((p) => p.file === file).flatMap((p) => p.queries.map((q) => q.expr)).join("\n");
  const trading = exprs("trading.json"), system = exprs("system_health.json");
  for (
    const m of [
      "live_loop_equity",
      "live_loop_pnl_realized",
      "live_loop_pnl_unrealized",
      "live_loop_drawdown_ratio",
      "live_loop_position",
      "live_loop_orders_total",
      "live_loop_fills_total",
      "live_loop_risk_denials_total",
      "live_loop_kill_switch_engaged",
      "live_loop_inflight_orders",
      "live_loop_venue_heartbeat_age_seconds",
      "backtest_tracking_error",
      "backtest_tracking_error_bound",
      "drift_psi",
    ]
  ) assert.ok(trading.includes(m), m);
  for (
    const m of [
      "node_cpu_seconds_total",
      "node_memory_MemAvailable_bytes",
      "node_filesystem_avail_bytes",
      "node_load1",
      "node_textfile_scrape_error",
      "backup_drill_last_success_timestamp_seconds",
    ]
  ) assert.ok(system.includes(m), m);
  // The stat panels show the on-call checks' own expressions.
  const cfg = await loadOncallConfig();
  const q = oncallQueries(cfg);
  assert.ok(system.includes(q.cpu_busy!), q.cpu_busy);
  assert.ok(system.includes(q.memory_available!), q.memory_available);
  assert.ok(system.includes(q.backup_drill_age!), q.backup_drill_age);
  // Its stat panel turns red at the on-call threshold.
  const raw = JSON.parse(await Deno.readTextFile(join(DASHBOARD_DIR, "system_health.json")));
  const backup = raw.panels.find((p: { targets?: { expr: string }[] }) =>
    p.targets?.some((t) => t.expr === q.backup_drill_age)
  );
  assert.deepEqual(
    [
      backup.type,
      backup.fieldConfig.defaults.unit,
      backup.fieldConfig.defaults.thresholds.steps.at(-1).value,
    ],
    ["stat", "s", cfg.reports!.backup_drill_max_age_s],
  );
});

Deno.test("every panel expression parses (promtool check rules over them as recording rules); a typo does not", async () => {
  const exprs = (await loadDashboards()).flatMap((p) => p.queries.map((q) => q.expr));
  const tmp = await Deno.makeTempDir();
  try {
    const rules = (list: string[]) => ({
      groups: [{ name: "panels", rules: list.map((expr, i) => ({ record: `dashboard:panel_${i}`, expr })) }],
    });
    const file = join(tmp, "panels.yml");
    await Deno.writeTextFile(file, JSON.stringify(rules(exprs)));
    const ok = await runTool("promtool", ["check", "rules", file]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, new RegExp(`SUCCESS: ${exprs.length} rules found`));
    await Deno.writeTextFile(file, JSON.stringify(rules([...exprs, "sum(rate(feed_bars_total[5m])"])));
    const bad = await runTool("promtool", ["check", "rules", file]);
    assert.equal(bad.code, 1);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
