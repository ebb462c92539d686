// bars.tsv: the stored bars a drift report judged, as read from the store (both windows), so the
// report can be judged again offline from its own folder. Numbers are written in full precision
// (JavaScript's shortest round-trip form) and read back to the same bits; null features are empty.
import { DRIFT_FILES } from "../evidence/gate_sources.ts";
import { FEATURE_KEYS } from "../features/feature_set.ts";
import type { ClosedBar, Features } from "../market/types.ts";
import type { DriftBar } from "../drift/drift_features.ts";

export const BARS_TSV = DRIFT_FILES.bars;
export type DriftWindow = "reference" | "current";

const NUMS = ["o", "h", "l", "c", "v", "trades"] as const;
const HEADER = ["window", "open_time", ...NUMS, "origin", ...FEATURE_KEYS, "closed_at"];

export function renderBarsTsv(windows: Readonly<Record<DriftWindow, readonly ClosedBar[]>>): string {
  const rows = [HEADER.join("\t")];
  for (const w of ["reference", "current"] as const) {
    for (const b of windows[w]) {
      rows.push(
        [
          w,
          b.openTimeMs,
          ...NUMS.map((k) => b[k]),
          b.origin,
          ...FEATURE_KEYS.map((k) => b.features[k] ?? ""),
          b.closedAtMs,
        ].join("\t"),
      );
    }
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
    const num = (j: number) => {
      const x = Number(f[j]);
      if (f[j] === "" || !Number.isFinite(x)) throw bad(`${HEADER[j]} "${f[j]}" is not a number`);
      return x;
    };
    const feat = (k: number) => (f[k] === "" ? null : num(k));
    const first = 3 + NUMS.length;
    const features = Object.fromEntries(
      FEATURE_KEYS.map((k, j) => [k, feat(first + j)]),
    ) as unknown as Features;
    out[w].push({
      openTimeMs: num(1),
      c: num(2 + NUMS.indexOf("c")),
      v: num(2 + NUMS.indexOf("v")),
      features,
    });
  }
  return out;
}
