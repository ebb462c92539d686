// What a replay saw, for the operator (stderr): frames by kind, events by bar-stage verdict, capture
// sessions, trades kept per symbol, recording gaps, and what was left out with the reason. The
// data-quality rows of every session's pipeline are summed into one set.
import type { DqRow } from "../dq/dq_book.ts";

/** At most this many sessions and recording gaps are listed (all are counted). */
export const LISTED = 20;

export interface SessionSpan {
  fromMs: number;
  toMs: number;
  frames: number;
}

export interface ReplayTally {
  frames: number;
  kinds: Record<string, number>;
  events: number;
  /** Bar-stage verdicts; "straggler": a frame far outside its session's clock, kept out of the bars. */
  verdicts: Record<string, number>;
  /** Recorded lines of another venue (left out); present only when non-zero. */
  otherVenue?: number;
  /** Capture sessions: a new one starts where time goes back (a file holding several captures). */
  sessions: number;
  /** The first LISTED sessions' clock ranges (frames without a time count in the session they follow). */
  spans: SessionSpan[];
  /** Trades kept (printed with --emit trades) per symbol: every valid, first-seen trade. */
  trades: Record<string, number>;
  /** Stretches longer than the silence limit with no frame: no bars (gap intervals), never flat. */
  recordingGaps: number;
  /** The first LISTED recording gaps [fromMs, toMs). */
  gapSpans: [number, number][];
  /** Intervals decided as gaps (no bar), per symbol and interval: recording gaps, session starts. */
  gapIntervals: Record<string, Record<string, number>>;
  /** Left out, by reason: "duplicate" (venue, symbol, trade id seen before), "invalid" (a trade with a
   * bad field), and the mapper's drop reasons per frame (invalid_value, malformed_json, ...). */
  dropped: Record<string, number>;
}

export function emptyTally(): ReplayTally {
  return {
    frames: 0,
    kinds: {},
    events: 0,
    verdicts: {},
    sessions: 0,
    spans: [],
    trades: {},
    recordingGaps: 0,
    gapSpans: [],
    gapIntervals: {},
    dropped: {},
  };
}

export function count(rec: Record<string, number>, key: string, n = 1): void {
  rec[key] = (rec[key] ?? 0) + n;
}

/** Sums the DqBook snapshots of several pipelines, row by row (venue, symbol), sorted. */
export function mergeDq(books: readonly DqRow[][]): DqRow[] {
  if (books.length === 1) return books[0];
  const rows = new Map<
    string,
    {
      venue: DqRow["venue"];
      symbol: string;
      counters: Record<string, number>;
      intervals: Record<string, Record<string, number>>;
    }
  >();
  for (const book of books) {
    for (const r of book) {
      const key = `${r.venue}|${r.symbol}`;
      let m = rows.get(key);
      if (!m) rows.set(key, m = { venue: r.venue, symbol: r.symbol, counters: {}, intervals: {} });
      for (const [k, v] of Object.entries(r.counters)) count(m.counters, k, v);
      for (const [iv, c] of Object.entries(r.intervals)) {
        const into = m.intervals[iv] ??= {};
        for (const [k, v] of Object.entries(c ?? {})) count(into, k, v);
      }
    }
  }
  return [...rows.values()]
    .sort((a, b) => a.venue.localeCompare(b.venue) || a.symbol.localeCompare(b.symbol)) as unknown as DqRow[];
}

/** The gap intervals of merged DqBook rows, per symbol and interval (non-zero only). */
export function gapIntervals(rows: readonly DqRow[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    for (const [iv, c] of Object.entries(r.intervals)) {
      if (c && c.gap_bars > 0) (out[r.symbol] ??= {})[iv] = c.gap_bars;
    }
  }
  return out;
}
