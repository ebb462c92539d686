// The contract every venue adapter fulfils: small connection hooks plus a pure frame mapper.
// The shared lifecycle (connection.ts) drives the hooks; the feed consumes the mapped events.
import type { Interval, MarketEvent, SymbolName, Venue, VenueKline } from "../market/types.ts";

/** How a frame was classified. Every frame is exactly one of these (conservation). */
export type FrameKind =
  | "data"
  | "ack"
  | "heartbeat"
  | "pong"
  | "status"
  | "error"
  | "shutdown"
  | "dropped";

/** Reasons a frame is dropped; open-ended so a venue can add its own, but prefer these. */
export type DropReason =
  | "malformed_json"
  | "unexpected_shape"
  | "unknown_channel"
  | "unknown_event"
  | "unknown_symbol"
  | "unsupported_instrument"
  | "unsupported_interval"
  | "invalid_value"
  | "stale_snapshot"
  | "binary_frame";

export interface MapResult {
  readonly kind: FrameKind;
  /** Normalised events; non-empty only for kind "data". */
  readonly events: readonly MarketEvent[];
  /** Why: set for "dropped" (a DropReason) and "error" ("venue_error" or "subscribe_rejected"). */
  readonly reason?: string;
  /** Venue's own words for errors, notices and shutdowns (code: message). */
  readonly detail?: string;
  /**
   * The venue replayed these events on subscribe (Kraken `type:"snapshot"`): they must be
   * de-duplicated by trade id and kept out of latency/staleness metrics. OKX's replayed first
   * trade is not visible in the frame; the lifecycle flags it (see VenueAdapter.replaysFirstTrade).
   */
  readonly snapshot?: boolean;
  /** Kraken connection id, taken from the raw text as a string (it exceeds 2^53). */
  readonly connectionId?: string;
}

/** What the feed wants from a venue: trades and/or the venue's own klines for a symbol. */
export type Subscription =
  | { readonly channel: "trades"; readonly symbol: SymbolName }
  | { readonly channel: "klines"; readonly symbol: SymbolName; readonly interval: Interval };

/** One WebSocket connection the adapter needs (OKX needs two: /public and /business). */
export interface ConnectionPlan {
  readonly venue: Venue;
  /** Stable name for logs and metrics, e.g. "okx/business". */
  readonly name: string;
  readonly url: string;
  readonly subscriptions: readonly Subscription[];
}

/** Client keepalive: "interval" sends every `everyMs`; "idle" sends only after `everyMs` of silence. */
export interface Keepalive {
  readonly mode: "interval" | "idle";
  readonly everyMs: number;
  /** Builds the message; `n` counts pings on this connection (request ids). */
  readonly message: (n: number) => string;
}

/** Endpoints read from configuration (config/env/*.env). */
export interface VenueEndpoints {
  /** Keyed by connection role: "ws" for single-endpoint venues, "public"/"business" for OKX. */
  readonly ws: Readonly<Record<string, string>>;
  readonly rest: string;
}

export interface RestKlineCodec {
  /** GET URL for closed klines in [startMs, endMs] (venue page limits apply; the caller pages). */
  readonly url: (
    restBase: string,
    symbol: SymbolName,
    interval: Interval,
    startMs: number,
    endMs: number,
  ) => string;
  /**
   * Parses a response body into closed klines, oldest first. A bar counts as closed when the venue
   * says so, or else when openTimeMs + interval <= nowMs. Throws with a clear message on a venue
   * error, a malformed body or an invalid row (REST data that fails a check is not trusted at all).
   */
  readonly parse: (body: string, symbol: SymbolName, interval: Interval, nowMs: number) => VenueKline[];
}

export interface VenueAdapter {
  readonly venue: Venue;
  /** Env keys this venue reads (for --help and error messages). */
  readonly envKeys: readonly string[];
  /** Reads the venue's endpoints from env; throws RangeError naming a missing key. */
  readonly endpoints: (env: Readonly<Record<string, string | undefined>>) => VenueEndpoints;
  /** Splits subscriptions over the connections the venue needs. */
  readonly plan: (endpoints: VenueEndpoints, subs: readonly Subscription[]) => ConnectionPlan[];
  /** Messages to send right after open (and again after every reconnect). */
  readonly subscribeMessages: (plan: ConnectionPlan) => string[];
  /**
   * Acks that mean every subscription of the plan took effect (a handover successor is ready then);
   * absent: the first data frame counts as subscribed.
   */
  readonly subscribeAcks?: (plan: ConnectionPlan) => number;
  readonly keepalive: Keepalive | null;
  /** The venue pushes its latest trade on subscribe, whatever its age (OKX): flag the first one. */
  readonly replaysFirstTrade: boolean;
  /** Venue cuts every connection after this long (Binance 24 h): reconnect a bit before it. */
  readonly maxConnectionMs: number | null;
  /** Pure: frame text + local receive time -> classification and events. Never throws. */
  readonly map: (raw: string, receivedAtMs: number) => MapResult;
  readonly rest: RestKlineCodec;
}

/** Reads a required env key; one clear line when it is missing. */
export function requireEnv(env: Readonly<Record<string, string | undefined>>, key: string): string {
  const v = env[key]?.trim();
  if (!v) throw new RangeError(`Missing ${key} in the feed environment (see config/env/live.env)`);
  return v;
}
