// What a folder tells outside readers about its gates (gates.junit.xml for CI reporters, the
// attestation's passed/failed lists) must be what `evidence check` recomputed: a gate dropped, added or
// flipped there is caught, even where the summary files were left alone.
import { ATTESTATION_NAME } from "../evidence/intoto.ts";
import { JUNIT_NAME } from "../evidence/junit.ts";
import type { Kind } from "../evidence/kinds.ts";
import { type CheckRow, problem, readText, row } from "./rows.ts";

/** Recomputed gate -> passed (true/false); gates the checker could not judge are left out. */
export function recomputedGates(kind: Kind, rows: readonly CheckRow[]): Map<string, boolean> {
  if (kind === "ai_live_activity_demo") return activityGates(rows);
  const out = new Map<string, boolean>();
  for (const r of rows) {
    if (r.verdict === "SKIP" || r.recomputed === "-") continue;
    const key = r.check.startsWith("gate ")
      ? r.check.slice(5)
      : r.check === "activity_demo verdict" || r.check === "ops_verify verdict"
      ? r.check.slice(0, -" verdict".length)
      : r.check === "key scan"
      ? "key_material_scan"
      : null;
    if (key) out.set(key, r.recomputed === "CLEAN" || r.recomputed.startsWith("PASS"));
  }
  return out;
}

/** The activity demo is judged on two counts: every decision emitted seen, and its run's series there. */
function activityGates(rows: readonly CheckRow[]): Map<string, boolean> {
  const value = (k: string) => rows.find((r) => r.check === `gate ${k}` && r.verdict !== "SKIP")?.recomputed;
  const out = new Map<string, boolean>();
  const seen = value("decisions_seen_in_prometheus"), emitted = value("decisions_emitted");
  if (seen !== undefined && emitted !== undefined) {
    out.set("decisions_seen_in_prometheus", seen === emitted && seen !== "NO_DATA");
  }
  // An unreachable run records no series count: that gate failed with the rest.
  const series = value("run_scoped_last_event_series") ?? (seen === "NO_DATA" ? "0" : undefined);
  if (series !== undefined) out.set("run_scoped_last_event_series", Number(series) > 0);
  return out;
}

/** Testcase name -> passed, from a gates.junit.xml as junit.ts writes it. */
export function junitGates(xml: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const m of xml.matchAll(/<testcase name="([^"]*)"[^>]*>([\s\S]*?)<\/testcase>/g)) {
    out.set(m[1], !/<(failure|error)\b/.test(m[2]));
  }
  return out;
}

function compare(what: string, reported: Map<string, boolean>, recomputed: Map<string, boolean>): CheckRow {
  const diffs: string[] = [];
  for (const [k, pass] of recomputed) {
    if (!reported.has(k)) diffs.push(`${k} missing`);
    else if (reported.get(k) !== pass) diffs.push(`${k} says ${reported.get(k) ? "pass" : "fail"}`);
  }
  for (const k of reported.keys()) if (!recomputed.has(k)) diffs.push(`${k} not a recomputed gate`);
  const failing = (m: Map<string, boolean>) => [...m.values()].filter((p) => !p).length;
  const stored = `${reported.size} gates, ${failing(reported)} failing`;
  if (diffs.length === 0) return row(what, stored, stored);
  const want = `${recomputed.size} gates, ${failing(recomputed)} failing`;
  return problem(what, stored, want, `${what}: ${diffs.slice(0, 3).join("; ")}`);
}

export async function checkReportedGates(
  dir: string,
  kind: Kind,
  rows: readonly CheckRow[],
): Promise<CheckRow[]> {
  const recomputed = recomputedGates(kind, rows);
  const out: CheckRow[] = [];
  const xml = await readText(dir, JUNIT_NAME);
  if (xml !== null) out.push(compare(JUNIT_NAME, junitGates(xml), recomputed));
  const att = await readText(dir, ATTESTATION_NAME);
  if (att !== null) {
    try {
      const p = JSON.parse(att).predicate ?? {};
      const listed = new Map<string, boolean>();
      for (const k of [...(p.passedTests ?? []), ...(p.warnedTests ?? [])]) listed.set(String(k), true);
      for (const k of p.failedTests ?? []) listed.set(String(k), false);
      out.push(compare(`${ATTESTATION_NAME} tests`, listed, recomputed));
    } catch {
      // Not JSON: checkAttestation already says so.
    }
  }
  return out;
}
