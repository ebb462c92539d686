// Canonical symbols (`BASE-QUOTE`) and each venue's spelling of them, both ways.
// Venue forms (docs/venues.md): Binance/Bybit `BTCUSDT` (Binance stream names lower case),
// OKX `BTC-USDT`, Kraken v2 `BTC/USDT`, Kraken v1 `XBT/USDT`.
import type { SymbolName, Venue } from "../market/types.ts";

/** Quote assets tried as suffixes of concatenated symbols, longest first so `BUSD` wins over `USD`. */
export const QUOTE_ASSETS: readonly string[] = [
  "FDUSD",
  "USDT",
  "USDC",
  "BUSD",
  "TUSD",
  "USDE",
  "EURI",
  "USD",
  "EUR",
  "GBP",
  "JPY",
  "TRY",
  "BRL",
  "AUD",
  "BTC",
  "ETH",
  "BNB",
  "DAI",
  "XBT",
].sort((a, b) => b.length - a.length);

/** Venue asset codes that differ from the canonical ones (Kraken legacy names). */
const ALIASES: Readonly<Record<string, string>> = { XBT: "BTC", XDG: "DOGE" };
const KRAKEN_V1: Readonly<Record<string, string>> = { BTC: "XBT", DOGE: "XDG" };

const ASSET = /^[A-Z0-9]{1,20}$/;

function asset(code: string): string {
  const up = code.toUpperCase();
  return ALIASES[up] ?? up;
}

/** Splits a concatenated pair (`BTCUSDT`) on a known quote suffix; null when none fits. */
function splitConcat(s: string): [string, string] | null {
  const up = s.toUpperCase();
  for (const q of QUOTE_ASSETS) {
    if (up.length > q.length && up.endsWith(q)) return [up.slice(0, -q.length), q];
  }
  return null;
}

/** Base and quote of a canonical symbol. */
export function splitSymbol(symbol: SymbolName): { base: string; quote: string } {
  const i = symbol.indexOf("-");
  return { base: symbol.slice(0, i), quote: symbol.slice(i + 1) };
}

/**
 * Parses a configured symbol: `BTC-USDT`, `BTCUSDT`, `btcusdt`, `BTC/USDT` or `XBT/USD`.
 * Throws RangeError with one clear line when it is not a pair we can read.
 */
export function parseSymbol(raw: string): SymbolName {
  const s = raw.trim();
  const parts = s.includes("-") ? s.split("-") : s.includes("/") ? s.split("/") : splitConcat(s);
  if (
    !parts || parts.length !== 2 || !ASSET.test(parts[0].toUpperCase()) || !ASSET.test(parts[1].toUpperCase())
  ) {
    throw new RangeError(
      `Cannot parse symbol "${raw}": expected BASE-QUOTE (BTC-USDT) or BASEQUOTE with a known quote (${
        QUOTE_ASSETS.join(", ")
      })`,
    );
  }
  return `${asset(parts[0])}-${asset(parts[1])}`;
}

/** Parses a comma-separated symbol list (config SYMBOLS), de-duplicated, order kept. */
export function parseSymbolList(raw: string): SymbolName[] {
  const out: SymbolName[] = [];
  for (const part of raw.split(",")) {
    if (part.trim() === "") continue;
    const sym = parseSymbol(part);
    if (!out.includes(sym)) out.push(sym);
  }
  return out;
}

export interface VenueSymbolOptions {
  /** Kraken WebSocket v1 / REST wsname spelling (`XBT/USD`); default is v2 (`BTC/USD`). */
  readonly krakenV1?: boolean;
  /** Binance stream-name spelling (lower case, `btcusdt`). */
  readonly binanceStream?: boolean;
}

/** The venue's spelling of a canonical symbol. */
export function toVenueSymbol(venue: Venue, symbol: SymbolName, opts: VenueSymbolOptions = {}): string {
  const { base, quote } = splitSymbol(symbol);
  switch (venue) {
    case "binance":
      return opts.binanceStream ? `${base}${quote}`.toLowerCase() : `${base}${quote}`;
    case "bybit":
      return `${base}${quote}`;
    case "okx":
      return `${base}-${quote}`;
    case "kraken":
      return opts.krakenV1 ? `${KRAKEN_V1[base] ?? base}/${KRAKEN_V1[quote] ?? quote}` : `${base}/${quote}`;
  }
}

// Per-trade hot path: venue symbols repeat, so parse each spelling once.
const cache = new Map<string, SymbolName | null>();

/**
 * The canonical symbol for a venue's spelling, or null when it is not a spot pair we can read
 * (e.g. OKX `BTC-USDT-SWAP`, `BTC-USD-220624`: derivative sizes are contracts, not base units).
 */
export function fromVenueSymbol(venue: Venue, venueSymbol: string): SymbolName | null {
  const key = `${venue}|${venueSymbol}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let parts: string[] | null;
  switch (venue) {
    case "binance":
    case "bybit":
      parts = splitConcat(venueSymbol);
      break;
    case "okx":
      parts = venueSymbol.split("-");
      break;
    case "kraken":
      parts = venueSymbol.split("/");
      break;
  }
  const ok = parts !== null && parts.length === 2 && ASSET.test(parts[0]) && ASSET.test(parts[1]);
  const sym = ok ? `${asset(parts![0])}-${asset(parts![1])}` : null;
  if (cache.size < 10_000) cache.set(key, sym);
  return sym;
}
