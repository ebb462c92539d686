// What the simulator knows about a symbol: a realistic start price, tick and lot decimals, and each
// venue's spelling. Prices and sizes are kept as integers of ticks and lots so every sum is exact.
import type { SymbolName, Venue } from "../market/types.ts";

export interface Instrument {
  readonly symbol: SymbolName;
  readonly base: string;
  readonly quote: string;
  /** Start price in quote units. */
  readonly startPrice: number;
  /** Decimals of the price tick (2 -> 0.01). */
  readonly priceDecimals: number;
  /** Decimals of the size lot (6 -> 0.000001). */
  readonly sizeDecimals: number;
  /** Mean trade size in base units (log-normal around it). */
  readonly meanSize: number;
}

const KNOWN: Readonly<Record<string, readonly [number, number, number, number]>> = {
  // base: [start price, price decimals, size decimals, mean size]
  BTC: [60_000, 2, 6, 0.02],
  ETH: [3_000, 2, 4, 0.3],
  SOL: [150, 2, 3, 5],
  XRP: [0.6, 4, 1, 800],
  DOGE: [0.15, 5, 0, 3000],
};

/** Instrument for a canonical `BASE-QUOTE` symbol; unknown bases trade around 100. */
export function instrument(symbol: SymbolName): Instrument {
  const m = /^([A-Z0-9]{1,20})-([A-Z0-9]{1,20})$/.exec(symbol);
  if (!m) throw new RangeError(`Cannot use symbol "${symbol}": expected BASE-QUOTE, e.g. BTC-USDT`);
  const [startPrice, priceDecimals, sizeDecimals, meanSize] = KNOWN[m[1]] ?? [100, 2, 3, 2];
  return { symbol, base: m[1], quote: m[2], startPrice, priceDecimals, sizeDecimals, meanSize };
}

const KRAKEN_REST_ASSET: Readonly<Record<string, string>> = { BTC: "XBT", DOGE: "XDG" };

/** The venue's wire spelling of a symbol (stream names for Binance are the lower-case form). */
export function venueSymbol(venue: Venue, inst: Instrument): string {
  switch (venue) {
    case "binance":
    case "bybit":
      return inst.base + inst.quote;
    case "okx":
      return `${inst.base}-${inst.quote}`;
    case "kraken":
      return `${inst.base}/${inst.quote}`;
  }
}

/** Kraken REST pair name (altname), e.g. XBTUSDT. */
export function krakenRestPair(inst: Instrument): string {
  return (KRAKEN_REST_ASSET[inst.base] ?? inst.base) + inst.quote;
}

/** Formats an integer of 10^-decimals units as a fixed-point string ("6000012", 2 -> "60000.12"). */
export function formatScaled(units: number, decimals: number): string {
  const neg = units < 0;
  const digits = String(Math.abs(Math.round(units)));
  if (decimals === 0) return (neg ? "-" : "") + digits;
  const padded = digits.padStart(decimals + 1, "0");
  const s = padded.slice(0, -decimals) + "." + padded.slice(-decimals);
  return neg ? "-" + s : s;
}

/** Like formatScaled, padded to `width` decimals (Binance prints 8). */
export function formatPadded(units: number, decimals: number, width: number): string {
  const s = formatScaled(units, decimals);
  if (width <= decimals) return s;
  return (decimals === 0 ? s + "." : s) + "0".repeat(width - decimals);
}

/** Like formatScaled without trailing zeros ("60000.10" -> "60000.1", "5.00" -> "5"). */
export function formatTrimmed(units: number, decimals: number): string {
  const s = formatScaled(units, decimals);
  return decimals === 0 ? s : s.replace(/\.?0+$/, "");
}
