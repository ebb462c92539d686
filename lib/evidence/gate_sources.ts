// Where each proof kind keeps a gate's raw answer and the value it states: the file names the writers
// use, in the one place that knows folder kinds, so `evidence check` and CHECK.txt (written by the
// proofs, which sit below the checker) name the same files.
import type { Kind } from "./kinds.ts";

/** ai_live_ops_verify: each gate's Prometheus answer. */
export const opsRawFile = (key: string) => `prom/gate_${key}.json`;
/** ai_live_local_verify: each stack gate's raw answer (Prometheus JSON or `HTTP <status>` + body). */
export const stackRawFile = (key: string) => `stack/gate_${key}.txt`;
/** oncall: each query's Prometheus answer, by query key (`up`, `latency_p99`...). */
export const oncallQueryFile = (queryKey: string) => `prom/${queryKey}.json`;
export const ONCALL_ALERTS_FILE = "alertmanager/alerts.json";
/** ai_live_activity_demo: the answers behind its two judged values. */
export const ACTIVITY_RAW = {
  decisions_seen_in_prometheus: "prom/decisions_for_run.json",
  run_scoped_last_event_series: "prom/last_event_ts_for_run.json",
} as const;

/** drift_report: the bars it judged (both windows) and its per-feature table (lib/verify/drift_report.ts). */
export const DRIFT_FILES = { bars: "bars.tsv", psi: "drift_psi.tsv" } as const;

/**
 * backtest: the inputs it was judged from (the bars it ran over; with --parity the loop's paper orders and
 * fills read from its event log) and the files rendered from its result (lib/verify/backtest_proof.ts).
 */
export const BACKTEST_FILES = {
  bars: "bars.tsv",
  paperOrders: "paper_orders.json",
  trades: "trades.jsonl",
  tradesTsv: "trades.tsv",
  equity: "equity.tsv",
  parity: "parity.tsv",
  parityBars: "parity_bars.tsv",
} as const;
const BACKTEST_PARITY_RAW: Record<string, string[]> = {
  parity_log_problems: [BACKTEST_FILES.paperOrders],
  parity_unmatched_trades: [BACKTEST_FILES.bars, BACKTEST_FILES.paperOrders],
  parity_tracking_error: [BACKTEST_FILES.bars, BACKTEST_FILES.paperOrders],
};
/** backup_drill: the backup's manifest and what its restore found (lib/verify/backup_drill.ts). */
export const BACKUP_DRILL_FILES = {
  manifest: "backup/BACKUP_MANIFEST.json",
  observed: "restore/observed.json",
  /** Why no backup was made, when none was (then there is no manifest). */
  error: "backup/backup_error.txt",
} as const;

/** live_loop_verify: where each input of its gates lives in the folder (lib/verify/live_gates.ts). */
export const LIVE_FILES = {
  ordersTruth: "venue/orders_truth.jsonl",
  fillsTruth: "venue/fills_truth.jsonl",
  state: "loop/state",
  baseline: "loop/state/balances_baseline.json",
  venueAfter: "venue/view_after.json",
  healthStarts: "api/health_starts.json",
  cases: "cases.json",
  chaosLog: "venue/chaos_log.jsonl",
  ksTripped: "api/kill_switch_tripped.json",
  ksAfterRestart: "api/kill_switch_after_restart.json",
  ksReset: "api/kill_switch_reset.json",
  haltedOrder: "api/drill_drawdown_kill_switch_halted.json",
} as const;
const LIVE_LOGS = "loop/state/log/";
const LIVE_RAW: Record<string, string[]> = {
  no_client_order_id_placed_twice: [LIVE_FILES.ordersTruth],
  venue_fills_recorded_once: [LIVE_FILES.fillsTruth, LIVE_LOGS],
  oms_positions_balances_equal_venue: [LIVE_FILES.baseline, LIVE_LOGS, LIVE_FILES.venueAfter],
  no_order_in_flight_after_grace: [LIVE_LOGS, LIVE_FILES.venueAfter],
  kill_switch_persisted_across_restart: [
    LIVE_FILES.ksTripped,
    LIVE_FILES.ksAfterRestart,
    LIVE_FILES.haltedOrder,
    LIVE_FILES.ksReset,
  ],
  health_503_during_reconciliation_then_200: [LIVE_FILES.healthStarts],
  fault_cases_completed: [
    LIVE_FILES.cases,
    LIVE_FILES.chaosLog,
    LIVE_FILES.healthStarts,
    LIVE_LOGS,
    LIVE_FILES.ordersTruth,
  ],
};

