// Starts the venue connections for the feed: one lifecycle per planned connection, trades plus the
// venue's own klines subscribed, frames stamped with the FEED clock (the lifecycle's own timers stay
// on wall time) and optionally recorded raw before they are mapped.
import type { Interval, SymbolName, Venue } from "../market/types.ts";
import type { Subscription, VenueAdapter } from "../venues/adapter.ts";
import { type ConnectionEvent, type ConnectionStats, startConnection } from "../venues/connection.ts";
import { ADAPTERS, planConnections } from "../venues/registry.ts";
import { withFastPath } from "./fast_paths.ts";

export interface FeedConnection {
  readonly venue: Venue;
  readonly name: string;
  readonly url: string;
  /** Carries trades: its downtime makes gaps in the bars. */
  readonly trades: boolean;
  up: boolean;
  /** Feed-clock time of the last data frame (the start of a gap if the link dies silently). */
  lastDataMs: number;
  lastFrameWallMs: number;
  stats: ConnectionStats;
  done: Promise<void>;
}

export interface StartOptions {
  readonly venues: readonly Venue[];
  readonly symbols: readonly SymbolName[];
  readonly intervals: readonly Interval[];
  readonly env: Readonly<Record<string, string>>;
  readonly feedNow: () => number;
  readonly wallNow: () => number;
  readonly signal: AbortSignal;
  readonly staleTimeoutMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly sink: (c: FeedConnection, ev: ConnectionEvent) => void;
  /** Raw frame tap (recording), called before mapping with the feed-clock receive time. */
  readonly tap?: (venue: Venue, conn: string, receivedAtMs: number, frame: string) => void;
}

export function subscriptionsFor(
  symbols: readonly SymbolName[],
  intervals: readonly Interval[],
): Subscription[] {
  return symbols.flatMap((symbol): Subscription[] => [
    { channel: "trades", symbol },
    ...intervals.map((interval): Subscription => ({ channel: "klines", symbol, interval })),
  ]);
}

/** Plans every enabled venue's connections; throws RangeError naming a missing env key. */
export function planAll(
  venues: readonly Venue[],
  env: Readonly<Record<string, string>>,
  subs: Subscription[],
) {
  return venues.flatMap((v) => planConnections(v, env, subs));
}

/**
 * The adapter's mapper on the feed clock: the lifecycle passes wall time, but bars and latency run on
 * the feed clock. Notes the frame's wall time on the connection and taps the raw frame first.
 */
export function feedClockMap(
  conn: FeedConnection,
  map: VenueAdapter["map"],
  opts: Pick<StartOptions, "feedNow" | "wallNow" | "tap">,
): VenueAdapter["map"] {
  return (raw, _wallMs) => {
    const t = opts.feedNow();
    conn.lastFrameWallMs = opts.wallNow();
    opts.tap?.(conn.venue, conn.name, t, raw);
    return map(raw, t);
  };
}

export function startConnections(opts: StartOptions): FeedConnection[] {
  const subs = subscriptionsFor(opts.symbols, opts.intervals);
  return planAll(opts.venues, opts.env, subs).map((plan) => {
    const base = ADAPTERS[plan.venue];
    const map = withFastPath(plan.venue, base.map);
    const conn: FeedConnection = {
      venue: plan.venue,
      name: plan.name,
      url: plan.url,
      trades: plan.subscriptions.some((s) => s.channel === "trades"),
      up: false,
      lastDataMs: Number.NEGATIVE_INFINITY,
      lastFrameWallMs: 0,
      stats: undefined as unknown as ConnectionStats,
      done: Promise.resolve(),
    };
    const adapter: VenueAdapter = { ...base, map: feedClockMap(conn, map, opts) };
    const { stats, done } = startConnection({
      adapter,
      plan,
      signal: opts.signal,
      staleTimeoutMs: opts.staleTimeoutMs,
      backoffBaseMs: opts.backoffBaseMs,
      backoffMaxMs: opts.backoffMaxMs,
      sink: (ev) => opts.sink(conn, ev),
    });
    conn.stats = stats;
    conn.done = done;
    return conn;
  });
}
