// HANDOVER.md, pure: what the next shift needs on one page, from this run's own results (each row's
// value and status, nothing asked twice) and the shift's incidents: the checklist verdict, incidents
// (id, times, summary), the feed, each bot with its PnL, drawdown and tracking error beside the risk
// limits they are held to, and the host (with the age of its last verified backup).
import type { AlertsOutcome } from "../alerting/am_client.ts";
import type { QueryOutcome } from "../prom/client.ts";
import { fmtNum, type GateResult, overallVerdict } from "../verify/gates.ts";
import type { OncallConfig } from "./config.ts";
import { HANDOVER_LOOKBACK, type Incident, incidentsFrom, ruleSummaries } from "./incidents.ts";

export const HANDOVER_FILE = "HANDOVER.md";
/** The raw answers behind the incidents, beside the checklist's (alertmanager/alerts.json). */
export const HANDOVER_SOURCES = {
  history: "prom/handover_alerts_history.json",
  rules: "prom/handover_rules.json",
} as const;

export interface HandoverInput {
  readonly atMs: number;
  readonly verdict: "PASS" | "FAIL";
  readonly results: readonly GateResult[];
  readonly incidents: readonly Incident[];
  /** Why the incidents may be incomplete (a source that did not answer), else null. */
  readonly incidentsProblem: string | null;
  readonly config: OncallConfig;
  readonly promUrl: string;
  readonly amUrl: string;
}

/** What the page is rendered from: the run's results, its time and the raw answers it stored. */
export interface HandoverSources {
  readonly atMs: number;
  readonly results: GateResult[];
  /** ALERTS_HISTORY_QUERY's answer, evaluated at atMs. */
  readonly history: QueryOutcome;
  readonly alerts: AlertsOutcome;
  /** GET /api/v1/rules's body (or the error, as JSON). */
  readonly rulesRaw: string;
  readonly config: OncallConfig;
  readonly promUrl: string;
  readonly amUrl: string;
}

/** HANDOVER.md from the sources: what runOncall writes and `evidence check` renders again to compare. */
export function handoverPage(s: HandoverSources): string {
  const problems = [
    ...(s.history.ok ? [] : [`Prometheus's ALERTS history: ${s.history.error}`]),
    ...(s.alerts.ok ? [] : [`Alertmanager: ${s.alerts.error}`]),
  ];
  return renderHandover({
    atMs: s.atMs,
    verdict: overallVerdict(s.results),
    results: s.results,
    incidents: incidentsFrom(s.history, s.alerts, { rules: ruleSummaries(s.rulesRaw), atMs: s.atMs }),
    incidentsProblem: problems.length ? problems.join("; ") : null,
    config: s.config,
    promUrl: s.promUrl,
    amUrl: s.amUrl,
  });
}

const utc = (s: number) => new Date(s * 1000).toISOString().slice(0, 16).replace("T", " ");
const cell = (t: string) => t.replaceAll("|", "\\|").replaceAll("\n", " ");
const value = (r: GateResult | undefined) =>
  r?.value === null || r === undefined ? "-" : fmtNum(Math.round(r.value * 1e6) / 1e6);

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

function checkTable(rows: readonly GateResult[]): string[] {
  return table(
    ["check", "value", "want", "status", "detail"],
    rows.map((r) => [r.key, value(r), r.want, r.status, r.detail]),
  );
}

export function renderHandover(h: HandoverInput): string {
  const r = h.results;
  const by = new Map(r.map((x) => [x.key, x]));
  const failed = r.filter((x) => x.status !== "PASS").map((x) => `${x.key} (${x.status})`);
  const out = [
    `# Shift handover ${new Date(h.atMs).toISOString().slice(0, 16).replace("T", " ")} UTC`,
    "",
    `Checklist: **${h.verdict}**${
      failed.length ? `; not passing: ${failed.join(", ")}` : ""
    } (ONCALL_SUMMARY.txt, ONCALL_TABLE.txt).`,
    `Prometheus ${h.promUrl}, Alertmanager ${h.amUrl}.`,
    "",
    `## Incidents (last ${HANDOVER_LOOKBACK})`,
    "",
  ];
  if (h.incidentsProblem) out.push(`Incomplete: ${h.incidentsProblem}.`, "");
  if (h.incidents.length === 0) out.push("None.");
  else {
    out.push(...table(
      ["id", "started (UTC)", "ended (UTC)", "alert", "severity", "summary", "labels"],
      h.incidents.map((
        i,
      ) => [
        i.id,
        i.startedBefore ? `before ${utc(i.startedAt)}` : utc(i.startedAt),
        i.endedAt === null ? "firing" : utc(i.endedAt),
        i.alertname,
        i.severity,
        i.summary,
        i.labels,
      ]),
    ));
  }
  out.push("", "## Feed", "");
  out.push(
    ...checkTable(
      r.filter((x) =>
        x.key === "up_live_connector" || x.key.startsWith("feed_") || x.key === "errors_live_connector"
      ),
    ),
  );

  out.push("", "## Bots", "");
  const b = h.config.bots;
  if (!b || !(h.config.jobs as readonly string[]).includes("live_loop")) {
    out.push("No live loop in this deployment (job live_loop is not in the checklist's jobs).");
  } else {
    const risk = b.risk;
    out.push(
      risk
        ? `Risk limits (${risk.source}): max daily loss ${
          fmtNum(risk.max_daily_loss)
        } (quote), max drawdown ${risk.max_drawdown_bps} bps (${fmtNum(risk.max_drawdown_bps / 100)}%).`
        : `Risk limits: not loaded from ${b.risk_config}.`,
      "",
      ...table(
        [
          "loop",
          "PnL today",
          "max drawdown today",
          "tracking error / bound",
          "kill switch",
          "fills per " + b.fills_window,
        ],
        [[
          by.get("up_live_loop")?.detail === "up" ? "up" : `${by.get("up_live_loop")?.status ?? "?"}`,
          `${value(by.get("bot_pnl_today"))} (${by.get("bot_pnl_today")?.status ?? "-"})`,
          `${value(by.get("bot_drawdown_max_today"))} (${by.get("bot_drawdown_max_today")?.status ?? "-"})`,
          `${value(by.get("backtest_tracking_error_ratio"))} (${
            by.get("backtest_tracking_error_ratio")?.status ?? "-"
          })`,
          by.get("bot_kill_switch_engaged")?.detail ?? "-",
          value(by.get("bot_fills_per_window")),
        ]],
      ),
      "",
      ...checkTable(r.filter((x) => /^(bot_|backtest_|drift_)/.test(x.key) || x.key === "errors_live_loop")),
    );
  }
  // The host's resources and its last verified backup (both read from node-exporter).
  const sys = r.filter((x) => x.key.startsWith("system_") || x.key.startsWith("backup_"));
  out.push("", "## Host", "");
  out.push(
    ...(sys.length
      ? checkTable(sys)
      : ["No node-exporter in this deployment (job node is not in the checklist's jobs)."]),
  );
  return out.join("\n") + "\n";
}
