// The simulated spot symbols as the trading side sees them: tick and lot from the instrument, the
// exchangeInfo filters an order must pass, and the symbol object exchangeInfo returns.
import type { SymbolFilters } from "../../market/exchange_filters.ts";
import { type Instrument, venueSymbol } from "../instruments.ts";
import { formatAtoms, pow10 } from "./decimal.ts";

export interface SpotSymbol {
  /** Binance spelling, e.g. BTCUSDT. */
  readonly name: string;
  readonly base: string;
  readonly quote: string;
  readonly priceDecimals: number;
  readonly sizeDecimals: number;
  /** Atoms (1e-8) per price tick and per lot. */
  readonly tickAtoms: number;
  readonly lotAtoms: number;
  /** Quote atoms per (tick x lot): a fill's quote amount is ticks * lots * quoteScale. */
  readonly quoteScale: number;
  readonly maxPriceAtoms: number;
  readonly maxQtyAtoms: number;
  readonly minNotionalAtoms: number;
  readonly maxNotionalAtoms: number;
}

/** Filter limits shared by every simulated symbol (Binance's common USDT-pair values). */
export interface FilterLimits {
  readonly minNotional: number;
  readonly maxNotional: number;
  readonly maxPrice: number;
  readonly maxQty: number;
}

export const DEFAULT_LIMITS: FilterLimits = {
  minNotional: 5,
  maxNotional: 9_000_000,
  maxPrice: 1_000_000,
  maxQty: 9_000,
};

export function spotSymbol(inst: Instrument, limits: FilterLimits = DEFAULT_LIMITS): SpotSymbol {
  const pd = inst.priceDecimals, sd = inst.sizeDecimals;
  if (pd + sd > 8) throw new RangeError(`Cannot trade ${inst.symbol}: price and size decimals exceed 8`);
  return {
    name: venueSymbol("binance", inst),
    base: inst.base,
    quote: inst.quote,
    priceDecimals: pd,
    sizeDecimals: sd,
    tickAtoms: pow10(8 - pd),
    lotAtoms: pow10(8 - sd),
    quoteScale: pow10(8 - pd - sd),
    maxPriceAtoms: limits.maxPrice * 1e8,
    maxQtyAtoms: limits.maxQty * 1e8,
    minNotionalAtoms: limits.minNotional * 1e8,
    maxNotionalAtoms: limits.maxNotional * 1e8,
  };
}

/** The filters exchangeInfoSymbol() publishes, as the shared check reads them. */
export function symbolFilters(s: SpotSymbol): SymbolFilters {
  return {
    minPrice: s.tickAtoms,
    maxPrice: s.maxPriceAtoms,
    tickSize: s.tickAtoms,
    minQty: s.lotAtoms,
    maxQty: s.maxQtyAtoms,
    stepSize: s.lotAtoms,
    marketMinQty: 0,
    marketMaxQty: s.maxQtyAtoms,
    marketStepSize: 0,
    minNotional: s.minNotionalAtoms,
    maxNotional: s.maxNotionalAtoms,
    applyMinToMarket: true,
    applyMaxToMarket: false,
  };
}

export const ORDER_TYPES = ["LIMIT", "LIMIT_MAKER", "MARKET"] as const;

/** The symbol entry of GET /api/v3/exchangeInfo (the fields orders depend on). */
export function exchangeInfoSymbol(s: SpotSymbol): Record<string, unknown> {
  return {
    symbol: s.name,
    status: "TRADING",
    baseAsset: s.base,
    baseAssetPrecision: 8,
    quoteAsset: s.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: [...ORDER_TYPES],
    icebergAllowed: false,
    ocoAllowed: false,
    otoAllowed: false,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: false,
    cancelReplaceAllowed: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      {
        filterType: "PRICE_FILTER",
        minPrice: formatAtoms(s.tickAtoms),
        maxPrice: formatAtoms(s.maxPriceAtoms),
        tickSize: formatAtoms(s.tickAtoms),
      },
      {
        filterType: "LOT_SIZE",
        minQty: formatAtoms(s.lotAtoms),
        maxQty: formatAtoms(s.maxQtyAtoms),
        stepSize: formatAtoms(s.lotAtoms),
      },
      {
        filterType: "MARKET_LOT_SIZE",
        minQty: "0.00000000",
        maxQty: formatAtoms(s.maxQtyAtoms),
        stepSize: "0.00000000",
      },
      {
        filterType: "NOTIONAL",
        minNotional: formatAtoms(s.minNotionalAtoms),
        applyMinToMarket: true,
        maxNotional: formatAtoms(s.maxNotionalAtoms),
        applyMaxToMarket: false,
        avgPriceMins: 0,
      },
    ],
    permissions: [],
    permissionSets: [["SPOT"]],
    defaultSelfTradePreventionMode: "EXPIRE_MAKER",
    allowedSelfTradePreventionModes: ["NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
  };
}
