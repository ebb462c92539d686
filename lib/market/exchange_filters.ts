// Binance spot's order filters (PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE, NOTIONAL: binance_trading.md),
// one pure check shared by the venue simulator (which answers -1013 "Filter failure: <name>") and the
// connector (which refuses locally, before anything leaves the process). Amounts are atoms (1e-8).
import { ATOMS, parseAtoms } from "./atoms.ts";

export type FilterName = "PRICE_FILTER" | "LOT_SIZE" | "MARKET_LOT_SIZE" | "NOTIONAL";

/** A symbol's filter values in atoms; a step or tick of 0 means no grid, a max of 0 no maximum. */
export interface SymbolFilters {
  readonly minPrice: number;
  readonly maxPrice: number;
  readonly tickSize: number;
  readonly minQty: number;
  readonly maxQty: number;
  readonly stepSize: number;
  readonly marketMinQty: number;
  readonly marketMaxQty: number;
  readonly marketStepSize: number;
  readonly minNotional: number;
  readonly maxNotional: number;
  readonly applyMinToMarket: boolean;
  readonly applyMaxToMarket: boolean;
}

/** The order as the filters see it (atoms; null where the order has no such parameter). */
export interface FilterOrder {
  readonly type: "LIMIT" | "MARKET" | "LIMIT_MAKER";
  readonly price: number | null;
  readonly quantity: number | null;
  readonly quoteOrderQty: number | null;
  /** MARKET notional is checked at this price (the venue's reference); null: not checked. */
  readonly refPrice: number | null;
}

/** `v` is off a filter: under min, over max (0: none), off the step grid counted from min (0: none). */
export function outside(v: number, min: number, max: number, step: number): boolean {
  return v < min || (max > 0 && v > max) || (step > 0 && (v - min) % step !== 0);
}

/** price x quantity (both atoms) against a notional bound (atoms): -1, 0, 1 as below, equal, above. */
export function cmpNotional(price: number, qty: number, bound: number): number {
  const p = BigInt(price) * BigInt(qty), b = BigInt(bound) * BigInt(ATOMS);
  return p < b ? -1 : p > b ? 1 : 0;
}

/** The first filter the order fails, in exchangeInfo order, or null when it passes them all. */
export function failedFilter(f: SymbolFilters, o: FilterOrder): FilterName | null {
  if (o.price !== null && outside(o.price, f.minPrice, f.maxPrice, f.tickSize)) return "PRICE_FILTER";
  if (o.quantity !== null && outside(o.quantity, f.minQty, f.maxQty, f.stepSize)) return "LOT_SIZE";
  if (o.type === "MARKET" && o.quantity !== null) {
    if (outside(o.quantity, f.marketMinQty, f.marketMaxQty, f.marketStepSize)) return "MARKET_LOT_SIZE";
  }
  if (o.type !== "MARKET") {
    if (o.price === null || o.quantity === null) return null;
    const low = cmpNotional(o.price, o.quantity, f.minNotional) < 0;
    const high = f.maxNotional > 0 && cmpNotional(o.price, o.quantity, f.maxNotional) > 0;
    return low || high ? "NOTIONAL" : null;
  }
  const notional = (bound: number) =>
    o.quoteOrderQty !== null
      ? Math.sign(o.quoteOrderQty - bound)
      : o.refPrice !== null && o.quantity !== null
      ? cmpNotional(o.refPrice, o.quantity, bound)
      : 0;
  if (f.applyMinToMarket && notional(f.minNotional) < 0) return "NOTIONAL";
  if (f.applyMaxToMarket && f.maxNotional > 0 && notional(f.maxNotional) > 0) return "NOTIONAL";
  return null;
}

/**
 * A symbol's filters from its exchangeInfo entry's `filters` array; null when one is unreadable. A
 * maximum too large for atoms (PEPE-sized maxQty "92233720368.00000000") reads as no maximum (0): no
 * order this process can express exceeds it. Minimums, steps and ticks too large stay unreadable.
 */
export function filtersFromExchangeInfo(filters: readonly unknown[]): SymbolFilters | null {
  const by = new Map<string, Record<string, unknown>>();
  for (const x of filters) {
    if (
      typeof x === "object" && x !== null && typeof (x as { filterType?: unknown }).filterType === "string"
    ) {
      by.set((x as { filterType: string }).filterType, x as Record<string, unknown>);
    }
  }
  const atoms = (filter: string, key: string): number | null => {
    const v = by.get(filter)?.[key];
    if (v === undefined) return 0; // absent filter: no bound
    const n = typeof v === "string" ? parseAtoms(v) : "illegal";
    if (n === "range" && key.startsWith("max")) return 0;
    return typeof n === "number" ? n : null;
  };
  const notional = by.get("NOTIONAL") ?? by.get("MIN_NOTIONAL");
  const minNotionalKey = notional === by.get("NOTIONAL") ? "NOTIONAL" : "MIN_NOTIONAL";
  const f = {
    minPrice: atoms("PRICE_FILTER", "minPrice"),
    maxPrice: atoms("PRICE_FILTER", "maxPrice"),
    tickSize: atoms("PRICE_FILTER", "tickSize"),
    minQty: atoms("LOT_SIZE", "minQty"),
    maxQty: atoms("LOT_SIZE", "maxQty"),
    stepSize: atoms("LOT_SIZE", "stepSize"),
    marketMinQty: atoms("MARKET_LOT_SIZE", "minQty"),
    marketMaxQty: atoms("MARKET_LOT_SIZE", "maxQty"),
    marketStepSize: atoms("MARKET_LOT_SIZE", "stepSize"),
    minNotional: atoms(minNotionalKey, "minNotional"),
    maxNotional: atoms(minNotionalKey, "maxNotional"),
  };
  if (Object.values(f).some((v) => v === null)) return null;
  return {
    ...(f as { [K in keyof typeof f]: number }),
    // MIN_NOTIONAL (older) says applyToMarket; NOTIONAL applyMinToMarket / applyMaxToMarket.
    applyMinToMarket: notional?.applyMinToMarket === true || notional?.applyToMarket === true,
    applyMaxToMarket: notional?.applyMaxToMarket === true,
  };
}
