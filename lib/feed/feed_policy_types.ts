// The feed policy's vocabulary (see feed_policy.ts): its settings and state, the events it is told
// about and the actions it answers with. Plain readonly data.
import type { Level } from "../log.ts";
import type { MarketEvent, SymbolName, Venue } from "../market/types.ts";
import type { SymbolStall } from "./symbol_watch.ts";

export interface PolicyConfig {
  readonly symbols: readonly SymbolName[];
  /** Feed time the service started: a venue's first connect suspects its bars from here. */
  readonly startedAtMs: number;
  readonly graceMs: number;
  readonly staleTimeoutMs: number;
  /** Feed clock speed: wall timeouts times speed are feed ms. */
  readonly speed: number;
}

export interface PolicyState {
  /** Venues whose link has connected at least once since the start. */
  readonly everUp: ReadonlySet<Venue>;
  /** venue -> symbol -> feed time its link connected, until the first trade on it. */
  readonly firstAfterConnect: ReadonlyMap<Venue, ReadonlyMap<SymbolName, number>>;
  /** Links closed by the stale timeout, per venue. */
  readonly stalls: Readonly<Partial<Record<Venue, number>>>;
}

/** The link an event is about. */
export interface LinkRef {
  readonly venue: Venue;
  readonly name: string;
  /** Carries trades: its downtime makes gaps. */
  readonly trades: boolean;
  /** Feed time of its last data frame. */
  readonly lastDataMs: number;
}

export type PolicyEvent =
  /** `stalled`: the venue's symbols still silent (SymbolWatch) when the link opened. */
  | {
    readonly type: "connect";
    readonly link: LinkRef;
    readonly url: string;
    readonly stalled: readonly SymbolName[];
  }
  | {
    readonly type: "disconnect";
    readonly link: LinkRef;
    readonly reason: string;
    readonly code?: number;
    readonly retryInMs: number | null;
  }
  | { readonly type: "venue_error"; readonly link: LinkRef; readonly reason: string; readonly detail: string }
  | {
    readonly type: "handover";
    readonly link: LinkRef;
    readonly ok: boolean;
    readonly reason: string;
    readonly detail: string;
  }
  | { readonly type: "symbols_stalled"; readonly stalls: readonly SymbolStall[] }
  | { readonly type: "symbol_back"; readonly venue: Venue; readonly symbol: SymbolName }
  /** Events of one frame while some symbol waits for its first trade since its link connected. */
  | { readonly type: "trades"; readonly venue: Venue; readonly events: readonly MarketEvent[] };

export type FeedAction =
  /** The event's link is up / down now. */
  | { readonly do: "link"; readonly venue: Venue; readonly up: boolean }
  /** A venue reconnected (maybe a restarted simulator): no bar closes until the clock is synced. */
  | { readonly do: "doubt_clock" }
  | { readonly do: "connection_up"; readonly venue: Venue; readonly atMs: number }
  | { readonly do: "connection_down"; readonly venue: Venue; readonly sinceMs: number }
  | { readonly do: "stall"; readonly venue: Venue }
  | {
    readonly do: "symbol_down";
    readonly venue: Venue;
    readonly symbol: SymbolName;
    readonly sinceMs: number;
  }
  | { readonly do: "symbol_up"; readonly venue: Venue; readonly symbol: SymbolName; readonly atMs: number }
  /** Bars overlapping the range may have lost trades: mark them and check the stored ones. */
  | {
    readonly do: "suspect";
    readonly venue: Venue;
    readonly symbol: SymbolName | null;
    readonly fromMs: number;
    readonly toMs: number;
  }
  /** Check stored bars of the range only (no new suspect range). */
  | { readonly do: "recheck"; readonly venue: Venue; readonly fromMs: number; readonly toMs: number }
  | {
    readonly do: "log";
    readonly level: Level;
    readonly msg: string;
    readonly fields: Record<string, unknown>;
  };

export interface PolicyStep {
  readonly state: PolicyState;
  readonly actions: readonly FeedAction[];
}

export type FeedPolicy = (state: PolicyState, event: PolicyEvent, nowMs: number) => PolicyStep;
