// One line of `evidence check`: what the folder says (stored), what the checker found (recomputed),
// and whether they agree. Shared helpers for reading a folder's files and comparing gates.
import { join } from "node:path";
import { splitSignedLine } from "../evidence/signed_line.ts";
import { parseQueryAnswer, type QueryOutcome } from "../prom/client.ts";
import { fmtNum, type GateResult } from "../verify/gates.ts";

export type RowVerdict = "AGREE" | "DISAGREE" | "SKIP";

export interface CheckRow {
  /** What was checked: `manifest`, `signature`, `gate up_jobs_rc`, `verdict`... */
  readonly check: string;
  readonly stored: string;
  readonly recomputed: string;
  readonly verdict: RowVerdict;
  /** Why it disagrees (or why it was skipped); empty when it agrees. */
  readonly note: string;
}

export function row(check: string, stored: string, recomputed: string, note = ""): CheckRow {
  const agree = stored === recomputed;
  return { check, stored, recomputed, verdict: agree ? "AGREE" : "DISAGREE", note: agree ? "" : note };
}

export function problem(check: string, stored: string, recomputed: string, note: string): CheckRow {
  return { check, stored, recomputed, verdict: "DISAGREE", note };
}

export function skip(check: string, stored: string, note: string): CheckRow {
  return { check, stored, recomputed: "-", verdict: "SKIP", note };
}

export async function readText(dir: string, rel: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(join(dir, rel));
  } catch {
    return null;
  }
}

/** A proof's human summary without its closing `signed=` line (held to the signature separately). */
export async function readSummaryBody(dir: string, rel: string): Promise<string | null> {
  const text = await readText(dir, rel);
  return text === null ? null : splitSignedLine(text).body;
}

/** A folder's JSON file, or null when it is missing or not JSON. */
export async function readJson(dir: string, rel: string): Promise<Record<string, unknown> | null> {
  const text = await readText(dir, rel);
  if (text === null) return null;
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" ? v as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

/**
 * A stored Prometheus answer -> the outcome the proof judged. Writers keep the body as sent, or
 * `{"error": ...}` when nothing came back (network error), so that form is the failed query.
 */
export function storedOutcome(raw: string, promql: string): QueryOutcome {
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    if (v && typeof v === "object" && !("status" in v) && typeof v.error === "string") {
      return { promql, raw, ok: false, error: v.error, samples: [] };
    }
  } catch {
    // not JSON: the parser below says why
  }
  return parseQueryAnswer(raw, promql);
}

/** `PASS 3`, `NO_DATA`, `FAIL 0.25`: a gate as the table shows it. */
export function gateText(g: { status?: unknown; value?: unknown } | undefined): string {
  if (!g) return "(absent)";
  const v = typeof g.value === "number" ? ` ${fmtNum(g.value)}` : "";
  return `${String(g.status)}${v}`;
}

/**
 * The stored gate against the one recomputed from its raw answer: status and value must match, and
 * the detail too unless the gate is an ERROR (an error's wording depends on the moment, not the data).
 */
export function compareGate(label: string, stored: unknown, recomputed: GateResult): CheckRow {
  const re = JSON.parse(JSON.stringify(recomputed)) as GateResult; // NaN is null once stored
  const s = (stored ?? undefined) as Partial<GateResult> | undefined;
  const check = `gate ${label}`;
  if (!s) return problem(check, "(absent)", gateText(re), "gate missing from the summary");
  const r = row(check, gateText(s), gateText(re));
  if (r.verdict === "DISAGREE") return { ...r, note: `${label}: recomputed from the raw answer differs` };
  if (re.status !== "ERROR" && (s.detail ?? "") !== re.detail) {
    return problem(check, gateText(s), gateText(re), `${label}: detail differs: stored "${s.detail}"`);
  }
  return r;
}

/** Stored gates keyed by `key` (summary.json `gates` / `checks`). */
export function byKey(list: unknown): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  if (Array.isArray(list)) {
    for (const g of list) if (g && typeof g === "object") out.set(String(g.key), g);
  }
  return out;
}

/** Gates in the summary that no recomputation covered: added by hand, never judged. */
export function unexpected(stored: Map<string, unknown>, seen: Iterable<string>): CheckRow[] {
  const known = new Set(seen);
  return [...stored.keys()].filter((k) => !known.has(k)).map((k) =>
    problem(`gate ${k}`, gateText(stored.get(k) as never), "(absent)", `${k}: not a gate of this kind`)
  );
}
