// One (venue, symbol, interval) stream of the bar pipeline: a bar builder whose bars are counted and
// checked against the venue's klines, then ordered (and held behind gaps) by a sequencer; bars the
// features would refuse are dropped at release. Also its gaps: backfilled, restored or given up.
import type { IntervalCounters } from "../dq/dq_book.ts";
import { barProblem } from "../features/feature_set.ts";
import type { Bar, Interval, SymbolName, Venue, VenueKline } from "../market/types.ts";
import { INTERVALS } from "../market/types.ts";
import { BarBuilder } from "./bar_builder.ts";
import { BarSequencer } from "./bar_sequencer.ts";
import { KlineCheck } from "./kline_check.ts";

export interface IntervalStream {
  builder: BarBuilder;
  seq: BarSequencer;
  check: KlineCheck;
  dq: IntervalCounters;
}

export interface IntervalStreamSpec {
  readonly venue: Venue;
  readonly symbol: SymbolName;
  readonly interval: Interval;
  readonly dq: IntervalCounters;
  readonly graceMs?: number;
  readonly awaitBackfill?: boolean;
  /** Where the pipeline's timeline starts (feed start or last rebase), if known. */
  readonly startMs: number | undefined;
  /** The venue's last reconnect, if any. */
  readonly upMs: number | undefined;
  /** Since when the venue is down, if it is now. */
  readonly downMs: number | undefined;
}

export interface IntervalStreamSinks {
  /** A bar the sequencer released in order that the features accept. */
  released(bar: Bar): void;
  /** A released bar the features would refuse (e.g. a volume sum overflow): dropped, to be counted. */
  refused(): void;
}

export function openIntervalStream(spec: IntervalStreamSpec, sinks: IntervalStreamSinks): IntervalStream {
  const { venue, symbol, interval, dq } = spec;
  const check = new KlineCheck();
  let lastReleased = Number.NEGATIVE_INFINITY;
  const seq = new BarSequencer(
    (bar) => {
      // What the features would refuse (e.g. a volume sum overflow) is dropped and counted here.
      if (barProblem(bar, lastReleased) !== null) {
        sinks.refused();
        return;
      }
      lastReleased = bar.openTimeMs;
      sinks.released(bar);
    },
    INTERVALS[interval],
    { awaitBackfill: spec.awaitBackfill },
  );
  // A stream first seen after a reconnect only trusts data from the reconnect on; its intervals
  // from the feed start on are still decided (as gaps), so none is skipped.
  const up = spec.upMs;
  const start = spec.startMs ?? up ?? Number.NEGATIVE_INFINITY;
  const builder = new BarBuilder({
    venue,
    symbol,
    interval,
    graceMs: spec.graceMs,
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
      if (spec.awaitBackfill === false) dq.abandoned_gaps++;
    },
  });
  if (up !== undefined && up > start) {
    builder.connectionDown(start);
    builder.connectionUp(up);
  }
  if (spec.downMs !== undefined) builder.connectionDown(spec.downMs);
  return { builder, seq, check, dq };
}

/** A checked REST kline (or bar) into its open gap; false when no such gap is waiting. */
export function fillGap(st: IntervalStream, k: VenueKline | Bar): boolean {
  const trades = "origin" in k ? k.trades : k.trades ?? 0;
  const bar: Bar = { ...pick(k), trades, origin: "backfill" };
  if (!st.seq.fill(bar)) return false;
  st.dq.backfilled_bars++;
  return true;
}

/** Intervals missing since before this run, held like the builder's gaps; how many were added. */
export function restoreGaps(st: IntervalStream, openTimesMs: readonly number[], atMs: number): number {
  for (const t of openTimesMs) st.seq.gap(t, atMs);
  st.dq.gap_bars += openTimesMs.length;
  return openTimesMs.length;
}

/** Gives up one open gap; false when no such gap is waiting. */
export function abandonGap(st: IntervalStream, openTimeMs: number): boolean {
  if (!st.seq.abandon(openTimeMs)) return false;
  st.dq.abandoned_gaps++;
  return true;
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
