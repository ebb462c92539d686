// The feed's core, pure and clock-injected: market events -> guard -> bar builders -> sequencer
// -> ReleasedBar, with data-quality counters on the way. One stream per (venue, symbol, interval);
// connection state is per venue. Features are not computed here: the one feature stage
// (lib/features/feature_stage.ts) runs after any REST repair, live and in replay.
import type {
  Bar,
  Interval,
  MarketEvent,
  ReleasedBar,
  SymbolName,
  Trade,
  Venue,
  VenueKline,
} from "../market/types.ts";
import { DqBook } from "../dq/dq_book.ts";
import { DivergenceGauge } from "../dq/divergence.ts";
import { abandonGap, type IntervalStream, openIntervalStream, restoreGaps } from "./interval_stream.ts";
import {
  type EventVerdict,
  type GapRef,
  pendingGaps,
  resetStream,
  streamBackfill,
  streamKline,
  streamTrade,
  type SymbolStream,
  type TradeStream,
} from "./symbol_stream.ts";

export type { EventVerdict, GapRef, TradeStream } from "./symbol_stream.ts";

export interface PipelineOptions {
  /** Bar intervals to build, finest first. Default ["1m", "1h"]. */
  readonly intervals?: readonly Interval[];
  /** Default 2000 (BAR_CLOSE_GRACE_MS). */
  readonly graceMs?: number;
  /** Feed start (feed clock): the interval it falls inside was only partly seen, so it is a gap. */
  readonly startMs?: number;
  /** Hold bars behind a gap until it is backfilled or expires. Default true; replays use false. */
  readonly awaitBackfill?: boolean;
  /** A gap not backfilled this long after its interval ended is given up. Default 300000. */
  readonly maxGapWaitMs?: number;
  readonly idWindow?: number;
  readonly maxSkewMs?: number;
}

export class BarPipeline {
  readonly dq = new DqBook();
  readonly divergence = new DivergenceGauge();
  private readonly opts: PipelineOptions;
  private readonly intervals: readonly Interval[];
  private readonly onClosed: (bar: ReleasedBar) => void;
  private readonly streams = new Map<string, SymbolStream>();
  /** venue -> symbol -> stream: the per-event lookup without building a key string. */
  private readonly byVenue = new Map<Venue, Map<SymbolName, SymbolStream>>();
  private readonly downSince = new Map<Venue, number>();
  private readonly lastUp = new Map<Venue, number>();
  private nowMs = Number.NEGATIVE_INFINITY;
  /** Where this timeline starts (opts.startMs, then each rebase). */
  private startMs: number | undefined;

  constructor(opts: PipelineOptions, onClosed: (bar: ReleasedBar) => void) {
    this.opts = opts;
    this.startMs = opts.startMs;
    this.intervals = opts.intervals ?? ["1m", "1h"];
    this.onClosed = onClosed;
  }

  /** One normalised event from a venue mapper. Never throws on bad data: it is counted instead. */
  event(e: MarketEvent): EventVerdict {
    if (e.receivedAtMs > this.nowMs) this.nowMs = e.receivedAtMs;
    const s = this.stream(e.venue, e.symbol);
    return e.kind === "trade" ? streamTrade(s, e) : streamKline(s, e);
  }

  /** The stream of a venue+symbol (created on first use, as event() would), for trade(). */
  tradeStream(venue: Venue, symbol: SymbolName): TradeStream {
    return this.stream(venue, symbol);
  }

  /**
   * event() for a trade of a stream from tradeStream() (its venue and symbol must be the trade's):
   * the same verdict and counting, without looking the stream up again.
   */
  tradeOn(stream: TradeStream, t: Trade): EventVerdict {
    if (t.receivedAtMs > this.nowMs) this.nowMs = t.receivedAtMs;
    return streamTrade(stream as SymbolStream, t);
  }

  /** The feed clock moved: close bars whose end + grace has passed, expire stale gaps. */
  advance(nowMs: number): void {
    if (nowMs > this.nowMs) this.nowMs = nowMs;
    const wait = this.opts.maxGapWaitMs ?? 300_000;
    for (const s of this.streams.values()) {
      // While the venue is down its gaps wait (REST may be down too); connectionUp restarts the wait.
      const down = this.downSince.has(s.venue);
      for (const st of s.intervals.values()) {
        st.builder.advance(nowMs);
        if (!down) st.dq.abandoned_gaps += st.seq.expire(nowMs, wait);
      }
    }
  }

  /** End of a replay's data at `lastMs`: closes every interval opening at or before it, none after. */
  flush(lastMs: number): void {
    for (const s of this.streams.values()) for (const st of s.intervals.values()) st.builder.flush(lastMs);
  }

  connectionDown(venue: Venue, atMs: number): void {
    if (!this.downSince.has(venue)) this.downSince.set(venue, atMs);
    for (const s of this.venueStreams(venue)) {
      for (const st of s.intervals.values()) st.builder.connectionDown(atMs);
    }
  }

