// The system, error, bot and report checks of the shipped checklist on a healthy stack's answers
// (testing/oncall_answers.ts: bodies as Prometheus sends them): their queries, order and values.
import assert from "node:assert/strict";
import { overallVerdict } from "../verify/gates.ts";
import { evaluateOncall, oncallQueries, queryKeys } from "./checks.ts";
import { loadOncallConfig, parseOncallConfig } from "./config.ts";
import { todayPoints } from "./today_rows.ts";
import {
  healthy as answers,
  LOOP,
  matrix,
  MIDNIGHT,
  noAlerts as alerts,
  T,
} from "../../testing/oncall_answers.ts";

const cfg = await loadOncallConfig();
const healthy = () => answers(cfg);
const view = (r: ReturnType<typeof evaluateOncall>) => r.map((x) => [x.key, x.status, x.value, x.detail]);
/** The rows after the 12 feed rows (6 up, 5 feed, AI), before the alerts row. */
const groupRows = (r: ReturnType<typeof evaluateOncall>) => view(r).slice(12, -1);

Deno.test("the shipped config runs every group: its queries, in checklist order", () => {
  assert.deepEqual(queryKeys(cfg), Object.keys(healthy()));
  const q = oncallQueries(cfg);
  assert.equal(q.cpu_busy, '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))');
  assert.equal(
    q.disk_free,
    'min by (instance, mountpoint) (node_filesystem_avail_bytes{fstype!~"tmpfs|ramfs"} / node_filesystem_size_bytes{fstype!~"tmpfs|ramfs"})',
  );
  assert.equal(
    q.component_errors,
    [
      'sum by (job) (increase(peaktrade_ai_exporter_poll_errors_total{job="ai_live"}[10m]))',
      'sum by (job) (increase(peak_trade_web_http_requests_total{job="peak_trade_web",status=~"5.."}[10m]))',
      'sum by (job) (0 * peak_trade_web_http_requests_total{job="peak_trade_web"})',
      'sum by (job) (increase(shadow_event_write_errors_total{job="shadow_mvs"}[10m]))',
      'sum by (job) (increase(feed_store_errors_total{job="live_connector"}[10m]))',
      'sum by (job) (increase(live_loop_reconcile_total{job="live_loop",outcome="failed"}[10m]))',
      'sum by (job) (0 * live_loop_reconcile_total{job="live_loop"})',
    ].join(" or "),
  );
  assert.equal(
    q.equity_unexplained,
    "(max_over_time((live_loop_equity - live_loop_pnl_realized - live_loop_pnl_unrealized)[1h:]) - " +
      "min_over_time((live_loop_equity - live_loop_pnl_realized - live_loop_pnl_unrealized)[1h:])) / live_loop_equity",
  );
  assert.equal(q.equity_today, "live_loop_equity[1d:30s]");
  assert.equal(
    q.fills,
    "sum by (instance) (increase(live_loop_fills_total[1h])) or sum by (instance) (0 * live_loop_kill_switch_engaged)",
  );
  // Without job node or live_loop listed, their groups are not asked at all.
  const feedOnly = parseOncallConfig({ ...cfg, jobs: ["ai_live", "live_connector"] });
  assert.deepEqual(queryKeys(feedOnly), [...Object.keys(healthy()).slice(0, 8), "component_errors"]);
});

