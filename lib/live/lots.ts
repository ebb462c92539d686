// A closing order's size on the venue's quantity grid. What a long can sell is what the account holds, and a
// fee paid in the base asset leaves that off the lot: sent as it is, the venue refuses it (-1013 LOT_SIZE /
// MARKET_LOT_SIZE) and the position can never be closed. So the loop reads the venue's order filters
// through the connector (at start, cold or warm) and a close is rounded DOWN to them; a MARKET close worth
// less than the venue's minimum notional at the loop's last mark is refused too (-1013 NOTIONAL). What is
// left under the minimums is dust, reported and never sent; what one order may not carry (over the
// maximum quantity) is rest, still to close by more orders. The config's lotAtoms, then 1 atom, stand in
// only while the venue's filters are unknown.
import { cmpNotional, outside, type SymbolFilters } from "../market/exchange_filters.ts";
import type { SymbolSpec } from "./config.ts";
import type { LoopCore } from "./core.ts";
import { EV } from "./counters.ts";

export interface LotOrder {
  readonly type: "MARKET" | "LIMIT";
  /**
   * The loop's last mark (quote atoms per base unit): a MARKET close's notional is judged at it, as the
   * venue judges it at its last price when it applies the minimum to MARKET orders. Null (no mark yet):
   * not judged here, the venue still does. A LIMIT's notional depends on a price the caller sets: not here.
   */
  readonly markAtoms?: number | null;
}

/**
 * The largest quantity ≤ `can` atoms an order passes the venue's quantity filters with, 0 when none does:
 * LOT_SIZE's bounds and grid, and for a MARKET MARKET_LOT_SIZE's too (the venue checks both on a MARKET,
 * as failedFilter does). Each grid counts its steps from its minimum. A MARKET whose notional at the mark
 * is under the minimum (NOTIONAL, when it applies to MARKET orders) is 0 as well: all of it is dust.
 */
export function onLot(can: number, f: SymbolFilters, o: LotOrder): number {
  const grids = [[f.minQty, f.maxQty, f.stepSize]];
  if (o.type === "MARKET") grids.push([f.marketMinQty, f.marketMaxQty, f.marketStepSize]);
  let q = Math.max(0, Math.floor(can));
  // Each pass lowers q onto one grid that refuses it; the venue's nested steps settle in two passes.
  for (let pass = 0; pass < 64 && q > 0; pass++) {
    const g = grids.find(([min, max, step]) => outside(q, min, max, step));
    if (!g) return underMinNotional(q, f, o) ? 0 : q;
    const [min, max, step] = g;
    if (q < min) return 0;
    if (max > 0 && q > max) q = max;
    if (step > 0) q = min + Math.floor((q - min) / step) * step;
  }
  return 0; // grids with no common point under `can`: nothing to send
}

/** A MARKET of `q` atoms is worth less than the venue's minimum at the mark (a smaller q is, too). */
function underMinNotional(q: number, f: SymbolFilters, o: LotOrder): boolean {
  const mark = o.markAtoms ?? null;
  return o.type === "MARKET" && f.applyMinToMarket && mark !== null &&
    cmpNotional(mark, q, f.minNotional) < 0;
}

/**
 * A close of `can` atoms: what one order sends (0: nothing), what further orders of that size (and one
 * for the remainder) still have to close (`rest`: over the venue's maximum quantity, never dust), what
 * no order may send (`dust`: under the minimums), and whose lot sized it. qty + rest + dust = can.
 */
export interface CloseSize {
  readonly qty: number;
  readonly rest: number;
  readonly dust: number;
  readonly lot: "venue" | "config" | "default";
}

export function closeSize(core: LoopCore, sym: SymbolSpec, can: number, type: "MARKET" | "LIMIT"): CloseSize {
  const f = core.venue.symbolFilters(sym.symbol);
  const lot = sym.lotAtoms ?? 1;
  const o = { type, markAtoms: core.marks.get(sym.symbol) ?? null };
  const size = (n: number) => n <= 0 ? 0 : f ? onLot(n, f, o) : Math.floor(n / lot) * lot;
  const qty = size(can), left = Math.max(0, can - qty);
  // Full orders of `qty` (the maximum, when one was clamped to it), then what the remainder allows.
  const full = qty > 0 ? Math.floor(left / qty) * qty : 0;
  const rest = full + size(left - full);
  return { qty, rest, dust: left - rest, lot: f ? "venue" : sym.lotAtoms ? "config" : "default" };
}

/** Some traded symbol has no venue filters (never read, the read failed, or the venue's were unreadable). */
export const filtersMissing = (core: LoopCore): boolean =>
  core.cfg.symbols.some((s) => core.venue.symbolFilters(s.symbol) === null);

/**
 * Reads the venue's filters once: an info line, or a warn naming the lot that stands in per symbol left
 * without (the config's lotAtoms, else 1 atom), logged here once, not at each close.
 *
 * A failed read does not stop the loop (a careful operator's choice, not a block with a /health reason):
 * the filters only size a close, the venue still judges every order by its own (a refusal is a REJECTED
 * order, nothing fills wrong), and a block would also stop the strategy's exits and flatten-on-halt, which
 * a configured lot still sizes right. Each later reconciliation reads them again while some are missing.
 */
export async function readVenueFilters(core: LoopCore): Promise<void> {
  const out = await core.venue.loadFilters();
  const missing = core.cfg.symbols.filter((s) => core.venue.symbolFilters(s.symbol) === null);
  const traded = new Set(core.cfg.symbols.map((s) => s.symbol));
  core.counters.emit(out.kind === "confirmed" && missing.length === 0 ? "info" : "warn", EV.venueFilters, {
    outcome: out.kind,
    ...(out.kind === "confirmed"
      ? { symbols: out.value.symbols, skipped: out.value.skipped.filter((s) => traded.has(s.symbol)) }
      : { error: out.kind === "rejected" ? `${out.reason}: ${out.msg}` : out.cause }),
    standInLots: Object.fromEntries(missing.map((s) => [s.symbol, s.lotAtoms ?? 1])),
  });
}
