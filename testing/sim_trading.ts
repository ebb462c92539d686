// Builders for the trading simulator's unit tests: one BTCUSDT engine, orders and prints by ticks
// and lots (BTCUSDT: tick 0.01 = 1e6 atoms, lot 0.000001 BTC = 100 atoms; quote atoms = ticks * lots).
import { instrument } from "../lib/sim/instruments.ts";
import { type EngineConfig, MatchingEngine, type PlaceResult } from "../lib/sim/trading/engine.ts";
import type { VenueError } from "../lib/sim/trading/errors.ts";
import { spotSymbol } from "../lib/sim/trading/symbols.ts";
import type { NewOrder, Print } from "../lib/sim/trading/types.ts";

export const BTC = spotSymbol(instrument("BTC-USDT"));

/** Whole units as atoms. */
export const units = (n: number): number => n * 1e8;

/** Account "a": 10,000 USDT and 1 BTC, maker 10 bps, taker 20 bps; 5 bps slippage, unlimited takers. */
export function engine(over: Partial<EngineConfig> = {}): MatchingEngine {
  return new MatchingEngine({
    symbols: [BTC],
    accounts: {
      a: { balances: { USDT: units(10_000), BTC: units(1) }, makerRate: 100_000, takerRate: 200_000 },
    },
    slippageBps: 5,
    takerLiquidity: "unlimited",
    ...over,
  });
}

/** A GTC buy of 0.01 BTC at 60000.00 unless overridden. */
export function order(o: Partial<NewOrder> = {}): NewOrder {
  return {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    priceTicks: 6_000_000,
    qtyLots: 10_000,
    quoteOrderQtyAtoms: 0,
    clientOrderId: null,
    respType: "FULL",
    ...o,
  };
}

/** A public BTCUSDT print; `side` is the aggressor's. */
export const print = (priceTicks: number, sizeLots: number, side: "buy" | "sell", timeMs = 1000): Print => ({
  symbol: "BTCUSDT",
  priceTicks,
  sizeLots,
  side,
  timeMs,
});

/** The place result, or a throw naming the refusal. */
export function placed(r: PlaceResult | VenueError): PlaceResult {
  if ("code" in r) throw new Error(`refused: ${r.code} ${r.msg}`);
  return r;
}

/** Account a's balances, sorted by asset. */
export const balances = (e: MatchingEngine) => e.accounts.get("a")!.list();
