// ai_live_ops_verify: every OPS_GATES gate recomputed with evaluateGate from its stored answer
// (prom/gate_<key>.json), the verdict with overallVerdict, and the text summary with renderSummary.
import { opsRawFile } from "../evidence/gate_sources.ts";
import {
  evaluateGate,
  type GateResult,
  OPS_GATES,
  renderSeriesTsv,
  RUNBOOK_QUERIES,
} from "../verify/gates.ts";
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

export async function recomputeOps(dir: string): Promise<CheckRow[]> {
  const summary = await readJson(dir, "summary.json");
  if (!summary) return summaryMissing();
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
  rows.push(verdictRow(summary, results, "gates"));
  rows.push(await summaryFileRow(dir, "AI_LIVE_OPS_SUMMARY.txt", summary, OPS_HEADER, results));
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
const OPS_HEADER = ["prometheus_url", "exporter_url", "prometheus_ready", "targets", "judged_at"];
