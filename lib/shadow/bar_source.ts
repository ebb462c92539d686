// Where the shadow's closed bars come from: the feed's SSE stream (sse_source.ts, the default) or the
// market bus (bus_source.ts, when BUS_URL is set). A source reports to the runner (open, close, bars,
// bad input) and reconnects on its own until stopped; the service only runs, restarts and stops it.
// The bus source is also the live loop's (lib/live/bus_bars.ts): it reports to a BusBarSink, which
// the shadow's runner is and the loop supplies its own of.
import type { ClosedBar } from "../market/types.ts";

export interface BarSource {
  /** Connection attempts after the first (shadow_feed_reconnects_total). */
  readonly reconnects: number;
  /** Reads and reconnects until `signal` aborts. Never throws. */
  run(signal: AbortSignal): Promise<void>;
  /** Drops the current connection (it went stale); run() connects again. */
  restart(): void;
}

/**
 * What the bus source reports to (ShadowRunner is one). A bar's handler may return a promise: the next
 * message is read only after it settles, so bars are handled one at a time, in stream order.
 */
export interface BusBarSink {
  /** Set by the source: subscription attempts after the first. */
  reconnects: number;
  streamOpened(): void;
  streamClosed(): void;
  /** A message on the subject that is not a bar of it: counted, read past. */
  invalidInput(): void;
  /** A bar already retained when the subscription started (one at a time), with its stream sequence. */
  history(bars: readonly ClosedBar[], busSeq?: number): void | Promise<void>;
  /** A bar published after the subscription started, with its stream sequence. */
  liveBar(bar: ClosedBar, busSeq?: number): void | Promise<void>;
}
