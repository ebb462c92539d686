// What the connection lifecycle tells downstream (events) and what it counts (stats).
import type { MarketEvent } from "../market/types.ts";
import type { FrameKind } from "./adapter.ts";

export type ConnectionEvent =
  | { readonly type: "connect"; readonly name: string; readonly url: string; readonly atMs: number }
  | {
    readonly type: "disconnect";
    readonly name: string;
    readonly atMs: number;
    /** "closed", "connect_failed", "connect_timeout", "stale", "shutdown", "max_age" or "aborted". */
    readonly reason: string;
    readonly code?: number;
    /** Delay before the next attempt; null once stopped. */
    readonly retryInMs: number | null;
  }
  | {
    readonly type: "events";
    readonly name: string;
    readonly events: readonly MarketEvent[];
    /**
     * Replayed on subscribe (Kraken snapshot frames; OKX's first trade per instrument after each
     * subscribe, which can be hours old), or delivered while two connections overlap during a
     * handover: dedup by id, keep out of latency/staleness metrics.
     */
    readonly snapshot: boolean;
    readonly receivedAtMs: number;
  }
  | {
    readonly type: "frame_dropped";
    readonly name: string;
    readonly reason: string;
    readonly sample: string;
  }
  | { readonly type: "venue_error"; readonly name: string; readonly reason: string; readonly detail: string }
  | {
    /**
     * A planned cut ("shutdown" or "max_age") handed over make-before-break. ok: the successor was
     * subscribed before the old connection closed (no disconnect follows); not ok: it could not
     * subscribe (detail says why) and the old connection is cut and reconnected as usual.
     */
    readonly type: "handover";
    readonly name: string;
    readonly atMs: number;
    readonly reason: string;
    readonly ok: boolean;
    readonly detail: string;
  };

/** Live counters (read them at scrape time). Invariant: framesIn = handled + dropped. */
export interface ConnectionStats {
  framesIn: number;
  handled: number;
  dropped: number;
  byKind: Record<FrameKind, number>;
  droppedByReason: Record<string, number>;
  events: number;
  connects: number;
  /** Open links lost (once per outage, however many attempts it takes to get back). */
  reconnects: number;
  /** Connect attempts that never opened (refused, timed out), outages and the first connect alike. */
  failedConnects: number;
  /** Planned cuts handed over make-before-break (not counted as reconnects). */
  handovers: number;
  /** Handovers whose successor could not subscribe (the cut then counts as a reconnect). */
  handoverFailures: number;
  pingsSent: number;
  sinkErrors: number;
}

export function emptyStats(): ConnectionStats {
  return {
    framesIn: 0,
    handled: 0,
    dropped: 0,
    byKind: { data: 0, ack: 0, heartbeat: 0, pong: 0, status: 0, error: 0, shutdown: 0, dropped: 0 },
    droppedByReason: {},
    events: 0,
    connects: 0,
    reconnects: 0,
    failedConnects: 0,
    handovers: 0,
    handoverFailures: 0,
    pingsSent: 0,
    sinkErrors: 0,
  };
}
