// Trade -> bar for one (venue, symbol, interval), in venue EVENT time. Pure: the clock comes in as
// advance(nowMs), connection state as connectionDown/Up. Intervals touched by a down period are
// reported as gaps (to backfill from REST), never papered over with a flat bar.
import { type Bar, type Interval, INTERVALS, type SymbolName, type Venue } from "../market/types.ts";

/** Where a builder delivers what it decides, in strictly increasing open-time order. */
export interface BarSink {
  bar(bar: Bar): void;
  /** An interval that cannot be built (the feed was down during part of it). */
  gap(openTimeMs: number): void;
}

export interface BarBuilderOptions {
  readonly venue: Venue;
  readonly symbol: SymbolName;
  readonly interval: Interval;
  /** A bar closes once the clock passes its end by this much (late trades still count). Default 2000. */
  readonly graceMs?: number;
  /**
   * Data before this instant was not received (feed start): the interval containing it is a gap,
   * and so is every interval from it up to the first trade's (none is skipped on a slow start).
   */
  readonly startMs?: number;
}

export interface BarBuilderCounts {
  tradeBars: number;
  flatBars: number;
  gaps: number;
  lateTrades: number;
}

export type TradeResult = "accepted" | "late";

export class BarBuilder {
  readonly venue: Venue;
  readonly symbol: SymbolName;
  readonly interval: Interval;
  readonly graceMs: number;
  readonly counts: BarBuilderCounts = { tradeBars: 0, flatBars: 0, gaps: 0, lateTrades: 0 };
  private readonly len: number;
  private readonly sink: BarSink;
  private readonly firstOpen: number;
  /** Open time of the earliest interval not yet decided; NaN until the first trade. */
  private nextOpen = Number.NaN;
  private lastClose = Number.NaN;
  // The forming bar (valid when n > 0); first/last trade times order o and c within the bar.
  private n = 0;
  private o = 0;
  private h = 0;
  private l = 0;
  private c = 0;
  private v = 0;
  private oTime = 0;
  private cTime = 0;
  /** Down since this instant (NaN while up), and finished down periods [from, to) still relevant. */
  private downSince = Number.NaN;
  private downs: [number, number][] = [];

  constructor(opts: BarBuilderOptions, sink: BarSink) {
    this.venue = opts.venue;
    this.symbol = opts.symbol;
    this.interval = opts.interval;
    this.graceMs = opts.graceMs ?? 2000;
    this.len = INTERVALS[opts.interval];
    this.sink = sink;
    if (opts.startMs !== undefined) this.downs.push([Number.NEGATIVE_INFINITY, opts.startMs]);
    this.firstOpen = opts.startMs === undefined ? Infinity : opts.startMs - (opts.startMs % this.len);
  }

  /** Adds a (validated, de-duplicated) trade. Trades for an interval already decided are late. */
  trade(price: number, size: number, venueTimeMs: number): TradeResult {
    const open = venueTimeMs - (venueTimeMs % this.len);
    if (this.nextOpen !== this.nextOpen) this.nextOpen = Math.min(open, this.firstOpen);
    if (open < this.nextOpen) {
      this.counts.lateTrades++;
      return "late";
    }
    while (this.nextOpen < open) this.decide();
    if (this.n === 0) {
      this.o =
        this.h =
        this.l =
        this.c =
          price;
      this.oTime = this.cTime = venueTimeMs;
    } else {
      if (price > this.h) this.h = price;
      if (price < this.l) this.l = price;
      if (venueTimeMs < this.oTime) {
        this.o = price;
        this.oTime = venueTimeMs;
      }
      if (venueTimeMs >= this.cTime) {
        this.c = price;
        this.cTime = venueTimeMs;
      }
    }
    this.v += size;
    this.n++;
    return "accepted";
  }

  /** Closes every interval whose end + grace is at or before `nowMs` (feed clock). */
  advance(nowMs: number): void {
    if (this.nextOpen !== this.nextOpen) return;
    while (this.nextOpen + this.len + this.graceMs <= nowMs) this.decide();
  }

  /** End of the data (a replay's last frame at `lastMs`): decides every interval opening at or before it. */
  flush(lastMs: number): void {
    if (this.nextOpen !== this.nextOpen) return;
    while (this.nextOpen <= lastMs) this.decide();
  }

  connectionDown(atMs: number): void {
    if (this.downSince !== this.downSince) this.downSince = atMs;
  }

  connectionUp(atMs: number): void {
    if (this.downSince === this.downSince) {
      this.downs.push([this.downSince, atMs]);
      this.downSince = Number.NaN;
    }
  }

  get isDown(): boolean {
    return this.downSince === this.downSince;
  }

  /** Open time of the interval being formed (NaN before the first trade). */
  get formingOpenTimeMs(): number {
    return this.nextOpen;
  }

  private overlapsDown(open: number, end: number): boolean {
    if (this.downSince < end) return true; // false while up (NaN compares false)
    for (const [from, to] of this.downs) if (from < end && to > open) return true;
    return false;
  }

  /** Decides the interval at nextOpen: gap, bar from trades, or flat bar; then moves on. */
  private decide(): void {
    const open = this.nextOpen;
    const end = open + this.len;
    // No close known yet (nothing traded since the start): no flat bar to make, REST must tell.
    if (this.overlapsDown(open, end) || (this.n === 0 && this.lastClose !== this.lastClose)) {
      this.counts.gaps++;
      if (this.n > 0) this.lastClose = this.c; // best guess for a later flat bar until backfill
      this.sink.gap(open);
    } else if (this.n > 0) {
      this.counts.tradeBars++;
      this.lastClose = this.c;
      this.sink.bar(this.makeBar(open, this.o, this.h, this.l, this.c, this.v, this.n, "trades"));
    } else {
      this.counts.flatBars++;
      const p = this.lastClose;
      this.sink.bar(this.makeBar(open, p, p, p, p, 0, 0, "flat"));
    }
    this.n = 0;
    this.v = 0;
    this.nextOpen = end;
    if (this.downs.length > 0 && this.downs[0][1] <= end) this.downs = this.downs.filter((d) => d[1] > end);
  }

  private makeBar(
    openTimeMs: number,
    o: number,
    h: number,
    l: number,
    c: number,
    v: number,
    trades: number,
    origin: Bar["origin"],
  ): Bar {
    return {
      venue: this.venue,
      symbol: this.symbol,
      interval: this.interval,
      openTimeMs,
      o,
      h,
      l,
      c,
      v,
      trades,
      origin,
    };
  }
}
