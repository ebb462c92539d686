// oncall: the checklist recomputed with evaluateOncall from the stored answers (prom/<key>.json,
// alertmanager/alerts.json) and the thresholds the run used (run.json config.thresholds); with a
// HANDOVER.md, the page rendered again from those and the handover's own answers, at judged_at.
import { type AlertsOutcome, parseAlertsAnswer } from "../alerting/am_client.ts";
import { ONCALL_ALERTS_FILE, oncallQueryFile } from "../evidence/gate_sources.ts";
import type { QueryOutcome } from "../prom/client.ts";
import { evaluateOncall, oncallQueries, type QueryKey, queryKeys, renderTable } from "../oncall/checks.ts";
import { type OncallConfig, parseOncallConfig } from "../oncall/config.ts";
import { HANDOVER_FILE, HANDOVER_SOURCES, handoverPage } from "../oncall/handover.ts";
import { ALERTS_HISTORY_QUERY } from "../oncall/incidents.ts";
import type { GateResult } from "../verify/gates.ts";
import {
  byKey,
  type CheckRow,
  compareGate,
  problem,
  readJson,
  readText,
  storedOutcome,
  unexpected,
} from "./rows.ts";
import { summaryFileRow, summaryMissing, summaryTextRow, verdictRow } from "./summary_rows.ts";

export async function recomputeOncall(dir: string): Promise<CheckRow[]> {
  const summary = await readJson(dir, "summary.json");
  if (!summary) return summaryMissing();
  const run = await readJson(dir, "run.json");
  let cfg: OncallConfig;
  try {
    cfg = parseOncallConfig(
      (run?.config as Record<string, unknown> | undefined)?.thresholds,
      "run.json thresholds",
    );
  } catch (err) {
    return [problem("thresholds", "run.json", "unusable", (err as Error).message)];
  }
  const promql = oncallQueries(cfg);
  const rows: CheckRow[] = [];
  const queries: Partial<Record<QueryKey, QueryOutcome>> = {};
  for (const k of queryKeys(cfg)) {
    const raw = await readText(dir, oncallQueryFile(k));
    if (raw === null) rows.push(problem(`raw ${k}`, "-", "-", `raw answer ${oncallQueryFile(k)} missing`));
    queries[k] = storedOutcome(raw ?? "", promql[k]!);
  }
  const amRaw = await readText(dir, ONCALL_ALERTS_FILE);
  if (amRaw === null) rows.push(problem("raw alerts", "-", "-", `raw answer ${ONCALL_ALERTS_FILE} missing`));
  const amUrl = `${String(summary.alertmanager_url)}/api/v2/alerts`;
  const error = errorEnvelope(amRaw ?? "");
  const alerts = error !== null
    ? { url: amUrl, raw: amRaw ?? "", ok: false, error, alerts: [] }
    : parseAlertsAnswer(amUrl, amRaw ?? "");
  // The run's evaluation time: the bots' "today" was the UTC day of judged_at.
  const atMs = Date.parse(String(summary.judged_at));
  if (!Number.isFinite(atMs)) {
    return [...rows, problem("judged_at", String(summary.judged_at), "an ISO time", "judged_at unreadable")];
  }
  const results = evaluateOncall(cfg, { queries, alerts, atMs });
  const stored = byKey(summary.checks);
  for (const r of results) rows.push(compareGate(r.key, stored.get(r.key), r));
  rows.push(...unexpected(stored, results.map((r) => r.key)));
  rows.push(verdictRow(summary, results, "checks"));
  rows.push(await summaryFileRow(dir, "ONCALL_SUMMARY.txt", summary, ONCALL_HEADER, results));
  rows.push(
    summaryTextRow("ONCALL_TABLE.txt", await readText(dir, "ONCALL_TABLE.txt"), renderTable(results)),
  );
  const page = await readText(dir, HANDOVER_FILE);
  if (page !== null) {
    const ctx = { atMs, results, alerts, config: cfg, summary };
    rows.push(...await handoverRows(dir, page, ctx));
  }
  return rows;
}

/** HANDOVER.md against the page rendered from the stored answers (a hidden incident is caught). */
async function handoverRows(
  dir: string,
  page: string,
  c: {
    atMs: number;
    results: GateResult[];
    alerts: AlertsOutcome;
    config: OncallConfig;
    summary: Record<string, unknown>;
  },
): Promise<CheckRow[]> {
  const historyRaw = await readText(dir, HANDOVER_SOURCES.history);
  const rulesRaw = await readText(dir, HANDOVER_SOURCES.rules);
  if (historyRaw === null || rulesRaw === null) {
    const gone = historyRaw === null ? HANDOVER_SOURCES.history : HANDOVER_SOURCES.rules;
    return [problem(HANDOVER_FILE, "present", "-", `raw answer ${gone} missing`)];
  }
  // The reason Alertmanager failed (an HTTP status is not in the body kept as alerts.json).
  const crit = await readJson(dir, "alertmanager/unaddressed_critical.json");
  const alerts = !c.alerts.ok && crit?.reachable === false && typeof crit.error === "string"
    ? { ...c.alerts, error: crit.error }
    : c.alerts;
  const again = handoverPage({
    atMs: c.atMs,
    results: c.results,
    history: storedOutcome(historyRaw, ALERTS_HISTORY_QUERY),
    alerts,
    rulesRaw,
    config: c.config,
    promUrl: String(c.summary.prometheus_url),
    amUrl: String(c.summary.alertmanager_url),
  });
  return [summaryTextRow(HANDOVER_FILE, page, again, { basis: "the stored answers at judged_at" })];
}

const ONCALL_HEADER = ["prometheus_url", "alertmanager_url", "alertmanager_reachable", "config", "judged_at"];

/** `{"error": "..."}`: what the writer stores when Alertmanager did not answer. */
function errorEnvelope(raw: string): string | null {
  try {
    const v = JSON.parse(raw);
    return v && !Array.isArray(v) && typeof v.error === "string" ? v.error : null;
  } catch {
    return null;
  }
}
