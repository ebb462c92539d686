// The feed's core, pure and clock-injected: market events -> guard -> bar builders -> sequencer
// -> ReleasedBar, with data-quality counters on the way. One stream per (venue, symbol, interval);
// connection state is per venue. Features are not computed here: the one feature stage
// (lib/features/feature_stage.ts) runs after any REST repair, live and in replay.
import type {
  Bar,
  Interval,
  MarketEvent,
  ReleasedBar,
  Symbol,
  Trade,
  Venue,
  VenueKline,
} from "../market/types.ts";
import { INTERVALS } from "../market/types.ts";
import { DqBook, type IntervalCounters, type SymbolCounters } from "../dq/dq_book.ts";
import { DivergenceGauge } from "../dq/divergence.ts";
import { barProblem } from "../features/feature_set.ts";
import { BarBuilder } from "./bar_builder.ts";
import { BarSequencer } from "./bar_sequencer.ts";
import { KlineCheck } from "./kline_check.ts";
import { CONTIGUOUS_ID_VENUES, TradeGuard } from "./trade_guard.ts";

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

/** What happened to one event; "late" means dropped by the finest interval's builder. */
export type EventVerdict = "bar_input" | "kline" | "invalid" | "duplicate" | "late" | "ignored";

export interface GapRef {
  readonly venue: Venue;
  readonly symbol: Symbol;
  readonly interval: Interval;
  readonly openTimeMs: number;
}

interface IntervalStream {
  builder: BarBuilder;
  seq: BarSequencer;
  check: KlineCheck;
  dq: IntervalCounters;
}

interface SymbolStream {
  venue: Venue;
  symbol: Symbol;
  guard: TradeGuard;
  dq: SymbolCounters;
  intervals: Map<Interval, IntervalStream>;
  /** The same streams, finest first: the per-trade loop walks an array, not a Map iterator. */
  builders: BarBuilder[];
}

/** One venue+symbol's stream, for callers that feed it trades without a lookup per trade. */
export type TradeStream = Readonly<Pick<SymbolStream, "venue" | "symbol">>;

