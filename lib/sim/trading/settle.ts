// A fill's effect on an order and its account, Binance's way: the buyer receives base and pays the
// commission in base, the seller receives quote and pays it in quote; maker or taker rate by role.
// A buy filled below its limit gets the unused part of its lock back at once. The amounts themselves
// come from the fill model (fill_model.ts), which the backtest shares.
import type { Account } from "./accounts.ts";
import { fillAmounts, quoteOf } from "./fill_model.ts";
import type { SpotSymbol } from "./symbols.ts";
import type { SimFill, SimOrder } from "./types.ts";

/** Atoms an order must lock for `lots` more (quote at `ticks` for a buy, base for a sell). */
export function lockFor(s: SpotSymbol, side: SimOrder["side"], ticks: number, lots: number): number {
  return side === "BUY" ? quoteOf(s, ticks, lots) : lots * s.lotAtoms;
}

/** Applies one fill: order counters, status, balances. Returns the myTrades row. */
export function applyFill(
  s: SpotSymbol,
  acct: Account,
  o: SimOrder,
  fill: { priceTicks: number; lots: number; maker: boolean; id: number; time: number },
): SimFill {
  const rate = fill.maker ? acct.makerRate : acct.takerRate;
  const buy = o.side === "BUY";
  const { quote, commission, paid, received } = fillAmounts(s, o.side, fill.priceTicks, fill.lots, rate);
  acct.settle(
    { asset: buy ? s.quote : s.base, atoms: paid, fromLocked: true },
    { asset: buy ? s.base : s.quote, atoms: received },
    fill.time,
  );
  o.lockedAtoms -= paid;
  o.executedLots += fill.lots;
  o.cumQuoteAtoms += quote;
  o.updateTime = fill.time;
  o.status = o.executedLots === o.origQtyLots ? "FILLED" : "PARTIALLY_FILLED";
  // What the rest still needs; a buy filled below its limit releases the difference now.
  const need = o.status === "FILLED"
    ? 0
    : o.type === "MARKET"
    ? o.lockedAtoms
    : lockFor(s, o.side, o.priceTicks, o.origQtyLots - o.executedLots);
  if (o.lockedAtoms > need) {
    acct.unlock(buy ? s.quote : s.base, o.lockedAtoms - need, fill.time);
    o.lockedAtoms = need;
  }
  return {
    account: o.account,
    symbol: o.symbol,
    id: fill.id,
    orderId: o.orderId,
    priceTicks: fill.priceTicks,
    qtyLots: fill.lots,
    quoteAtoms: quote,
    commissionAtoms: commission,
    commissionAsset: buy ? s.base : s.quote,
    time: fill.time,
    isBuyer: buy,
    isMaker: fill.maker,
  };
}

/** Ends an order (CANCELED / EXPIRED): its remaining lock goes back to free. */
export function release(s: SpotSymbol, acct: Account, o: SimOrder, time: number): void {
  acct.unlock(o.side === "BUY" ? s.quote : s.base, o.lockedAtoms, time);
  o.lockedAtoms = 0;
  o.updateTime = time;
}
