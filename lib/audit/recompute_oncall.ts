// oncall: the checklist recomputed with evaluateOncall from the stored answers (prom/<key>.json,
// alertmanager/alerts.json) and the thresholds the run used (run.json config.thresholds).
import { parseAlertsAnswer } from "../alerting/am_client.ts";
import { ONCALL_ALERTS_FILE, oncallQueryFile } from "../evidence/gate_sources.ts";
import type { QueryOutcome } from "../prom/client.ts";
import { evaluateOncall, oncallQueries, type QueryKey, queryKeys, renderTable } from "../oncall/checks.ts";
import { type OncallConfig, parseOncallConfig } from "../oncall/config.ts";
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
  return rows;
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
