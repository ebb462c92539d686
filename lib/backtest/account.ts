// The backtest's paper account: quote and base balances in atoms, settled by the simulator's fill model
// (lib/sim/trading/fill_model.ts) exactly as the matching engine settles a MARKET fill, plus the books a
// summary needs: the base held at its cost (average cost, fill prices), realised PnL and fees (both in
// quote atoms; a buy's commission is paid in base and valued at its fill price).
import { fillAmounts, takerPriceTicks } from "../sim/trading/fill_model.ts";
import type { SpotSymbol } from "../sim/trading/symbols.ts";
import type { OrderSide } from "../sim/trading/types.ts";

/** How the simulator fills the MARKET orders paper mode sends (its flags --taker-fee, --slippage-bps). */
export interface FillConfig {
  /** The simulator's symbol: tick, lot and the quote scale. */
  readonly symbol: SpotSymbol;
  /** Taker commission rate in atoms of a unit (0.001 = 100_000), the simulator's account rate. */
  readonly takerRate: number;
  /** Whole bps a taker pays beyond the last print. */
  readonly slippageBps: number;
}

export interface Account {
  /** Balances in atoms (exact, as the simulator keeps them). */
  readonly quote: number;
  readonly base: number;
  /** What the base held cost, in quote atoms at fill prices (commission excluded: it is a fee). */
  readonly cost: number;
  /** Realised PnL before fees, quote atoms. */
  readonly realised: number;
  /** Every commission, valued in quote atoms. */
  readonly fees: number;
}

export const openAccount = (quoteAtoms: number): Account => ({
  quote: quoteAtoms,
  base: 0,
  cost: 0,
  realised: 0,
  fees: 0,
});

/** One MARKET fill as the simulator would make it, and what it did to the books. */
export interface Fill {
  readonly side: OrderSide;
  readonly lots: number;
  /** Base atoms filled. */
  readonly qty: number;
  readonly priceTicks: number;
  /** Quote atoms of the fill. */
  readonly quote: number;
  /** Commission atoms in the commission asset (base for a buy, quote for a sell). */
  readonly commission: number;
  readonly commissionIn: "base" | "quote";
  /** The commission valued in quote atoms. */
  readonly fee: number;
  /** A sell's realised PnL before fees (its price against the average cost); 0 for a buy. */
  readonly realised: number;
}

/**
 * The last print as whole ticks of the symbol (a stored close is a float in quote units; a real venue's
 * finer price rounds to the simulator's tick, as the simulator would only ever print on it).
 */
export const ticksOf = (s: SpotSymbol, price: number): number => Math.round(price * 1e8 / s.tickAtoms);
/** Ticks back to quote units per base unit. */
export const priceOf = (s: SpotSymbol, ticks: number): number => ticks * s.tickAtoms / 1e8;

/**
 * A MARKET order of `lots` against the last print `lastTicks`: the fill and the account after it, or
 * null when the account cannot pay (the simulator refuses it: insufficient balance).
 */
export function marketFill(
  a: Account,
  side: OrderSide,
  lots: number,
  lastTicks: number,
  f: FillConfig,
): { readonly fill: Fill; readonly account: Account } | null {
  const s = f.symbol;
  const priceTicks = takerPriceTicks(lastTicks, side, f.slippageBps);
  const m = fillAmounts(s, side, priceTicks, lots, f.takerRate);
  const price = priceOf(s, priceTicks);
  if (side === "BUY") {
    if (m.paid > a.quote) return null;
    const fee = m.commission * price;
    const fill: Fill = { side, lots, qty: m.base, priceTicks, ...amounts(m), fee, realised: 0 };
    return {
      fill,
      account: {
        quote: a.quote - m.paid,
        base: a.base + m.received,
        cost: a.cost + m.received * price,
        realised: a.realised,
        fees: a.fees + fee,
      },
    };
  }
  if (m.paid > a.base) return null;
  const soldCost = a.base === 0 ? 0 : a.cost * m.paid / a.base;
  const realised = m.quote - soldCost;
  const fill: Fill = { side, lots, qty: m.base, priceTicks, ...amounts(m), fee: m.commission, realised };
  return {
    fill,
    account: {
      quote: a.quote + m.received,
      base: a.base - m.paid,
      cost: a.base === m.paid ? 0 : a.cost - soldCost,
      realised: a.realised + realised,
      fees: a.fees + m.commission,
    },
  };
}

const amounts = (m: ReturnType<typeof fillAmounts>) => ({
  quote: m.quote,
  commission: m.commission,
  commissionIn: m.commissionIn,
});

/** Equity in quote atoms with the base marked at `price` (quote units per base unit). */
export const equityOf = (a: Account, price: number): number => a.quote + a.base * price;
/** Unrealised PnL of the base held, marked at `price`, quote atoms. */
export const unrealisedOf = (a: Account, price: number): number => a.base * price - a.cost;
