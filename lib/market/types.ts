// The normalised market-data types every stage shares (venue -> feed -> strategy).
// Readonly plain data; derived from one `as const` venue list.

export const VENUES = ["binance", "bybit", "okx", "kraken"] as const;
export type Venue = typeof VENUES[number];

export const INTERVALS = { "1m": 60_000, "1h": 3_600_000 } as const;
export type Interval = keyof typeof INTERVALS;

/** Canonical symbol name, `BASE-QUOTE`, e.g. `BTC-USDT` (a venue spells it its own way: venues/symbols.ts). */
export type SymbolName = string;

export type Side = "buy" | "sell";

/** One trade, normalised. `side` is the taker (aggressor) side. */
export interface Trade {
  readonly kind: "trade";
  readonly venue: Venue;
  readonly symbol: SymbolName;
  /** Venue trade id as a string (Kraken/Binance ids can exceed 2^53); "" when the venue has none (Kraken v1). */
  readonly tradeId: string;
  readonly price: number;
  readonly size: number;
  readonly side: Side;
  /** Venue event (match) time, ms since epoch. */
  readonly venueTimeMs: number;
  /** Local receive time, ms since epoch (feed clock). */
  readonly receivedAtMs: number;
}

/** Open time and OHLCV: the part every bar-shaped record carries (and all the features read). */
export interface Ohlcv {
  readonly openTimeMs: number;
  readonly o: number;
  readonly h: number;
  readonly l: number;
  readonly c: number;
  readonly v: number;
}

/** A venue's own kline/candle/ohlc frame (used to cross-check trade-built bars). */
export interface VenueKline extends Ohlcv {
  readonly kind: "kline";
  readonly venue: Venue;
  readonly symbol: SymbolName;
  readonly interval: Interval;
  /** True when the venue marks the bar final; false while forming or when the venue has no flag (Kraken). */
  readonly closed: boolean;
  readonly trades?: number;
  readonly venueTimeMs: number;
  readonly receivedAtMs: number;
}

export type MarketEvent = Trade | VenueKline;

/** An OHLCV bar built by the feed. */
export interface Bar extends Ohlcv {
  readonly venue: Venue;
  readonly symbol: SymbolName;
  readonly interval: Interval;
  readonly trades: number;
  /** How the bar came to be: from trades, a flat bar for a quiet interval, or REST backfill after a gap. */
  readonly origin: "trades" | "flat" | "backfill";
}

/** A bar the pipeline released in open-time order, before the feature stage. */
export interface ReleasedBar extends Bar {
  /** When the close was emitted (feed clock), ms. */
  readonly closedAtMs: number;
}

/** Features computed at a bar's close; null during warm-up (TA-Lib conventions). */
export interface Features {
  readonly ema_12: number | null;
  readonly ema_26: number | null;
  readonly sma_20: number | null;
  readonly rsi_14: number | null;
  readonly atr_14: number | null;
  readonly vwap_session_utc: number | null;
}

/** What the feed publishes on its closed-bar stream (:8000, see lib/feed). */
export interface ClosedBar extends Bar {
  readonly features: Features;
  /** When the close was emitted (feed clock), ms. */
  readonly closedAtMs: number;
}
