// The checklist's rows, one shape for every group of checks: a failed query is ERROR, an empty answer
// NO_DATA (never a pass), a value is PASS or FAIL against its threshold; each row carries its PromQL
// (or source) and the threshold as text.
import type { QueryOutcome, Sample } from "../prom/client.ts";
import { fmtNum, type GateResult } from "../verify/gates.ts";

export type Row = Omit<GateResult, "promql" | "want">;

export function errorRow(key: string, o: QueryOutcome | undefined): Row {
  return { key, status: "ERROR", value: null, detail: o?.error ?? "query failed" };
}
export function noDataRow(key: string, detail: string): Row {
  return { key, status: "NO_DATA", value: null, detail };
}
export function judgedRow(key: string, value: number, pass: boolean, detail: string): Row {
  return { key, status: pass ? "PASS" : "FAIL", value, detail };
}

export const finite = (s: readonly Sample[]) => s.filter((x) => Number.isFinite(x.value));
/** A number for a detail: at most `digits` decimals, no trailing zeros. */
export const num = (v: number, digits = 4) => fmtNum(Math.round(v * 10 ** digits) / 10 ** digits);

/** Collects rows with their query and threshold text, in the order added. */
export class Rows {
  readonly out: GateResult[] = [];
  add(row: Row, promql: string, want: string): void {
    this.out.push({ ...row, promql, want });
  }
  /**
   * The common case: ERROR when the query failed, NO_DATA with `empty` when no finite sample came
   * back, else `judge` on the finite samples.
   */
  judge(
    key: string,
    o: QueryOutcome | undefined,
    promql: string,
    want: string,
    empty: string,
    judge: (s: Sample[]) => Row,
  ): void {
    if (!o || !o.ok) return this.add(errorRow(key, o), promql, want);
    const s = finite(o.samples);
    this.add(s.length === 0 ? noDataRow(key, empty) : judge(s), promql, want);
  }
}

/** The sample with the largest (or with `min`, smallest) value. */
export function worst(s: readonly Sample[], min = false): Sample {
  return s.reduce((a, b) => (min ? b.value < a.value : b.value > a.value) ? b : a);
}

/** `label1/label2` of a sample's labels, "?" for a missing one. */
export const labelsOf = (m: Record<string, string>, names: readonly string[]) =>
  names.map((n) => m[n] ?? "?").join("/");
