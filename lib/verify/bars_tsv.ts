// Stored bars as TSV lines in an evidence folder, so a proof can be judged again offline from the bars it
// read: every field of a closed bar, numbers in full precision (JavaScript's shortest round-trip form, read
// back to the same bits), null features empty. The drift report's bars.tsv puts a window column first;
// the backtest's has none. Pure.
import { FEATURE_KEYS } from "../features/feature_set.ts";
import type { ClosedBar, Features } from "../market/types.ts";

const NUMS = ["o", "h", "l", "c", "v", "trades"] as const;
const ORIGINS: readonly string[] = ["trades", "flat", "backfill"] satisfies ClosedBar["origin"][];

/** One bar's columns, in order. */
export const BAR_COLUMNS = ["open_time", ...NUMS, "origin", ...FEATURE_KEYS, "closed_at"] as const;

/** A bar as a line holds it: the stream (venue, symbol, interval) is the file's, not the line's. */
export type BarRow = Omit<ClosedBar, "venue" | "symbol" | "interval">;

export function barCells(b: BarRow): (string | number)[] {
  return [
    b.openTimeMs,
    ...NUMS.map((k) => b[k]),
    b.origin,
    ...FEATURE_KEYS.map((k) => b.features[k] ?? ""),
    b.closedAtMs,
  ];
}

/** BAR_COLUMNS' cells back to a bar; `bad` makes the error naming the line. */
export function parseBarCells(f: readonly string[], bad: (why: string) => SyntaxError): BarRow {
  if (f.length !== BAR_COLUMNS.length) throw bad(`${f.length} bar fields, expected ${BAR_COLUMNS.length}`);
  const num = (j: number) => {
    const x = Number(f[j]);
    if (f[j] === "" || !Number.isFinite(x)) throw bad(`${BAR_COLUMNS[j]} "${f[j]}" is not a number`);
    return x;
  };
  const origin = f[1 + NUMS.length];
  if (!ORIGINS.includes(origin)) throw bad(`origin "${origin}"`);
  const first = 2 + NUMS.length;
  const features = Object.fromEntries(
    FEATURE_KEYS.map((k, j) => [k, f[first + j] === "" ? null : num(first + j)]),
  ) as unknown as Features;
  const at = (k: typeof NUMS[number]) => num(1 + NUMS.indexOf(k));
  return {
    openTimeMs: num(0),
    o: at("o"),
    h: at("h"),
    l: at("l"),
    c: at("c"),
    v: at("v"),
    trades: at("trades"),
    origin: origin as ClosedBar["origin"],
    features,
    closedAtMs: num(BAR_COLUMNS.length - 1),
  };
}

/** A file of bars with no lead column (the backtest's bars.tsv). */
export function renderBarsTsv(bars: readonly BarRow[]): string {
  return [BAR_COLUMNS.join("\t"), ...bars.map((b) => barCells(b).join("\t"))].join("\n") + "\n";
}

/** renderBarsTsv's file back, oldest first as written; throws SyntaxError naming `file` and the line. */
export function parseBarsTsv(text: string, file: string): BarRow[] {
  const lines = text.split("\n").filter((l) => l !== "");
  if (lines[0] !== BAR_COLUMNS.join("\t")) {
    throw new SyntaxError(`Cannot parse ${file} line 1: unexpected header`);
  }
  return lines.slice(1).map((l, i) =>
    parseBarCells(l.split("\t"), (why) => new SyntaxError(`Cannot parse ${file} line ${i + 2}: ${why}`))
  );
}
