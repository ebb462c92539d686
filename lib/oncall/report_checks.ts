// The one-shot reports' results, read from node-exporter's textfile collector: drift (./tp drift writes
// drift.prom: a feature drifted when its PSI is above the fixed threshold and above its own null
// baseline's p95, as the report judges it) and backtest parity (./tp backtest --parity writes
// backtest.prom: the trades left unmatched, the tracking error and the bound its fill model allows), each
// with its age; and the age of the last backup drill that passed (./tp backup --drill writes backup.prom:
// its last success is 0 until one passed, which is no drill at all to this check, NO_DATA, never an age
// of decades).
import type { QueryOutcome, Sample } from "../prom/client.ts";
import { fmtNum } from "../verify/gates.ts";
import type { OncallConfig } from "./config.ts";
import { errorRow, labelsOf, noDataRow, num, type Rows, worst } from "./rows.ts";

export const REPORT_KEYS = [
  "drift_psi",
  "drift_null_p95",
  "drift_age",
  "tracking_error",
  "tracking_error_bound",
  "parity_unmatched",
  "backtest_age",
  "backup_drill_age",
] as const;
export type ReportKey = typeof REPORT_KEYS[number];
type Reports = NonNullable<OncallConfig["reports"]>;

const STREAM = ["venue", "symbol", "interval"] as const;
/** The labels two series of one report share (node-exporter adds job and instance to both). */
const joinKey = (m: Record<string, string>) =>
  Object.entries(m).filter(([k]) => k !== "__name__").sort(([a], [b]) => a < b ? -1 : 1).map(([k, v]) =>
    `${k}=${v}`
  )
    .join(",");

/**
 * The reports' PromQL. With thresholds `r`, a check whose threshold the config lacks is not asked
 * (backup_drill_max_age_s came later: a folder's run.json from before it re-checks as it ran).
 */
export function reportQueries(
  r?: Reports,
): Record<Exclude<ReportKey, "backup_drill_age">, string> & { backup_drill_age?: string } {
  return {
    drift_psi: "drift_psi",
    drift_null_p95: "drift_psi_null_p95",
    drift_age: "time() - max by (venue, symbol, interval) (drift_report_last_run_timestamp_seconds)",
    tracking_error: "backtest_tracking_error",
    tracking_error_bound: "backtest_tracking_error_bound",
    parity_unmatched: "backtest_parity_unmatched_trades",
    backtest_age: "time() - max(backtest_last_run_timestamp_seconds)",
    ...(r && r.backup_drill_max_age_s === undefined
      ? {}
      : { backup_drill_age: "time() - max(backup_drill_last_success_timestamp_seconds > 0)" }),
  };
}

const byKey = (s: readonly Sample[]) => new Map(s.map((x) => [joinKey(x.metric), x.value]));

