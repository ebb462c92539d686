// The rows every recomputed proof ends with: summary.json present, its verdict, and the text summary
// (key=value header, gate values, verdict) rendered again from the recomputed gates.
import { type GateResult, overallVerdict, renderSummary } from "../verify/gates.ts";
import { type CheckRow, problem, readSummaryBody, row } from "./rows.ts";

/** The single row a folder without a readable summary.json gets. */
export function summaryMissing(): CheckRow[] {
  return [problem("summary", "summary.json", "missing", "summary.json missing or not JSON")];
}

/**
 * Each header value of summary.json against the one recomputed from the folder's own data; keys that
 * neither the header nor `ownKeys` (gates, verdict...) hold are named too: no `kind` proof writes them.
 */
export function headerRows(
  summary: Record<string, unknown>,
  header: Readonly<Record<string, string>>,
  ownKeys: readonly string[],
  kind: string,
): CheckRow[] {
  const rows = Object.entries(header).map(([k, v]) =>
    row(
      `summary.json ${k}`,
      k in summary ? String(summary[k]) : "(absent)",
      v,
      `${k}: recomputed from the folder's inputs differs`,
    )
  );
  const extra = Object.keys(summary).filter((k) => !(k in header) && !ownKeys.includes(k));
  return [
    ...rows,
    ...extra.map((k) =>
      problem(`summary.json ${k}`, String(summary[k]), "(absent)", `${k}: not a key of a ${kind} summary`)
    ),
  ];
}

/** summary.json's verdict against the verdict of the recomputed `what` (gates, checks). */
export function verdictRow(summary: Record<string, unknown>, results: GateResult[], what: string): CheckRow {
  return row(
    "verdict",
    String(summary.verdict),
    overallVerdict(results),
    `summary verdict differs from the ${what}`,
  );
}

/** The text summary `file` against renderSummary of summary.json's `headerKeys` and the recomputed gates. */
export async function summaryFileRow(
  dir: string,
  file: string,
  summary: Record<string, unknown>,
  headerKeys: readonly string[],
  results: GateResult[],
): Promise<CheckRow> {
  const header = Object.fromEntries(headerKeys.map((k) => [k, String(summary[k])]));
  return summaryTextRow(file, await readSummaryBody(dir, file), renderSummary(header, results));
}

/**
 * A text summary must say exactly what its gates say (a hand edit of the .txt alone is caught); `basis`
 * names what the recomputed text came from, for the note.
 */
export function summaryTextRow(
  file: string,
  stored: string | null,
  recomputed: string,
  { basis = "the recomputed gates" }: { basis?: string } = {},
): CheckRow {
  if (stored === null) return problem(file, "missing", "-", `${file} missing`);
  if (stored === recomputed) return row(file, "matches", "matches");
  const a = stored.split("\n"), b = recomputed.split("\n");
  const first = a.findIndex((l, j) => l !== b[j]);
  const i = first === -1 ? a.length : first; // the stored text is the start of the recomputed one
  return problem(
    file,
    a[i] ?? "(end)",
    b[i] ?? "(end)",
    `${file} line ${i + 1} differs from ${basis}`,
  );
}
