// Where the shadow's closed bars come from: the feed's SSE stream (sse_source.ts, the default) or the
// market bus (bus_source.ts, when BUS_URL is set). A source reports to the runner (open, close, bars,
// bad input) and reconnects on its own until stopped; the service only runs, restarts and stops it.

export interface BarSource {
  /** Connection attempts after the first (shadow_feed_reconnects_total). */
  readonly reconnects: number;
  /** Reads and reconnects until `signal` aborts. Never throws. */
  run(signal: AbortSignal): Promise<void>;
  /** Drops the current connection (it went stale); run() connects again. */
  restart(): void;
}
