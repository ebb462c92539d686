// The shift-start checklist as pure functions: PromQL per check from the config, then query outcomes
// and Alertmanager's answer in, one result per check out. An empty result is NO_DATA (never a pass),
// a failed query or an unreachable Alertmanager is ERROR. Groups follow the deployment: the system and
// report checks when job node is listed, the bot checks when job live_loop is.
import type { AlertsOutcome } from "../alerting/am_client.ts";
import { unaddressedCritical } from "../alerting/am_client.ts";
import type { QueryOutcome } from "../prom/client.ts";
import { fmtNum, type GateResult } from "../verify/gates.ts";
import { BOT_KEYS, botQueries, evaluateBots } from "./bot_checks.ts";
import type { OncallConfig } from "./config.ts";
import { evaluateFeed, FEED_KEYS, type FeedKey, feedQueries } from "./feed_checks.ts";
import { evaluateReports, REPORT_KEYS, reportQueries } from "./report_checks.ts";
import { Rows } from "./rows.ts";
import {
  errorJobs,
  errorsQuery,
  evaluateErrors,
  evaluateSystem,
  SYSTEM_KEYS,
  systemQueries,
} from "./system_checks.ts";

/** Every query key the checklist knows (each one's raw answer is `prom/<key>.json` in the evidence). */
export const QUERY_KEYS = [
  ...FEED_KEYS,
  ...SYSTEM_KEYS,
  "component_errors",
  ...BOT_KEYS,
  ...REPORT_KEYS,
] as const;
export type QueryKey = typeof QUERY_KEYS[number];

const has = (cfg: OncallConfig, job: string) => (cfg.jobs as readonly string[]).includes(job);
/** The groups this config runs (a group's section present and, for node and live_loop, its job listed). */
const groups = (cfg: OncallConfig) => ({
  system: cfg.system !== undefined && has(cfg, "node"),
  errors: errorJobs(cfg).length > 0,
  bots: cfg.bots !== undefined && has(cfg, "live_loop"),
  reports: cfg.reports !== undefined && has(cfg, "node"),
});

/** The queries this config runs (its groups only), by key, in QUERY_KEYS order. */
export function oncallQueries(
  cfg: OncallConfig,
): Record<FeedKey, string> & Partial<Record<QueryKey, string>> {
  const g = groups(cfg);
  return {
    ...feedQueries(cfg),
    ...(g.system ? systemQueries(cfg.system!) : {}),
    ...(g.errors ? { component_errors: errorsQuery(cfg) } : {}),
    ...(g.bots ? botQueries(cfg.bots!) : {}),
    ...(g.reports ? reportQueries(cfg.reports!) : {}),
  };
}

/** The keys of oncallQueries(cfg): what a run asks and stores. */
export function queryKeys(cfg: OncallConfig): QueryKey[] {
  const q = oncallQueries(cfg);
  return QUERY_KEYS.filter((k) => q[k] !== undefined);
}

export interface OncallInputs {
  /** An answer per key of queryKeys(cfg); one missing is an ERROR row. */
  readonly queries: Readonly<Partial<Record<QueryKey, QueryOutcome>>>;
  readonly alerts: AlertsOutcome;
  /** The check's evaluation time (ms): the bots' "today" is its UTC day. */
  readonly atMs: number;
}

/** One result per check, in checklist order. */
export function evaluateOncall(cfg: OncallConfig, inputs: OncallInputs): GateResult[] {
  const asked = oncallQueries(cfg);
  const q = Object.fromEntries(
    QUERY_KEYS.map((k) => [
      k,
      inputs.queries[k] ??
        { promql: asked[k] ?? "", raw: "", ok: false, error: `no answer for query ${k}`, samples: [] },
    ]),
  ) as Record<QueryKey, QueryOutcome>;
  const rows = new Rows(), g = groups(cfg);
  evaluateFeed(cfg, q, rows);
  if (g.system) evaluateSystem(cfg.system!, q, rows);
  if (g.errors) evaluateErrors(cfg, q.component_errors, rows);
  if (g.bots) evaluateBots(cfg.bots!, q, rows, inputs.atMs);
  if (g.reports) evaluateReports(cfg.reports!, q, rows);

  const am = inputs.alerts;
  const amQuery = `GET ${am.url} (firing, severity=critical, not silenced/inhibited)`;
  const amWant = `<=${cfg.critical_alerts_max}`;
  if (!am.ok) {
    rows.add(
      {
        key: "critical_alerts_unaddressed",
        status: "ERROR",
        value: null,
        detail: `alertmanager: ${am.error}`,
      },
      amQuery,
      amWant,
    );
  } else {
    const crit = unaddressedCritical(am.alerts);
    const names = crit.map((a) => a.labels.alertname ?? "?").sort();
    const detail = names.length ? names.join(",") : `none (${am.alerts.length} alerts in total)`;
    rows.add(
      {
        key: "critical_alerts_unaddressed",
        status: crit.length <= cfg.critical_alerts_max ? "PASS" : "FAIL",
        value: crit.length,
        detail,
      },
      amQuery,
      amWant,
    );
  }
  return rows.out;
}

/** The stdout table: check, value, threshold, status (and detail). */
export function renderTable(results: readonly GateResult[]): string {
  const rows = [["CHECK", "VALUE", "THRESHOLD", "STATUS", "DETAIL"]];
  for (const r of results) {
    rows.push([
      r.key,
      r.value === null ? "-" : fmtNum(Math.round(r.value * 1000) / 1000),
      r.want,
      r.status,
      r.detail,
    ]);
  }
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c < 4 ? cell.padEnd(widths[c]) : cell)).join("  ").trimEnd())
    .join("\n") +
    "\n";
}
