// bars.tsv: the stored bars a drift report judged, as read from the store (both windows), so the
// report can be judged again offline from its own folder: a window column, then each bar as
// lib/verify/bars_tsv.ts writes it (full precision, read back to the same bits; null features empty).
import { DRIFT_FILES } from "../evidence/gate_sources.ts";
import type { ClosedBar } from "../market/types.ts";
import type { DriftBar } from "../drift/drift_features.ts";
import { BAR_COLUMNS, barCells, parseBarCells } from "./bars_tsv.ts";

export const BARS_TSV = DRIFT_FILES.bars;
export type DriftWindow = "reference" | "current";

const HEADER = ["window", ...BAR_COLUMNS];

export function renderBarsTsv(windows: Readonly<Record<DriftWindow, readonly ClosedBar[]>>): string {
  const rows = [HEADER.join("\t")];
  for (const w of ["reference", "current"] as const) {
    for (const b of windows[w]) rows.push([w, ...barCells(b)].join("\t"));
  }
  return rows.join("\n") + "\n";
}

/** The two windows back from bars.tsv; throws SyntaxError naming the line for anything else. */
export function parseBarsTsv(text: string): Record<DriftWindow, DriftBar[]> {
  const out: Record<DriftWindow, DriftBar[]> = { reference: [], current: [] };
  const lines = text.split("\n").filter((l) => l !== "");
  if (lines[0] !== HEADER.join("\t")) {
    throw new SyntaxError(`Cannot parse ${BARS_TSV} line 1: unexpected header`);
  }
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split("\t");
    const bad = (why: string) => new SyntaxError(`Cannot parse ${BARS_TSV} line ${i + 1}: ${why}`);
    if (f.length !== HEADER.length) throw bad(`${f.length} fields, expected ${HEADER.length}`);
    const w = f[0];
    if (w !== "reference" && w !== "current") throw bad(`window "${w}"`);
    out[w].push(parseBarCells(f.slice(1), bad));
  }
  return out;
}