  /** `reconnect` false: data resumed without a reconnect (a replay's recording gap ended). */
  connectionUp(venue: Venue, atMs: number, reconnect = true): void {
    if (!this.downSince.delete(venue)) return;
    this.lastUp.set(venue, atMs);
    for (const s of this.venueStreams(venue)) {
      if (reconnect) s.dq.reconnects++;
      for (const st of s.intervals.values()) {
        st.builder.connectionUp(atMs);
        st.seq.renew(atMs);
      }
    }
  }

  /** The connection went quiet for too long (the lifecycle decides); counted per symbol. */
  stall(venue: Venue): void {
    for (const s of this.venueStreams(venue)) s.dq.stalls++;
  }

  /**
   * One symbol went silent on an open connection (the feed decides and counts it): its intervals
   * from `atMs` on are gaps to backfill, never flat bars.
   */
  symbolDown(venue: Venue, symbol: SymbolName, atMs: number): void {
    const s = this.streams.get(`${venue}|${symbol}`);
    if (!s) return;
    for (const st of s.intervals.values()) st.builder.connectionDown(atMs);
  }

  /** Data for that symbol is back; while the whole venue is down, connectionUp ends it instead. */
  symbolUp(venue: Venue, symbol: SymbolName, atMs: number): void {
    const s = this.streams.get(`${venue}|${symbol}`);
    if (!s || this.downSince.has(venue)) return;
    for (const st of s.intervals.values()) st.builder.connectionUp(atMs);
  }

  /**
   * The venue's clock jumped (a restarted simulator): a new timeline starts at `nowMs`. Builders,
   * open gaps, features and trade-id memory belong to the old one and are dropped; counters stay.
   * The interval `nowMs` falls in was only partly seen, so it is a gap, as at the feed's start.
   */
  rebase(nowMs: number): void {
    this.nowMs = nowMs;
    this.startMs = nowMs;
    this.lastUp.clear();
    for (const v of this.downSince.keys()) this.downSince.set(v, nowMs);
    for (const s of this.streams.values()) this.fresh(s);
  }

  /** A frame the mapper could not turn into events (malformed, invalid value). */
  invalidFrame(venue: Venue): void {
    this.dq.inc(venue, "*", "invalid");
  }

  /** A REST kline for a reported gap; false (counted) when it is bad or no such gap is open. */
  backfill(k: VenueKline | Bar, nowMs: number): boolean {
    if (nowMs > this.nowMs) this.nowMs = nowMs;
    return streamBackfill(this.stream(k.venue, k.symbol), k);
  }

  /**
   * Intervals missing since before this run (the store's holes at start): gaps like the builder's,
   * held ahead of every live bar, so call it before the first event. Returns how many were added.
   */
  restoreGaps(
    venue: Venue,
    symbol: SymbolName,
    interval: Interval,
    openTimesMs: readonly number[],
    atMs: number,
  ): number {
    const st = this.stream(venue, symbol).intervals.get(interval);
    if (!st || this.opts.awaitBackfill === false) return 0;
    return restoreGaps(st, openTimesMs, atMs);
  }

  /** Gives up one gap (REST failed); the bars held behind it go on to the indicators. */
  abandonGap(g: GapRef): boolean {
    const st = this.streams.get(`${g.venue}|${g.symbol}`)?.intervals.get(g.interval);
    return st !== undefined && abandonGap(st, g.openTimeMs);
  }

  /** Gaps waiting for a backfill, per stream, oldest first. */
  pendingGaps(): GapRef[] {
    const out: GapRef[] = [];
    for (const s of this.streams.values()) pendingGaps(s, out);
    return out;
  }

  private venueStreams(venue: Venue): SymbolStream[] {
    return [...this.streams.values()].filter((s) => s.venue === venue);
  }

  private stream(venue: Venue, symbol: SymbolName): SymbolStream {
    let byVenue = this.byVenue.get(venue);
    if (!byVenue) this.byVenue.set(venue, byVenue = new Map());
    let s = byVenue.get(symbol);
    if (s) return s;
    s = this.fresh({ venue, symbol, dq: this.dq.symbol(venue, symbol) } as SymbolStream);
    this.streams.set(`${venue}|${symbol}`, s);
    byVenue.set(symbol, s);
    return s;
  }

  /** (Re)starts a stream's guard and interval streams from the current timeline's start. */
  private fresh(s: SymbolStream): SymbolStream {
    return resetStream(s, this.opts, this.intervals, (i) => this.intervalStream(s.venue, s.symbol, i));
  }

  private intervalStream(venue: Venue, symbol: SymbolName, interval: Interval): IntervalStream {
    return openIntervalStream({
      venue,
      symbol,
      interval,
      dq: this.dq.interval(venue, symbol, interval),
      graceMs: this.opts.graceMs,
      awaitBackfill: this.opts.awaitBackfill,
      startMs: this.startMs,
      upMs: this.lastUp.get(venue),
      downMs: this.downSince.get(venue),
    }, {
      released: (bar) => {
        const closed: ReleasedBar = { ...bar, closedAtMs: this.nowMs };
        this.divergence.observe(venue, symbol, interval, bar.openTimeMs, bar.c);
        this.onClosed(closed);
      },
      refused: () => this.dq.inc(venue, symbol, "invalid"),
    });
  }
}
