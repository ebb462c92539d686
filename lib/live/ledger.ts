// Balances and equity from the OMS alone: the venue balances at the first start (the baseline, kept in
// the state dir) plus what the OMS's fills moved (base by the position, quote by realized - cost, fees
// per asset). Compared with the venue's balances at reconciliation, and marked at the last closes for
// equity. Pure except the baseline file (atomic, durable).
import { join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.ts";
import type { OmsBook } from "../oms/book.ts";
import { toAtoms } from "../oms/venue_map.ts";
import { mulDiv, unrealized } from "../oms/position.ts";
import type { Balance } from "../trading/venue.ts";
import type { SymbolSpec } from "./config.ts";
import type { EquityView, PositionView } from "./loop_view.ts";

export const BASELINE_FILE = "balances_baseline.json";
const ATOMS = 100_000_000;

/** Asset -> atoms (free + locked). */
export type Holdings = Readonly<Record<string, number>>;

/** The venue's balances as total atoms per asset, or the problem. */
export function holdingsOf(bs: readonly Balance[]): Holdings | string {
  const out: Record<string, number> = {};
  for (const b of bs) {
    const free = toAtoms(b.free, `${b.asset} free`), locked = toAtoms(b.locked, `${b.asset} locked`);
    if (typeof free === "string") return free;
    if (typeof locked === "string") return locked;
    out[b.asset] = free + locked;
  }
  return out;
}

export async function loadBaseline(dir: string): Promise<Holdings | null> {
  try {
    return JSON.parse(await Deno.readTextFile(join(dir, BASELINE_FILE))).holdings as Holdings;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

export async function saveBaseline(dir: string, h: Holdings, atMs: number): Promise<void> {
  await writeFileAtomic(join(dir, BASELINE_FILE), JSON.stringify({ atMs, holdings: h }) + "\n", {
    durable: true,
  });
}

export const CURSOR_FILE = "trade_cursor.json";
/** Symbol -> the first trade id reconciliation fetches: every fill before it is in the book (or history). */
export type TradeCursor = Readonly<Record<string, number>>;

export async function loadCursor(dir: string): Promise<TradeCursor | null> {
  try {
    const c = JSON.parse(await Deno.readTextFile(join(dir, CURSOR_FILE)));
    return c && typeof c === "object" ? c : null;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof SyntaxError) return null;
    throw err;
  }
}

export async function saveCursor(dir: string, c: TradeCursor): Promise<void> {
  await writeFileAtomic(join(dir, CURSOR_FILE), JSON.stringify(c) + "\n", { durable: true });
}

/** The holdings of the traded assets the OMS expects: baseline + fills - fees. */
export function expectedHoldings(book: OmsBook, baseline: Holdings, symbols: readonly SymbolSpec[]) {
  const out: Record<string, number> = {};
  const add = (a: string, n: number) => out[a] = (out[a] ?? baseline[a] ?? 0) + n;
  for (const s of symbols) {
    const p = book.position(s.symbol);
    add(s.base, p.qty);
    add(s.quote, p.realized - p.cost);
  }
  for (const [asset, fee] of book.fees()) if (asset in out) out[asset] -= fee;
  return out;
}

/** One line per traded asset whose venue holding differs from the OMS's expectation. */
export function holdingDiffs(expected: Holdings, venue: Holdings): string[] {
  return Object.keys(expected).sort().flatMap((a) =>
    (venue[a] ?? 0) === expected[a] ? [] : [`${a}: venue ${venue[a] ?? 0} atoms, OMS expects ${expected[a]}`]
  );
}

/** Positions with unrealized PnL at the marks (quote atoms per whole base unit). */
export function positionViews(
  book: OmsBook,
  symbols: readonly SymbolSpec[],
  marks: ReadonlyMap<string, number>,
): PositionView[] {
  return symbols.map((s) => {
    const p = book.position(s.symbol), mark = marks.get(s.symbol) ?? null;
    return { symbol: s.symbol, ...p, mark, unrealized: mark === null ? null : unrealized(p, mark) };
  });
}

/**
 * Equity in quote atoms: every expected holding valued at its mark (the quote asset at 1: checkLiveConfig
 * allows one quote asset only); null if unmarked.
 */
export function equityOf(
  expected: Holdings,
  symbols: readonly SymbolSpec[],
  marks: ReadonlyMap<string, number>,
): number | null {
  const quotes = new Set(symbols.map((s) => s.quote));
  let eq = 0;
  for (const [asset, qty] of Object.entries(expected)) {
    if (quotes.has(asset)) {
      eq += qty;
      continue;
    }
    if (qty === 0) continue;
    const mark = marks.get(symbols.find((s) => s.base === asset)?.symbol ?? "");
    if (mark === undefined) return null;
    eq += mulDiv(qty, mark, ATOMS);
  }
  return eq;
}

export function pnlOf(positions: readonly PositionView[]): Pick<EquityView, "pnlRealized" | "pnlUnrealized"> {
  return {
    pnlRealized: positions.reduce((s, p) => s + p.realized, 0),
    pnlUnrealized: positions.reduce((s, p) => s + (p.unrealized ?? 0), 0),
  };
}
