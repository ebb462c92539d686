// The feed's /metrics about its venue links, read from the connections' stats at scrape time:
// reconnects, failed connects and stalls per venue; frames by kind and drop reason; link up and the
// last frame's time. Names are public API. Two groups, registered where /metrics lists them.
import { Counter, Gauge, type Registry } from "prom-client";
import type { Venue } from "../market/types.ts";
import type { FeedState } from "./feed_state.ts";

const FRAME_KINDS = ["data", "ack", "heartbeat", "pong", "status", "error", "shutdown", "dropped"] as const;
const COMMON_DROPS = [
  "malformed_json",
  "unexpected_shape",
  "invalid_value",
  "unknown_channel",
  "unknown_symbol",
];

const conns = (s: FeedState, v: Venue) => s.connections.filter((c) => c.venue === v);

/** Counters per venue: links lost, connects that failed, links closed as stale. */
export function registerLinkCounters(
  registry: Registry,
  venues: readonly Venue[],
  state: () => FeedState,
): void {
  const perVenue = (name: string, help: string, read: (s: FeedState, v: Venue) => number) =>
    new Counter({
      name,
      help,
      labelNames: ["venue"] as const,
      registers: [registry],
      collect() {
        const s = state();
        this.reset();
        for (const venue of venues) this.inc({ venue }, read(s, venue));
      },
    });
  perVenue(
    "feed_reconnects_total",
    "Open connections lost and reconnected, once per outage (drops, stale links, planned cuts).",
    (s, v) => conns(s, v).reduce((n, c) => n + c.stats.reconnects, 0),
  );
  perVenue(
    "feed_connect_failures_total",
    "Connect attempts that never opened (refused, timed out); an outage retries many times.",
    (s, v) => conns(s, v).reduce((n, c) => n + c.stats.failedConnects, 0),
  );
  perVenue(
    "feed_stalls_total",
    "Connections closed because nothing arrived for STALE_TIMEOUT_MS.",
    (s, v) => s.stalls[v] ?? 0,
  );
}

/** Frames by kind and by drop reason, link up, last frame time. */
export function registerFrameMetrics(
  registry: Registry,
  venues: readonly Venue[],
  state: () => FeedState,
): void {
  new Counter({
    name: "feed_frames_total",
    help: "Frames received, by classification (frames in = handled + dropped).",
    labelNames: ["venue", "kind"] as const,
    registers: [registry],
    collect() {
      const s = state();
      this.reset();
      for (const venue of venues) {
        for (const kind of FRAME_KINDS) {
          this.inc({ venue, kind }, conns(s, venue).reduce((n, c) => n + c.stats.byKind[kind], 0));
        }
      }
    },
  });
  new Counter({
    name: "feed_frames_dropped_total",
    help: "Frames dropped, by reason.",
    labelNames: ["venue", "reason"] as const,
    registers: [registry],
    collect() {
      const s = state();
      this.reset();
      for (const venue of venues) {
        const by: Record<string, number> = Object.fromEntries(COMMON_DROPS.map((r) => [r, 0]));
        for (const c of conns(s, venue)) {
          for (const [r, n] of Object.entries(c.stats.droppedByReason)) by[r] = (by[r] ?? 0) + n;
        }
        for (const [reason, n] of Object.entries(by)) this.inc({ venue, reason }, n);
      }
    },
  });
  new Gauge({
    name: "feed_connection_up",
    help: "1 while the connection is open, else 0.",
    labelNames: ["venue", "connection"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const c of state().connections) this.set({ venue: c.venue, connection: c.name }, c.up ? 1 : 0);
    },
  });
  new Gauge({
    name: "feed_last_message_timestamp_seconds",
    help: "Wall-clock time of the last frame from the venue (0 before the first).",
    labelNames: ["venue"] as const,
    registers: [registry],
    collect() {
      const s = state();
      this.reset();
      for (const venue of venues) this.set({ venue }, (s.lastMessageWallMs[venue] ?? 0) / 1000);
    },
  });
}
