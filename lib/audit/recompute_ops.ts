// ai_live_ops_verify: every OPS_GATES gate recomputed with evaluateGate from its stored answer
// (prom/gate_<key>.json), the verdict with overallVerdict, and the text summary with renderSummary.
import { opsRawFile } from "../evidence/gate_sources.ts";
import {
  evaluateGate,
  type GateResult,
  OPS_GATES,
  overallVerdict,
  renderSeriesTsv,
  renderSummary,
  RUNBOOK_QUERIES,
} from "../verify/gates.ts";
import {
  byKey,
  type CheckRow,
  compareGate,
  problem,
  readJson,
  readSummaryBody,
  readText,
  row,
  storedOutcome,
  unexpected,
} from "./rows.ts";

export async function recomputeOps(dir: string): Promise<CheckRow[]> {
  const summary = await readJson(dir, "summary.json");
  if (!summary) return [problem("summary", "summary.json", "missing", "summary.json missing or not JSON")];
  const stored = byKey(summary.gates);
  const rows: CheckRow[] = [];
  const results: GateResult[] = [];
  for (const spec of OPS_GATES) {
    const raw = await readText(dir, opsRawFile(spec.key));
    if (raw === null) {
      rows.push(
        problem(`gate ${spec.key}`, "-", "-", `${spec.key}: raw answer ${opsRawFile(spec.key)} missing`),
      );
      continue;
    }
    const r = evaluateGate(spec, storedOutcome(raw, spec.promql));
    results.push(r);
    rows.push(compareGate(spec.key, stored.get(spec.key), r));
  }
  rows.push(...unexpected(stored, OPS_GATES.map((g) => g.key)));
  const verdict = overallVerdict(results);
  rows.push(row("verdict", String(summary.verdict), verdict, "summary verdict differs from the gates"));
  const header = Object.fromEntries(
    ["prometheus_url", "exporter_url", "prometheus_ready", "targets", "judged_at"].map((
      k,
    ) => [k, String(summary[k])]),
  );
  const text = await readSummaryBody(dir, "AI_LIVE_OPS_SUMMARY.txt");
  rows.push(summaryTextRow("AI_LIVE_OPS_SUMMARY.txt", text, renderSummary(header, results)));
  rows.push(await seriesRow(dir));
  return rows;
}

/** PROM_REQUIRED_SERIES.tsv rendered again from the gate and runbook answers the folder keeps. */
async function seriesRow(dir: string): Promise<CheckRow> {
  const named = [
    ...OPS_GATES.map((g) => ({ name: g.key, promql: g.promql, file: opsRawFile(g.key) })),
    ...RUNBOOK_QUERIES.map((q) => ({ name: q.name, promql: q.promql, file: `prom/runbook_${q.name}.json` })),
  ];
  const rows = [];
  for (const n of named) {
    const raw = await readText(dir, n.file);
    if (raw === null) return problem(SERIES, "-", "-", `${n.file} missing`);
    rows.push({ name: n.name, outcome: storedOutcome(raw, n.promql) });
  }
  return summaryTextRow(SERIES, await readText(dir, SERIES), renderSeriesTsv(rows));
}
const SERIES = "PROM_REQUIRED_SERIES.tsv";

/** A text summary must say exactly what its gates say (a hand edit of the .txt alone is caught). */
export function summaryTextRow(file: string, stored: string | null, recomputed: string): CheckRow {
  if (stored === null) return problem(file, "missing", "-", `${file} missing`);
  if (stored === recomputed) return row(file, "matches", "matches");
  const a = stored.split("\n"), b = recomputed.split("\n");
  const i = a.findIndex((l, j) => l !== b[j]);
  return problem(
    file,
    a[i] ?? "(end)",
    b[i] ?? "(end)",
    `${file} line ${i + 1} differs from the recomputed gates`,
  );
}