/** on-call check -> the query answers it is judged from (`up_<job>` reads `up`, `errors_<job>` `component_errors`). */
const ONCALL_QUERIES: Record<string, string[]> = {
  feed_p99_transport_latency_ms: ["latency_p99"],
  feed_symbols_stalled: ["bars_increase", "bars_active"],
  feed_reconnects_max_per_venue: ["reconnects"],
  feed_gaps: ["gaps"],
  feed_nan_records: ["nan"],
  ai_event_age_max_s: ["ai_event_age"],
  system_cpu_busy_ratio: ["cpu_busy"],
  system_memory_available_ratio: ["memory_available"],
  system_disk_free_ratio: ["disk_free"],
  bot_equity_unexplained_ratio: ["equity_unexplained"],
  bot_pnl_today: ["equity_today"],
  bot_drawdown_max_today: ["drawdown_today"],
  bot_fills_per_window: ["fills"],
  bot_kill_switch_engaged: ["kill_switch"],
  bot_orders_unconfirmed: ["inflight_min"],
  bot_venue_heartbeat_age_s: ["heartbeat_age"],
  drift_features_flagged: ["drift_psi", "drift_null_p95"],
  drift_report_age_s: ["drift_age"],
  backtest_tracking_error_ratio: ["tracking_error", "tracking_error_bound"],
  backtest_parity_unmatched_trades: ["parity_unmatched"],
  backtest_report_age_s: ["backtest_age"],
  backup_drill_age_s: ["backup_drill_age"],
};

export interface GateSource {
  /** Raw answer file(s), relative to the folder. */
  readonly raw: readonly string[];
  /** The JSON file stating the value, and the jq expression that prints it. */
  readonly json: string;
  readonly jq: string;
  /** Set when the value is stated in a text file instead: the grep that shows it. */
  readonly grep?: string;
}

/** ai_live_local_verify: the parts of its whole verdict that are not stack gates, as named in gates. */
export const LOCAL_VERDICT_PARTS: Record<string, { raw: string; grep: string }> = {
  activity_demo: { raw: "LATEST_DIRS.txt", grep: "activity demo:" },
  ops_verify: { raw: "LATEST_DIRS.txt", grep: "ops verify:" },
  key_material_scan: { raw: "KEY_MATERIAL_SCAN.txt", grep: "key scan:" },
};

export function gateSource(kind: Kind, key: string): GateSource {
  const sel = (list: string) => `.${list}[] | select(.key == "${key}") | .value`;
  switch (kind) {
    case "ai_live_ops_verify":
      return { raw: [opsRawFile(key)], json: "summary.json", jq: sel("gates") };
    case "oncall": {
      const raw = key === "critical_alerts_unaddressed"
        ? [ONCALL_ALERTS_FILE]
        : (key.startsWith("up_")
          ? ["up"]
          : key.startsWith("errors_")
          ? ["component_errors"]
          : ONCALL_QUERIES[key] ?? [])
          .map(oncallQueryFile);
      return { raw, json: "summary.json", jq: sel("checks") };
    }
    case "ai_live_local_verify": {
      const part = LOCAL_VERDICT_PARTS[key];
      if (part) return { raw: [part.raw], json: "OPERATOR_NOTE.txt", jq: "", grep: part.grep };
      return { raw: [stackRawFile(key)], json: "stack/stack_gates.json", jq: sel("gates") };
    }
    case "live_loop_verify":
      return { raw: LIVE_RAW[key] ?? [], json: "summary.json", jq: sel("gates") };
    case "backup_drill": // every check is judged from the manifest against what the restore found
      return {
        raw: [BACKUP_DRILL_FILES.manifest, BACKUP_DRILL_FILES.observed],
        json: "summary.json",
        jq: sel("gates"),
      };
    case "drift_report": // every feature's PSI is judged from the bars the report read
      return { raw: [DRIFT_FILES.bars], json: "summary.json", jq: sel("gates") };
    case "backtest": // the run's own gates are judged from the bars alone; parity's from the paper orders too
      return {
        raw: BACKTEST_PARITY_RAW[key] ?? [BACKTEST_FILES.bars],
        json: "summary.json",
        jq: sel("gates"),
      };
    case "ai_live_activity_demo":
      return {
        raw: [ACTIVITY_RAW[key as keyof typeof ACTIVITY_RAW] ?? "events_emitted.jsonl"],
        json: "summary.json",
        jq: `.${key}`,
      };
  }
}