Deno.test("a healthy stack: every group's check PASS with its observed value", () => {
  const r = evaluateOncall(cfg, { queries: healthy(), alerts, atMs: T * 1000 });
  assert.deepEqual(groupRows(r), [
    ["system_cpu_busy_ratio", "PASS", 0.4213, "busiest 127.0.0.1:9100; 127.0.0.1:9100=0.421"],
    ["system_memory_available_ratio", "PASS", 0.62, "127.0.0.1:9100=0.62"],
    ["system_disk_free_ratio", "PASS", 0.3, "fullest 127.0.0.1:9100//; 2 filesystems"],
    ["errors_ai_live", "PASS", 0, "peaktrade_ai_exporter_poll_errors_total +0 in the last 10m"],
    [
      "errors_peak_trade_web",
      "PASS",
      0,
      'peak_trade_web_http_requests_total{status=~"5.."} +0 in the last 10m',
    ],
    ["errors_shadow_mvs", "PASS", 0, "shadow_event_write_errors_total +0 in the last 10m"],
    ["errors_live_connector", "PASS", 0, "feed_store_errors_total +0 in the last 10m"],
    ["errors_live_loop", "PASS", 0, 'live_loop_reconcile_total{outcome="failed"} +0 in the last 10m'],
    [
      "bot_equity_unexplained_ratio",
      "PASS",
      0.0000123,
      "spread of equity - PnL over 1h / equity; 127.0.0.1:9120=0.000012",
    ],
    [
      "bot_pnl_today",
      "PASS",
      -59.5,
      "equity 10000 at 00:00 UTC -> 9940.5 at 12:00 (127.0.0.1:9120); limit config/live/paper.json risk.max_daily_loss=200",
    ],
    [
      "bot_drawdown_max_today",
      "PASS",
      0.012,
      "max today (127.0.0.1:9120); limit config/live/paper.json risk.max_drawdown_bps=500",
    ],
    ["bot_fills_per_window", "PASS", 4, "fills in 1h: 127.0.0.1:9120=4"],
    ["bot_kill_switch_engaged", "PASS", 0, "ACTIVE"],
    ["bot_orders_unconfirmed", "PASS", 0, "none in flight for all of the last 2m"],
    ["bot_venue_heartbeat_age_s", "PASS", 2.5, "binance=2.5s"],
    ["drift_features_flagged", "PASS", 0, "2 features, none flagged"],
    ["drift_report_age_s", "PASS", 3600, "oldest binance/BTC-USDT/1m; 1 streams"],
    ["backtest_tracking_error_ratio", "PASS", 0.3, "binance/BTC-USDT/1m te=0.0012 bound=0.004"],
    ["backtest_parity_unmatched_trades", "PASS", 0, "binance/BTC-USDT/1m=0"],
    ["backtest_report_age_s", "PASS", 7200, "since the last ./tp backtest"],
    ["backup_drill_age_s", "PASS", 86_400, "since the last ./tp backup --drill that passed"],
  ]);
  assert.equal(r.length, 34);
  assert.equal(overallVerdict(r), "PASS");
  const pnl = r.find((x) => x.key === "bot_pnl_today")!;
  assert.deepEqual([pnl.promql, pnl.want], ["live_loop_equity[1d:30s]", ">-200"]);
  const te = r.find((x) => x.key === "backtest_tracking_error_ratio")!;
  assert.deepEqual([te.promql, te.want], ["backtest_tracking_error / backtest_tracking_error_bound", "<=1"]);
  const unmatched = r.find((x) => x.key === "backtest_parity_unmatched_trades")!;
  assert.deepEqual([unmatched.promql, unmatched.want], ["backtest_parity_unmatched_trades", "=0"]);
  const backup = r.find((x) => x.key === "backup_drill_age_s")!;
  assert.deepEqual([backup.promql, backup.want], [
    "time() - max(backup_drill_last_success_timestamp_seconds > 0)",
    "<=2678400",
  ]);
});

Deno.test("thresholds from before the backup drill check (a folder's run.json): it is neither asked nor judged", () => {
  const { backup_drill_max_age_s: _, ...reports } = cfg.reports!;
  const old = parseOncallConfig({ ...cfg, reports });
  assert.deepEqual(queryKeys(old), queryKeys(cfg).filter((k) => k !== "backup_drill_age"));
  const { backup_drill_age: __, ...answers } = healthy();
  const r = evaluateOncall(old, { queries: answers, alerts, atMs: T * 1000 });
  assert.deepEqual(
    r.map((x) => x.key),
    evaluateOncall(cfg, { queries: healthy(), alerts, atMs: T * 1000 }).map((x) => x.key)
      .filter((k) => k !== "backup_drill_age_s"),
  );
  assert.equal(overallVerdict(r), "PASS");
});

Deno.test("todayPoints: the check's UTC day only, whatever the newest point's; NaN points dropped", () => {
  const s = matrix([[LOOP, [[MIDNIGHT - 30, 1], [MIDNIGHT, 2], [MIDNIGHT + 30, NaN], [T, 3]]]]).samples[0];
  assert.deepEqual(todayPoints(s, T * 1000), [[MIDNIGHT, 2], [T, 3]]);
  // The next day's check: none of these points is today's.
  assert.deepEqual(todayPoints(s, (MIDNIGHT + 86_400) * 1000), []);
  assert.deepEqual(todayPoints({ metric: {}, value: 1 }, T * 1000), []);
});
