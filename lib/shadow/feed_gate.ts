// "Feed before bot": whether the strategy may decide right now, from what the feed connection has shown.
// Pure: the caller passes the clock reading.

export type GateReason = "ok" | "disconnected" | "stale" | "feed_not_ok";

export interface FeedView {
  /** The SSE stream is open. */
  readonly connected: boolean;
  /** Local time anything (bar, heartbeat, the open itself) last arrived on the stream. */
  readonly lastSeenMs: number;
  /** feedOk of the feed's last heartbeat (true until one says otherwise). */
  readonly feedOk: boolean;
}

/** Reasons in priority order: disconnected, then stale (silent longer than staleAfterMs), then feed_not_ok. */
export function feedGate(
  v: FeedView,
  nowMs: number,
  staleAfterMs: number,
): { ok: boolean; reason: GateReason } {
  if (!v.connected) return { ok: false, reason: "disconnected" };
  if (nowMs - v.lastSeenMs > staleAfterMs) return { ok: false, reason: "stale" };
  if (!v.feedOk) return { ok: false, reason: "feed_not_ok" };
  return { ok: true, reason: "ok" };
}