export class BarPipeline {
  readonly dq = new DqBook();
  readonly divergence = new DivergenceGauge();
  private readonly opts: PipelineOptions;
  private readonly intervals: readonly Interval[];
  private readonly onClosed: (bar: ReleasedBar) => void;
  private readonly streams = new Map<string, SymbolStream>();
  /** venue -> symbol -> stream: the per-event lookup without building a key string. */
  private readonly byVenue = new Map<Venue, Map<Symbol, SymbolStream>>();
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
    return e.kind === "trade" ? this.trade(s, e) : this.kline(s, e);
  }

  /** The stream of a venue+symbol (created on first use, as event() would), for trade(). */
  tradeStream(venue: Venue, symbol: Symbol): TradeStream {
    return this.stream(venue, symbol);
  }

  /**
   * event() for a trade of a stream from tradeStream() (its venue and symbol must be the trade's):
   * the same verdict and counting, without looking the stream up again.
   */
  tradeOn(stream: TradeStream, t: Trade): EventVerdict {
    if (t.receivedAtMs > this.nowMs) this.nowMs = t.receivedAtMs;
    return this.trade(stream as SymbolStream, t);
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
  symbolDown(venue: Venue, symbol: Symbol, atMs: number): void {
    const s = this.streams.get(`${venue}|${symbol}`);
    if (!s) return;
    for (const st of s.intervals.values()) st.builder.connectionDown(atMs);
  }

  /** Data for that symbol is back; while the whole venue is down, connectionUp ends it instead. */
  symbolUp(venue: Venue, symbol: Symbol, atMs: number): void {
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
    const s = this.stream(k.venue, k.symbol);
    const st = s.intervals.get(k.interval);
    if (!st || barProblem(k, Number.NEGATIVE_INFINITY) !== null) {
      s.dq.invalid++;
      return false;
    }
    const trades = "origin" in k ? k.trades : k.trades ?? 0;
    const bar: Bar = { ...pick(k), trades, origin: "backfill" };
    if (!st.seq.fill(bar)) return false;
    st.dq.backfilled_bars++;
    return true;
  }

  /**
   * Intervals missing since before this run (the store's holes at start): gaps like the builder's,
   * held ahead of every live bar, so call it before the first event. Returns how many were added.
   */
  restoreGaps(
    venue: Venue,
    symbol: Symbol,
    interval: Interval,
    openTimesMs: readonly number[],
    atMs: number,
  ): number {
    const st = this.stream(venue, symbol).intervals.get(interval);
    if (!st || this.opts.awaitBackfill === false) return 0;
    for (const t of openTimesMs) st.seq.gap(t, atMs);
    st.dq.gap_bars += openTimesMs.length;
    return openTimesMs.length;
  }

  /** Gives up one gap (REST failed); the bars held behind it go on to the indicators. */
  abandonGap(g: GapRef): boolean {
    const st = this.streams.get(`${g.venue}|${g.symbol}`)?.intervals.get(g.interval);
    if (!st || !st.seq.abandon(g.openTimeMs)) return false;
    st.dq.abandoned_gaps++;
    return true;
  }

  /** Gaps waiting for a backfill, per stream, oldest first. */
  pendingGaps(): GapRef[] {
    const out: GapRef[] = [];
    for (const s of this.streams.values()) {
      for (const [interval, st] of s.intervals) {
        for (const openTimeMs of st.seq.openGaps()) {
          out.push({ venue: s.venue, symbol: s.symbol, interval, openTimeMs });
        }
      }
    }
    return out;
  }

  private trade(s: SymbolStream, t: Trade): EventVerdict {
    const verdict = s.guard.check(t);
    if (verdict === "invalid") {
      s.dq.invalid++;
      return "invalid";
    }
    if (verdict === "duplicate") {
      s.dq.duplicates++;
      return "duplicate";
    }
    s.dq.id_gaps = s.guard.counts.idGaps;
    s.dq.ids_missing = s.guard.counts.idsMissing;
    const builders = s.builders;
    const late = builders.length > 0 && builders[0].trade(t.price, t.size, t.venueTimeMs) === "late";
    for (let i = 1; i < builders.length; i++) builders[i].trade(t.price, t.size, t.venueTimeMs);
    if (late) s.dq.late_trades++;
    return late ? "late" : "bar_input";
  }

  private kline(s: SymbolStream, k: VenueKline): EventVerdict {
    const st = s.intervals.get(k.interval);
    if (!st) return "ignored";
    if (barProblem(k, Number.NEGATIVE_INFINITY) !== null) {
      s.dq.invalid++;
      return "invalid";
    }
    st.check.kline(k);
    st.dq.kline_checked = st.check.counts.checked;
    st.dq.kline_mismatches = st.check.counts.mismatches;
    return "kline";
  }

  private venueStreams(venue: Venue): SymbolStream[] {
    return [...this.streams.values()].filter((s) => s.venue === venue);
  }

  private stream(venue: Venue, symbol: Symbol): SymbolStream {
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
    s.guard = new TradeGuard({
      idWindow: this.opts.idWindow,
      maxSkewMs: this.opts.maxSkewMs,
      contiguousIds: CONTIGUOUS_ID_VENUES.has(s.venue),
    });
    s.intervals = new Map();
    s.builders = [];
    for (const interval of this.intervals) {
      const st = this.intervalStream(s.venue, s.symbol, interval);
      s.intervals.set(interval, st);
      s.builders.push(st.builder);
    }
    return s;
  }

  private intervalStream(venue: Venue, symbol: Symbol, interval: Interval): IntervalStream {
    const dq = this.dq.interval(venue, symbol, interval);
    const check = new KlineCheck();
    let lastReleased = Number.NEGATIVE_INFINITY;
    const seq = new BarSequencer(
      (bar) => {
        // What the features would refuse (e.g. a volume sum overflow) is dropped and counted here.
        if (barProblem(bar, lastReleased) !== null) {
          this.dq.inc(venue, symbol, "invalid");
          return;
        }
        lastReleased = bar.openTimeMs;
        const closed: ReleasedBar = { ...bar, closedAtMs: this.nowMs };
        this.divergence.observe(venue, symbol, interval, bar.openTimeMs, bar.c);
        this.onClosed(closed);
      },
      INTERVALS[interval],
      { awaitBackfill: this.opts.awaitBackfill },
    );
    // A stream first seen after a reconnect only trusts data from the reconnect on; its intervals
    // from the feed start on are still decided (as gaps), so none is skipped.
    const up = this.lastUp.get(venue);
    const start = this.startMs ?? up ?? Number.NEGATIVE_INFINITY;
    const builder = new BarBuilder({
      venue,
      symbol,
      interval,
      graceMs: this.opts.graceMs,
      startMs: Number.isFinite(start) ? start : undefined,
    }, {
      bar: (bar) => {
        if (bar.origin === "flat") dq.flat_bars++;
        else dq.trade_bars++;
        check.bar(bar);
        dq.kline_checked = check.counts.checked;
        dq.kline_mismatches = check.counts.mismatches;
        seq.push(bar);
      },
      gap: (openTimeMs) => {
        dq.gap_bars++;
        seq.gap(openTimeMs);
        if (this.opts.awaitBackfill === false) dq.abandoned_gaps++;
      },
    });
    if (up !== undefined && up > start) {
      builder.connectionDown(start);
      builder.connectionUp(up);
    }
    const down = this.downSince.get(venue);
    if (down !== undefined) builder.connectionDown(down);
    return { builder, seq, check, dq };
  }
}

function pick(k: VenueKline | Bar) {
  return {
    venue: k.venue,
    symbol: k.symbol,
    interval: k.interval,
    openTimeMs: k.openTimeMs,
    o: k.o,
    h: k.h,
    l: k.l,
    c: k.c,
    v: k.v,
  };
}
