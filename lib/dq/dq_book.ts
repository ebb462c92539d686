// Data-quality counters per venue/symbol (and per interval where a bar stream is involved), as
// plain data the feed's /metrics renders at scrape time via snapshot().
import type { Interval, SymbolName, Venue } from "../market/types.ts";

/** Counters of one venue+symbol. `symbol` "*" holds venue-level records (e.g. unparseable frames). */
export interface SymbolCounters {
  /** Records dropped because a field was missing, NaN or out of range. */
  invalid: number;
  /** Trades dropped because their id was seen recently. */
  duplicates: number;
  /** Trade-id discontinuities (contiguous-id venues): a soft signal of missed trades. */
  id_gaps: number;
  ids_missing: number;
  /** Trades dropped because their bar had already closed (finest interval). */
  late_trades: number;
  stalls: number;
  reconnects: number;
}

/** Counters of one venue+symbol+interval bar stream. */
export interface IntervalCounters {
  trade_bars: number;
  flat_bars: number;
  /** Intervals that could not be built (feed down): missing bars. */
  gap_bars: number;
  backfilled_bars: number;
  /** Gaps given up without a backfill. */
  abandoned_gaps: number;
  kline_checked: number;
  kline_mismatches: number;
}

export type SymbolField = keyof SymbolCounters;
export type IntervalField = keyof IntervalCounters;

export interface DqRow {
  readonly venue: Venue;
  readonly symbol: SymbolName;
  readonly counters: Readonly<SymbolCounters>;
  readonly intervals: Readonly<Partial<Record<Interval, Readonly<IntervalCounters>>>>;
}

const zeroSymbol = (): SymbolCounters => ({
  invalid: 0,
  duplicates: 0,
  id_gaps: 0,
  ids_missing: 0,
  late_trades: 0,
  stalls: 0,
  reconnects: 0,
});

const zeroInterval = (): IntervalCounters => ({
  trade_bars: 0,
  flat_bars: 0,
  gap_bars: 0,
  backfilled_bars: 0,
  abandoned_gaps: 0,
  kline_checked: 0,
  kline_mismatches: 0,
});

interface Entry {
  venue: Venue;
  symbol: SymbolName;
  counters: SymbolCounters;
  intervals: Partial<Record<Interval, IntervalCounters>>;
}

export class DqBook {
  private readonly entries = new Map<string, Entry>();

  private entry(venue: Venue, symbol: SymbolName): Entry {
    const key = `${venue}|${symbol}`;
    let e = this.entries.get(key);
    if (!e) {
      e = { venue, symbol, counters: zeroSymbol(), intervals: {} };
      this.entries.set(key, e);
    }
    return e;
  }

  /** The live counters of a venue+symbol (created at zero), for cheap in-place increments. */
  symbol(venue: Venue, symbol: SymbolName): SymbolCounters {
    return this.entry(venue, symbol).counters;
  }

  /** The live counters of a bar stream (created at zero). */
  interval(venue: Venue, symbol: SymbolName, interval: Interval): IntervalCounters {
    const e = this.entry(venue, symbol);
    return (e.intervals[interval] ??= zeroInterval());
  }

  inc(venue: Venue, symbol: SymbolName, field: SymbolField, n = 1): void {
    this.symbol(venue, symbol)[field] += n;
  }

  incInterval(venue: Venue, symbol: SymbolName, interval: Interval, field: IntervalField, n = 1): void {
    this.interval(venue, symbol, interval)[field] += n;
  }

  /** A deep copy, sorted by venue then symbol: safe to render or serialise. */
  snapshot(): DqRow[] {
    return [...this.entries.values()]
      .sort((a, b) => a.venue.localeCompare(b.venue) || a.symbol.localeCompare(b.symbol))
      .map((e) => ({
        venue: e.venue,
        symbol: e.symbol,
        counters: { ...e.counters },
        intervals: Object.fromEntries(Object.entries(e.intervals).map(([k, v]) => [k, { ...v }])),
      }));
  }

  /** Sums one symbol-level counter over every venue and symbol. */
  total(field: SymbolField): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.counters[field];
    return n;
  }

  /** Sums one interval-level counter over every stream. */
  totalInterval(field: IntervalField): number {
    let n = 0;
    for (const e of this.entries.values()) {
      for (const c of Object.values(e.intervals)) n += c[field];
    }
    return n;
  }
}
