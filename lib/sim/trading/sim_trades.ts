// The hook between the public market and the trading engine: the simulator's own Binance trades
// (the ones the feed receives) become the prints resting orders are matched against.
import { venueSymbol } from "../instruments.ts";
import type { SimTrade } from "../market.ts";
import { record, type TradingContext } from "./rest_orders.ts";
import type { OrderEvent, Print } from "./types.ts";

/** A Binance trade as a print; null for other venues (the paper account trades on Binance only). */
export function printOf(t: SimTrade): Print | null {
  if (t.venue !== "binance") return null;
  return {
    symbol: venueSymbol("binance", t.inst),
    priceTicks: t.priceTicks,
    sizeLots: t.sizeLots,
    side: t.side,
    timeMs: t.timeMs,
  };
}

/** Matches one delivered trade; its events go to the truth and `onEvents` like any other change. */
export function matchTrade(ctx: TradingContext, t: SimTrade): readonly OrderEvent[] {
  const p = printOf(t);
  if (!p) return [];
  const events = ctx.engine.onTrade(p);
  record(ctx, events);
  return events;
}