export function evaluateReports(
  r: Reports,
  q: Readonly<Partial<Record<ReportKey, QueryOutcome>>>,
  rows: Rows,
): void {
  const p = reportQueries(r);
  const driftQuery = `${p.drift_psi} > ${fmtNum(r.drift_psi_max)} and ${p.drift_psi} > ${p.drift_null_p95}`;
  const nulls = q.drift_null_p95?.ok ? byKey(q.drift_null_p95.samples) : new Map<string, number>();
  rows.judge(
    "drift_features_flagged",
    q.drift_null_p95?.ok === false ? q.drift_null_p95 : q.drift_psi,
    driftQuery,
    "=0",
    "no drift_psi series (run ./tp drift: it writes drift.prom for node-exporter)",
    (x) => {
      const flagged = x.filter((y) =>
        y.value > r.drift_psi_max && y.value > (nulls.get(joinKey(y.metric)) ?? Infinity)
      )
        .map((y) => `${labelsOf(y.metric, STREAM)} ${y.metric.feature ?? "?"}=${num(y.value, 3)}`).sort();
      const detail = flagged.length ? `flagged: ${flagged.join(",")}` : `${x.length} features, none flagged`;
      return {
        key: "drift_features_flagged",
        status: flagged.length ? "FAIL" : "PASS",
        value: flagged.length,
        detail,
      };
    },
  );
  rows.judge(
    "drift_report_age_s",
    q.drift_age,
    p.drift_age,
    `<=${fmtNum(r.drift_max_age_s)}`,
    "no drift_report_last_run_timestamp_seconds series",
    (x) => {
      const w = worst(x);
      const detail = `oldest ${labelsOf(w.metric, STREAM)}; ${x.length} streams`;
      return {
        key: "drift_report_age_s",
        status: w.value <= r.drift_max_age_s ? "PASS" : "FAIL",
        value: w.value,
        detail,
      };
    },
  );
  const teQuery = `${p.tracking_error} / ${p.tracking_error_bound}`;
  const te = q.tracking_error, bound = q.tracking_error_bound;
  if (bound && !bound.ok) {
    rows.add(errorRow("backtest_tracking_error_ratio", bound), teQuery, "<=1");
  } else {
    const bounds = bound ? byKey(bound.samples) : new Map<string, number>();
    rows.judge(
      "backtest_tracking_error_ratio",
      te,
      teQuery,
      "<=1",
      "no backtest_tracking_error series (run ./tp backtest --parity: it writes backtest.prom for node-exporter)",
      (x) => {
        const pairs = x.map((y) => ({ y, b: bounds.get(joinKey(y.metric)) }));
        const missing = pairs.filter((e) => e.b === undefined || !(e.b > 0));
        if (missing.length) {
          return noDataRow(
            "backtest_tracking_error_ratio",
            `no backtest_tracking_error_bound beside the tracking error of ${
              missing.map((e) => labelsOf(e.y.metric, STREAM)).join(",")
            }`,
          );
        }
        const ratios = pairs.map((e) => ({ ...e, v: e.y.value / e.b! }));
        const w = ratios.reduce((a, c) => c.v > a.v ? c : a);
        const detail = ratios.map((e) =>
          `${labelsOf(e.y.metric, STREAM)} te=${num(e.y.value, 6)} bound=${num(e.b!, 6)}`
        ).join(",");
        return {
          key: "backtest_tracking_error_ratio",
          status: w.v <= 1 ? "PASS" : "FAIL",
          value: w.v,
          detail,
        };
      },
    );
  }
  // Threshold-free: any trade of the loop's period without its backtest twin (or the reverse) fails.
  rows.judge(
    "backtest_parity_unmatched_trades",
    q.parity_unmatched,
    p.parity_unmatched,
    "=0",
    "no backtest_parity_unmatched_trades series (run ./tp backtest --parity: it writes backtest.prom for node-exporter)",
    (x) => {
      const w = worst(x);
      const detail = x.map((y) => `${labelsOf(y.metric, STREAM)}=${num(y.value)}`).sort().join(",");
      return {
        key: "backtest_parity_unmatched_trades",
        status: w.value === 0 ? "PASS" : "FAIL",
        value: w.value,
        detail,
      };
    },
  );
  rows.judge(
    "backtest_report_age_s",
    q.backtest_age,
    p.backtest_age,
    `<=${fmtNum(r.backtest_max_age_s)}`,
    "no backtest_last_run_timestamp_seconds series",
    (x) => {
      const v = worst(x).value;
      return {
        key: "backtest_report_age_s",
        status: v <= r.backtest_max_age_s ? "PASS" : "FAIL",
        value: v,
        detail: "since the last ./tp backtest",
      };
    },
  );
  const maxAge = r.backup_drill_max_age_s;
  if (maxAge === undefined || p.backup_drill_age === undefined) return;
  rows.judge(
    "backup_drill_age_s",
    q.backup_drill_age,
    p.backup_drill_age,
    `<=${fmtNum(maxAge)}`,
    "no backup drill has passed (backup_drill_last_success_timestamp_seconds missing or 0): " +
      "run ./tp backup --drill (it writes backup.prom for node-exporter)",
    (x) => {
      const v = worst(x).value;
      return {
        key: "backup_drill_age_s",
        status: v <= maxAge ? "PASS" : "FAIL",
        value: v,
        detail: "since the last ./tp backup --drill that passed",
      };
    },
  );
}
