// The canonical AI Live Ops gates: pure functions from Prometheus query outcomes to verdicts.
import type { QueryOutcome, Sample } from "../prom/client.ts";

export type GateStatus = "PASS" | "FAIL" | "NO_DATA" | "ERROR";

export interface GateSpec {
  /** Summary key, a contract (e.g. `up_jobs_rc`). */
  readonly key: string;
  readonly promql: string;
  /** Human form of the pass condition, e.g. `=3` or `>0`. */
  readonly want: string;
  readonly measure: (samples: Sample[]) => number;
  readonly pass: (value: number) => boolean;
  /** Optional extra detail for the summary (e.g. which jobs are down). */
  readonly detail?: (samples: Sample[]) => string;
}

export const GATE_JOBS = ["ai_live", "peak_trade_web", "shadow_mvs"] as const;

const countOnes = (s: Sample[]) => s.filter((x) => x.value === 1).length;
const first = (s: Sample[]) => s[0].value;

export const OPS_GATES: readonly GateSpec[] = [
  {
    key: "up_jobs_rc",
    promql: `up{job=~"${GATE_JOBS.join("|")}"}`,
    want: `=${GATE_JOBS.length}`,
    measure: countOnes,
    pass: (v) => v === GATE_JOBS.length,
    detail: (s) => {
      const up = new Map(s.map((x) => [x.metric.job, x.value]));
      const bad = GATE_JOBS.filter((j) => up.get(j) !== 1).map((j) =>
        `${j}(${up.has(j) ? "down" : "missing"})`
      );
      return bad.length ? `not up: ${bad.join(",")}` : "all up";
    },
  },
  {
    key: "heartbeat_rc",
    promql: "peaktrade_ai_live_heartbeat",
    want: "=1",
    measure: countOnes,
    pass: (v) => v === 1,
  },
  {
    key: "decisions_sum",
    promql: "sum(peaktrade_ai_decisions_total)",
    want: ">0",
    measure: first,
    pass: (v) => v > 0,
  },
  {
    key: "run_id_count",
    promql: "count(count by (run_id) (peaktrade_ai_decisions_total))",
    want: ">=1",
    measure: first,
    pass: (v) => v >= 1,
  },
  {
    key: "last_event_ts_by_run_id_count",
    promql: "count(peaktrade_ai_last_event_timestamp_seconds_by_run_id)",
    want: ">=1",
    measure: first,
    pass: (v) => v >= 1,
  },
];

/** The runbook's known-good PromQL: recorded (raw) in every ops verify, informational. */
export const RUNBOOK_QUERIES: readonly { name: string; promql: string }[] = [
  { name: "ai_live_up", promql: `max(up{job="ai_live"})` },
  { name: "heartbeat", promql: "peaktrade_ai_live_heartbeat" },
  { name: "decisions_sum", promql: "sum(peaktrade_ai_decisions_total)" },
  { name: "actions_sum", promql: "sum(peaktrade_ai_actions_total)" },
  { name: "run_id_count", promql: "count(count by (run_id) (peaktrade_ai_decisions_total))" },
  {
    name: "last_event_ts_by_run_id_count",
    promql: "count(peaktrade_ai_last_event_timestamp_seconds_by_run_id)",
  },
  {
    name: "max_event_age_s",
    promql: "max(clamp_min(time() - max by (source) (peaktrade_ai_last_event_timestamp_seconds), 0))",
  },
  { name: "parse_errors_5m", promql: "increase(peaktrade_ai_events_parse_errors_total[5m])" },
  { name: "dropped_5m", promql: "increase(peaktrade_ai_events_dropped_total[5m])" },
  {
    name: "decision_latency_p95_ms",
    promql: "histogram_quantile(0.95, sum by (le) (rate(peaktrade_ai_decision_latency_ms_bucket[5m])))",
  },
];

export interface GateResult {
  key: string;
  promql: string;
  want: string;
  status: GateStatus;
  /** null when there was no data or an error. */
  value: number | null;
  detail: string;
}

/** An empty result is NO_DATA, never a pass; a failed query is ERROR. */
export function evaluateGate(spec: GateSpec, outcome: QueryOutcome): GateResult {
  const base = { key: spec.key, promql: spec.promql, want: spec.want };
  if (!outcome.ok) return { ...base, status: "ERROR", value: null, detail: outcome.error ?? "query failed" };
  if (outcome.samples.length === 0) {
    return { ...base, status: "NO_DATA", value: null, detail: "empty result" };
  }
  const value = spec.measure(outcome.samples);
  return {
    ...base,
    status: spec.pass(value) ? "PASS" : "FAIL",
    value,
    detail: spec.detail?.(outcome.samples) ?? "",
  };
}

export function overallVerdict(results: GateResult[]): "PASS" | "FAIL" {
  return results.length > 0 && results.every((r) => r.status === "PASS") ? "PASS" : "FAIL";
}

/** `AI_LIVE_OPS_SUMMARY.txt`: key=value lines with values shown, `verdict=` last. */
export function renderSummary(header: Record<string, string>, results: GateResult[]): string {
  const lines = Object.entries(header).map(([k, v]) => `${k}=${v}`);
  for (const r of results) lines.push(`${r.key}=${r.value === null ? r.status : fmtNum(r.value)}`);
  for (const r of results) {
    lines.push(
      `gate.${r.key}=${r.status} (want ${r.want}, got ${r.value === null ? r.status : fmtNum(r.value)}${
        r.detail ? `; ${r.detail}` : ""
      })`,
    );
  }
  const failed = results.filter((r) => r.status !== "PASS").map((r) => r.key);
  lines.push(`failed_gates=${failed.length ? failed.join(",") : "none"}`);
  lines.push(`verdict=${overallVerdict(results)}`);
  return lines.join("\n") + "\n";
}

/** `PROM_REQUIRED_SERIES.tsv`: name, PromQL, result_count, values. */
export function renderSeriesTsv(rows: { name: string; outcome: QueryOutcome }[]): string {
  const out = ["name\tpromql\tresult_count\tvalues"];
  for (const { name, outcome } of rows) {
    const values = outcome.ok
      ? outcome.samples.map((s) => `${labelText(s.metric)}=${fmtNum(s.value)}`).join(";")
      : `ERROR: ${outcome.error ?? ""}`;
    out.push(
      [name, outcome.promql, outcome.ok ? String(outcome.samples.length) : "ERROR", values].join("\t"),
    );
  }
  return out.join("\n") + "\n";
}

function labelText(m: Record<string, string>): string {
  const parts = Object.entries(m).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${v}"`);
  return `{${parts.join(",")}}`;
}

export function fmtNum(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
}
