// What every simulated venue protocol provides, and the shared context it reads from.
import type { Interval, Venue } from "../market/types.ts";
import type { BarBook, SimBar } from "./bars.ts";
import type { DataFrame, SimConnection } from "./conn.ts";
import { type Instrument, venueSymbol } from "./instruments.ts";
import type { SimTrade } from "./market.ts";

export interface SimContext {
  readonly instruments: readonly Instrument[];
  readonly bars: BarBook;
  simNow(): number;
  /** The last (up to 50) trades of a venue and symbol, oldest first. */
  recentTrades(venue: Venue, symbol: string): readonly SimTrade[];
}

export interface VenueProtocol {
  readonly venue: Venue;
  /** Paths (under the server root) this protocol accepts WebSocket upgrades on. */
  accepts(path: string): boolean;
  onOpen(c: SimConnection, url: URL): void;
  onMessage(c: SimConnection, text: string): void;
  /** The frame for a trade on subscription `key` ("trade|SYM" or "aggTrade|SYM"). */
  tradeFrame(c: SimConnection, key: string, t: SimTrade): DataFrame;
  /** The frame for a bar on subscription "kline|SYM|interval"; null when the venue sends none. */
  klineFrame(c: SimConnection, key: string, bar: SimBar, closed: boolean): DataFrame | null;
  /** Announces a planned cut (Binance serverShutdown, OKX 64008; others send nothing): the close reason. */
  cut(c: SimConnection): string;
  /** Per-tick housekeeping on wall time (heartbeats, idle closes). */
  onTick?(c: SimConnection, wallNowMs: number): void;
}

/** Subscription keys, venue-neutral. */
export const tradeKey = (symbol: string): string => `trade|${symbol}`;
export const klineKey = (symbol: string, interval: Interval): string => `kline|${symbol}|${interval}`;

/** Looks up an instrument by the venue's spelling (case-insensitive). */
export function byVenueSymbol(ctx: SimContext, venue: Venue, raw: string): Instrument | undefined {
  const want = raw.toUpperCase();
  return ctx.instruments.find((i) => venueSymbol(venue, i).toUpperCase() === want);
}

export function dataFrame(
  c: SimConnection,
  kind: "trade" | "kline",
  topic: string,
  symbol: string,
  tradeId: string | undefined,
  build: DataFrame["build"],
): DataFrame {
  return { kind, venue: c.venue, symbol, topic, tradeId, build };
}

/** Parses a client's JSON message; undefined when it is not JSON. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
