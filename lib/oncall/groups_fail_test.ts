// The system, error, bot and report checks failing: each threshold on its own value, empty answers
// NO_DATA and failed ones ERROR (never a pass), on answers shaped as Prometheus sends them.
import assert from "node:assert/strict";
import { evaluateOncall } from "./checks.ts";
import { loadOncallConfig, parseOncallConfig } from "./config.ts";
import {
  apiError,
  healthy as answers,
  LOOP,
  matrix,
  MIDNIGHT,
  noAlerts as alerts,
  stream,
  T,
  vector,
} from "../../testing/oncall_answers.ts";

const cfg = await loadOncallConfig();
const healthy = () => answers(cfg);
const view = (r: ReturnType<typeof evaluateOncall>) => r.map((x) => [x.key, x.status, x.value, x.detail]);
/** The rows after the 12 feed rows (6 up, 5 feed, AI), before the alerts row. */
const groupRows = (r: ReturnType<typeof evaluateOncall>) => view(r).slice(12, -1);

Deno.test("each group's threshold fails on its own value", () => {
  const q = healthy();
  q.cpu_busy = vector([[{ instance: "a:9100" }, 0.95], [{ instance: "b:9100" }, 0.2]]);
  q.memory_available = vector([[{ instance: "a:9100" }, 0.05]]);
  q.disk_free = vector([[{ instance: "a:9100", mountpoint: "/" }, 0.04], [{
    instance: "a:9100",
    mountpoint: "/var",
  }, 0.09]]);
  q.component_errors = vector([[{ job: "live_connector" }, 3], [{ job: "peak_trade_web" }, 0]]);
  q.equity_unexplained = vector([[LOOP, 0.02]]);
  q.equity_today = matrix([[LOOP, [[MIDNIGHT + 60, 10_000], [T, 9_800]]]]);
  q.drawdown_today = matrix([[LOOP, [[MIDNIGHT + 60, 0.051], [T, 0.02]]]]);
  q.fills = vector([[{ instance: LOOP.instance }, 75]]);
  q.kill_switch = vector([[{ instance: LOOP.instance }, 1]]);
  q.inflight_min = vector([[LOOP, 2]]);
  q.heartbeat_age = vector([[{ instance: LOOP.instance, venue: "binance" }, 61]]);
  q.drift_psi = vector([[{ ...stream, feature: "volume" }, 0.35], [{ ...stream, feature: "rsi_14" }, 0.25]]);
  q.drift_null_p95 = vector([[{ ...stream, feature: "volume" }, 0.3], [
    { ...stream, feature: "rsi_14" },
    0.26,
  ]]);
  q.drift_age = vector([[{ venue: "binance", symbol: "BTC-USDT", interval: "1m" }, 172_801]]);
  q.tracking_error = vector([[stream, 0.005]]);
  q.parity_unmatched = vector([[stream, 2], [{ ...stream, symbol: "ETH-USDT" }, 0]]);
  q.backtest_age = vector([[{}, 200_000]]);
  q.backup_drill_age = vector([[{}, 2_678_401]]);
  const r = evaluateOncall(cfg, { queries: q, alerts, atMs: T * 1000 });
  assert.deepEqual(
    groupRows(r).filter((x) => x[1] !== "PASS"),
    [
      ["system_cpu_busy_ratio", "FAIL", 0.95, "busiest a:9100; a:9100=0.95,b:9100=0.2"],
      ["system_memory_available_ratio", "FAIL", 0.05, "a:9100=0.05"],
      ["system_disk_free_ratio", "FAIL", 0.04, "fullest a:9100//; below: a:9100//,a:9100//var"],
      ["errors_live_connector", "FAIL", 3, "feed_store_errors_total +3 in the last 10m"],
      [
        "errors_ai_live",
        "NO_DATA",
        null,
        "no peaktrade_ai_exporter_poll_errors_total series from job ai_live",
      ],
      ["errors_shadow_mvs", "NO_DATA", null, "no shadow_event_write_errors_total series from job shadow_mvs"],
      ["errors_live_loop", "NO_DATA", null, "no live_loop_reconcile_total series from job live_loop"],
      [
        "bot_equity_unexplained_ratio",
        "FAIL",
        0.02,
        "spread of equity - PnL over 1h / equity; 127.0.0.1:9120=0.02",
      ],
      [
        "bot_pnl_today",
        "FAIL",
        -200,
        "equity 10000 at 00:01 UTC -> 9800 at 12:00 (127.0.0.1:9120); limit config/live/paper.json risk.max_daily_loss=200",
      ],
      [
        "bot_drawdown_max_today",
        "FAIL",
        0.051,
        "max today (127.0.0.1:9120); limit config/live/paper.json risk.max_drawdown_bps=500",
      ],
      ["bot_fills_per_window", "FAIL", 75, "fills in 1h: 127.0.0.1:9120=75"],
      ["bot_kill_switch_engaged", "FAIL", 1, "HALTED: 127.0.0.1:9120 (runbooks/live_trading.md)"],
      [
        "bot_orders_unconfirmed",
        "FAIL",
        2,
        "2 order(s) in flight at every scrape of the last 2m (127.0.0.1:9120)",
      ],
      ["bot_venue_heartbeat_age_s", "FAIL", 61, "binance=61s"],
      ["drift_features_flagged", "FAIL", 1, "flagged: binance/BTC-USDT/1m volume=0.35"],
      ["drift_report_age_s", "FAIL", 172_801, "oldest binance/BTC-USDT/1m; 1 streams"],
      ["backtest_tracking_error_ratio", "FAIL", 1.25, "binance/BTC-USDT/1m te=0.005 bound=0.004"],
      ["backtest_parity_unmatched_trades", "FAIL", 2, "binance/BTC-USDT/1m=2,binance/ETH-USDT/1m=0"],
      ["backtest_report_age_s", "FAIL", 200_000, "since the last ./tp backtest"],
      ["backup_drill_age_s", "FAIL", 2_678_401, "since the last ./tp backup --drill that passed"],
    ].sort((a, b) =>
      groupRows(r).findIndex((x) => x[0] === a[0]) - groupRows(r).findIndex((x) => x[0] === b[0])
    ),
  );
  // Fewer fills than the band's floor fails too.
  const floor = parseOncallConfig({ ...cfg, bots: { ...cfg.bots, fills_min: 1 } });
  const quiet = { ...healthy(), fills: vector([[{ instance: LOOP.instance }, 0]]) };
  const f = evaluateOncall(floor, { queries: quiet, alerts, atMs: T * 1000 }).find((x) =>
    x.key === "bot_fills_per_window"
  )!;
  assert.deepEqual([f.status, f.value, f.want], ["FAIL", 0, "1..60"]);
});

