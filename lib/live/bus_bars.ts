// The loop's bars from the market bus (BUS_URL set), instead of the feed's SSE stream (feed_bars.ts):
// the shadow's bus source (lib/shadow/bus_source.ts) over every symbol of the loop's venue and interval,
// read in stream order from the bus sequence the strategy saved with its last decision, plus one. Each
// bar of a traded symbol is handed on as FeedBars hands an SSE bar — the loop's mark first, then the
// strategy — one at a time, with its sequence (saved with the decision it leads to), and the same meaning:
// - a revision of a bar (a repair, `:r<n>`) is handed on as the feed's re-published correction is: the
//   loop takes its close as the mark, the strategy counts it `corrected` and never decides it again;
// - a resend (two feeds after the duplicate window, a redelivery) likewise: the mark is set again, the
//   strategy counts a duplicate; the OMS's correlation id stops a second order besides;
// - warm (a saved decision): bars retained after it are catch-up, decided as they come (an order on one
//   older than risk.max_bar_age_s is refused by the risk check, NO_REFERENCE_PRICE); cold: the newest
//   retained bar is a mark only, as over SSE the strategy decides from the first bar after the start.
// Feed before bot: the bus has no feed heartbeat, so a bar is its sign of life: no bar for the configured
// stale time plus one interval (busStaleAfterMs) = stale, the feed dependency fails, no new orders; the
// subscription is then made again (once per stale period) from the last sequence read.
import { sleep } from "../async/sleep.ts";
import type { MarketBus } from "../bus/market_bus.ts";
import type { Logger } from "../log.ts";
import type { ClosedBar } from "../market/types.ts";
import type { BusBarSink } from "../shadow/bar_source.ts";
import { BusBarSource, busStaleAfterMs } from "../shadow/bus_source.ts";
import type { Resume } from "../shadow/shadow_events.ts";
import { type FeedBarsOptions, feedGateView, type LoopBar, loopBarOf } from "./feed_bars.ts";
import type { FeedView } from "./health.ts";

export type BusBarsOptions = Omit<FeedBarsOptions, "feedUrl">;

export interface BusBarsHandlers {
  /** A bar the loop only takes as its mark (cold: the newest retained one). */
  mark(b: LoopBar): Promise<void>;
  /** A bar as over SSE: the mark, then the strategy; `busSeq` is saved with its decision. */
  bar(b: LoopBar, bar: ClosedBar, busSeq: number | undefined): Promise<void>;
}

export class BusBars implements BusBarSink {
  connected = false;
  /** The bus carries no feed verdict: a bar each interval is all it says. */
  readonly feedOk = true;
  lastSeenMs: number | null = null;
  lastBarMs: number | null = null;
  lastError: string | null = "not subscribed yet";
  badInput = 0;
  reconnects = 0;
  readonly staleAfterMs: number;
  /** Cold and nothing read yet: the first retained bar is a mark only. */
  #coldHistory = false;
  #source: BusBarSource | null = null;

  constructor(
    private readonly bus: Pick<MarketBus, "subscribeBars" | "lastBarSeq">,
    private readonly o: BusBarsOptions,
    private readonly h: BusBarsHandlers,
    private readonly log: Logger,
  ) {
    this.staleAfterMs = busStaleAfterMs(o.staleAfterMs, o.interval);
  }

  /**
   * Subscribes from after `resume`'s bus sequence (the strategy's saved decision; null: cold) and reads
   * until `signal` aborts, then lets the bar being handed on finish. Never throws.
   */
  async run(signal: AbortSignal, resume: Resume | null): Promise<void> {
    this.#coldHistory = resume === null;
    const series = { venue: this.o.venue, interval: this.o.interval };
    const source = this.#source = new BusBarSource(this.bus, this, resume, { ...this.o, series }, this.log);
    const watch = this.#watchStale(signal, source);
    await source.run(signal);
    await watch;
  }

  /** Stream messages from the last one read to the newest bar of the venue and interval (NaN before). */
  lag(): Promise<number> {
    return this.#source?.lag() ?? Promise.resolve(NaN);
  }

  view(): FeedView {
    return feedGateView(this, this.o.now(), this.staleAfterMs);
  }

  streamOpened(): void {
    this.connected = true;
    this.lastError = null;
    // The stale clock starts at the first subscription; a resubscription proves nothing of the feeds.
    this.lastSeenMs ??= this.o.now();
  }

  streamClosed(): void {
    this.connected = false;
    this.lastError = "bus subscription closed";
  }

  invalidInput(): void {
    this.badInput++;
  }

  async history(bars: readonly ClosedBar[], busSeq?: number): Promise<void> {
    for (const bar of bars) {
      const markOnly = this.#coldHistory;
      this.#coldHistory = false;
      await this.#hand(bar, busSeq, markOnly);
    }
  }

  liveBar(bar: ClosedBar, busSeq?: number): Promise<void> {
    this.#coldHistory = false;
    return this.#hand(bar, busSeq, false);
  }

  async #hand(bar: ClosedBar, busSeq: number | undefined, markOnly: boolean): Promise<void> {
    this.lastSeenMs = this.o.now();
    const b = loopBarOf(bar, this.o);
    if (b === null) return;
    this.lastBarMs = this.lastSeenMs;
    try {
      await (markOnly ? this.h.mark(b) : this.h.bar(b, bar, busSeq));
    } catch (err) {
      this.log("error", "live_loop.bar_failed", { symbol: b.symbol, error: String(err) });
    }
  }

  /** Stale: the subscription is made again, at most once per stale period (a dead one never recovers). */
  async #watchStale(signal: AbortSignal, source: BusBarSource): Promise<void> {
    let restartedMs = -Infinity;
    while (!signal.aborted) {
      await sleep(Math.min(1000, this.staleAfterMs), signal);
      const now = this.o.now();
      // Not connected: the source is retrying on its own already.
      const stale = this.connected && !this.view().ok;
      if (signal.aborted || !stale || now - restartedMs < this.staleAfterMs) continue;
      restartedMs = now;
      this.log("warn", "live_loop.bus_stale", { stale_after_ms: this.staleAfterMs });
      source.restart();
    }
  }
}
