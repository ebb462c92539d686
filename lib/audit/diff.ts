// `evidence diff A B`: two folders' gate values side by side, what changed and by how much.
import type { GateValue } from "../evidence/kinds.ts";
import { fmtNum } from "../verify/gates.ts";

export interface GateChange {
  readonly key: string;
  readonly a: GateValue | null;
  readonly b: GateValue | null;
  /** `same`, `added`, `removed`, `PASS -> FAIL`, `+2`, `-0.5`, or both joined by `, `. */
  readonly change: string;
}

export const gateCell = (g: GateValue | null) =>
  g === null ? "-" : g.value === null ? g.status : `${g.status} ${fmtNum(g.value)}`;

/** Gates in A's order, then those only B has. Pure. */
export function diffGates(a: readonly GateValue[], b: readonly GateValue[]): GateChange[] {
  const inB = new Map(b.map((g) => [g.key, g]));
  const keys = [...a.map((g) => g.key), ...b.map((g) => g.key).filter((k) => !a.some((g) => g.key === k))];
  return keys.map((key) => {
    const x = a.find((g) => g.key === key) ?? null, y = inB.get(key) ?? null;
    if (!x) return { key, a: x, b: y, change: "added" };
    if (!y) return { key, a: x, b: y, change: "removed" };
    const parts: string[] = [];
    if (x.status !== y.status) parts.push(`${x.status} -> ${y.status}`);
    if (x.value !== null && y.value !== null && x.value !== y.value) {
      const d = y.value - x.value;
      parts.push(`${d > 0 ? "+" : ""}${fmtNum(d)}`);
    } else if ((x.value === null) !== (y.value === null)) parts.push("value appeared or vanished");
    return { key, a: x, b: y, change: parts.join(", ") || "same" };
  });
}