Deno.test("empty answers are NO_DATA, failed queries ERROR; a missing bound or unloaded limits are never a pass", () => {
  const q = healthy();
  for (
    const k of [
      "cpu_busy",
      "memory_available",
      "disk_free",
      "equity_unexplained",
      "fills",
      "heartbeat_age",
    ] as const
  ) {
    q[k] = vector([]);
  }
  q.equity_today = matrix([[LOOP, []]]);
  q.drawdown_today = apiError;
  q.kill_switch = apiError;
  q.drift_psi = vector([]);
  q.tracking_error_bound = vector([]);
  // A backtest without --parity writes no unmatched count: not measured, never a pass.
  q.parity_unmatched = vector([]);
  delete q.backtest_age;
  // No drill ever passed: backup.prom missing, or its last success 0 (which the query filters out).
  q.backup_drill_age = vector([]);
  const r = evaluateOncall(cfg, { queries: q, alerts, atMs: T * 1000 });
  const bad = groupRows(r).filter((x) => x[1] !== "PASS");
  assert.deepEqual(bad, [
    ["system_cpu_busy_ratio", "NO_DATA", null, "no node_cpu_seconds_total in the last 5m"],
    ["system_memory_available_ratio", "NO_DATA", null, "no node_memory_MemAvailable_bytes series"],
    [
      "system_disk_free_ratio",
      "NO_DATA",
      null,
      "no node_filesystem_avail_bytes series (fstypes other than tmpfs|ramfs)",
    ],
    [
      "bot_equity_unexplained_ratio",
      "NO_DATA",
      null,
      "no live_loop_equity (the loop has no baseline or an unmarked holding)",
    ],
    ["bot_pnl_today", "NO_DATA", null, "no live_loop_equity today (UTC day of 2025-12-02T12:00:00Z)"],
    ["bot_drawdown_max_today", "ERROR", null, "bad_data: parse error"],
    ["bot_fills_per_window", "NO_DATA", null, "no live_loop series (job live_loop not scraped)"],
    ["bot_kill_switch_engaged", "ERROR", null, "bad_data: parse error"],
    ["bot_venue_heartbeat_age_s", "NO_DATA", null, "no live_loop_venue_heartbeat_age_seconds series"],
    [
      "drift_features_flagged",
      "NO_DATA",
      null,
      "no drift_psi series (run ./tp drift: it writes drift.prom for node-exporter)",
    ],
    [
      "backtest_tracking_error_ratio",
      "NO_DATA",
      null,
      "no backtest_tracking_error_bound beside the tracking error of binance/BTC-USDT/1m",
    ],
    [
      "backtest_parity_unmatched_trades",
      "NO_DATA",
      null,
      "no backtest_parity_unmatched_trades series (run ./tp backtest --parity: it writes backtest.prom for node-exporter)",
    ],
    ["backtest_report_age_s", "ERROR", null, "no answer for query backtest_age"],
    [
      "backup_drill_age_s",
      "NO_DATA",
      null,
      "no backup drill has passed (backup_drill_last_success_timestamp_seconds missing or 0): run ./tp backup --drill (it writes backup.prom for node-exporter)",
    ],
  ]);
  const failed = evaluateOncall(cfg, {
    queries: { ...healthy(), backup_drill_age: apiError },
    alerts,
    atMs: T * 1000,
  })
    .find((x) => x.key === "backup_drill_age_s")!;
  assert.deepEqual([failed.status, failed.value, failed.detail], ["ERROR", null, "bad_data: parse error"]);
  const noRisk = parseOncallConfig({ ...cfg, bots: { ...cfg.bots, risk: undefined } });
  const nr = evaluateOncall(noRisk, { queries: healthy(), alerts, atMs: T * 1000 }).filter((x) =>
    x.key.endsWith("_today")
  );
  assert.deepEqual(nr.map((x) => [x.key, x.status, x.detail]), [
    ["bot_pnl_today", "ERROR", "risk limits not loaded from config/live/paper.json"],
    ["bot_drawdown_max_today", "ERROR", "risk limits not loaded from config/live/paper.json"],
  ]);
});
