// One venue+symbol's stream in the bar pipeline: its trade guard (invalid, duplicate, id gaps) in
// front of one interval stream per bar interval, and what a trade, a venue kline or a REST kline does.
import type { SymbolCounters } from "../dq/dq_book.ts";
import { barProblem } from "../features/feature_set.ts";
import type { Bar, Interval, SymbolName, Trade, Venue, VenueKline } from "../market/types.ts";
import type { BarBuilder } from "./bar_builder.ts";
import { fillGap, type IntervalStream } from "./interval_stream.ts";
import { CONTIGUOUS_ID_VENUES, TradeGuard } from "./trade_guard.ts";

/** What happened to one event; "late" means dropped by the finest interval's builder. */
export type EventVerdict = "bar_input" | "kline" | "invalid" | "duplicate" | "late" | "ignored";

export interface SymbolStream {
  venue: Venue;
  symbol: SymbolName;
  guard: TradeGuard;
  dq: SymbolCounters;
  intervals: Map<Interval, IntervalStream>;
  /** The same streams, finest first: the per-trade loop walks an array, not a Map iterator. */
  builders: BarBuilder[];
}

/** One venue+symbol's stream, for callers that feed it trades without a lookup per trade. */
export type TradeStream = Readonly<Pick<SymbolStream, "venue" | "symbol">>;

export interface GapRef {
  readonly venue: Venue;
  readonly symbol: SymbolName;
  readonly interval: Interval;
  readonly openTimeMs: number;
}

export interface GuardOptions {
  readonly idWindow?: number;
  readonly maxSkewMs?: number;
}

/** (Re)starts a stream's guard and its interval streams (finest first), opened by `open`. */
export function resetStream(
  s: SymbolStream,
  guard: GuardOptions,
  intervals: readonly Interval[],
  open: (interval: Interval) => IntervalStream,
): SymbolStream {
  s.guard = new TradeGuard({
    idWindow: guard.idWindow,
    maxSkewMs: guard.maxSkewMs,
    contiguousIds: CONTIGUOUS_ID_VENUES.has(s.venue),
  });
  s.intervals = new Map();
  s.builders = [];
  for (const interval of intervals) {
    const st = open(interval);
    s.intervals.set(interval, st);
    s.builders.push(st.builder);
  }
  return s;
}

/** A trade through the guard into every interval's builder; counted by verdict. */
export function streamTrade(s: SymbolStream, t: Trade): EventVerdict {
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

/** A venue kline, checked against the bar built for its interval. */
export function streamKline(s: SymbolStream, k: VenueKline): EventVerdict {
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

/** A REST kline for a reported gap; false (counted) when it is bad or no such gap is open. */
export function streamBackfill(s: SymbolStream, k: VenueKline | Bar): boolean {
  const st = s.intervals.get(k.interval);
  if (!st || barProblem(k, Number.NEGATIVE_INFINITY) !== null) {
    s.dq.invalid++;
    return false;
  }
  return fillGap(st, k);
}

/** The stream's gaps waiting for a backfill, per interval, oldest first, appended to `out`. */
export function pendingGaps(s: SymbolStream, out: GapRef[]): void {
  for (const [interval, st] of s.intervals) {
    for (const openTimeMs of st.seq.openGaps()) {
      out.push({ venue: s.venue, symbol: s.symbol, interval, openTimeMs });
    }
  }
}
