// The paper fill model, pure: the price a taker pays and what one fill moves (quote, base, commission),
// Binance's way. The matching engine (engine.ts, settle.ts) and the backtest (lib/backtest) both price
// and settle fills here, so a backtest's MARKET fill is the simulator's by construction, not by copy.
import { mulAtoms } from "./decimal.ts";
import type { SpotSymbol } from "./symbols.ts";
import type { OrderSide } from "./types.ts";

/** Quote atoms of `lots` at `ticks`. */
export function quoteOf(s: SpotSymbol, ticks: number, lots: number): number {
  const q = ticks * lots * s.quoteScale;
  if (!Number.isSafeInteger(q)) throw new RangeError(`Cannot price ${lots} lots at ${ticks} ticks exactly`);
  return q;
}

/**
 * What a taker pays: the last print moved `slippageBps` (whole bps) against it, rounded to a whole tick
 * against the taker too (a buy up, a sell down, never below one tick).
 */
export function takerPriceTicks(lastTicks: number, side: OrderSide, slippageBps: number): number {
  return side === "BUY"
    ? Math.ceil((lastTicks * (10_000 + slippageBps)) / 10_000)
    : Math.max(1, Math.floor((lastTicks * (10_000 - slippageBps)) / 10_000));
}

/** What one fill moves, in atoms: the buyer pays quote and receives base less the commission (in base). */
export interface FillAmounts {
  /** Quote atoms of the fill (lots at the price). */
  readonly quote: number;
  /** Base atoms of the fill. */
  readonly base: number;
  /** Commission atoms, charged on what the side receives. */
  readonly commission: number;
  /** The asset the commission is in: base for a buy, quote for a sell. */
  readonly commissionIn: "base" | "quote";
  /** Atoms the side pays (quote for a buy, base for a sell). */
  readonly paid: number;
  /** Atoms the side receives after the commission (base for a buy, quote for a sell). */
  readonly received: number;
}

/** A fill of `lots` at `priceTicks` for `side` at commission `rate` (atoms of a unit: 0.001 = 100_000). */
export function fillAmounts(
  s: SpotSymbol,
  side: OrderSide,
  priceTicks: number,
  lots: number,
  rate: number,
): FillAmounts {
  const quote = quoteOf(s, priceTicks, lots);
  const base = lots * s.lotAtoms;
  const buy = side === "BUY";
  const gross = buy ? base : quote;
  const commission = mulAtoms(gross, rate);
  return {
    quote,
    base,
    commission,
    commissionIn: buy ? "base" : "quote",
    paid: buy ? quote : base,
    received: gross - commission,
  };
}
