// Venue-time windows in which a stream may have lost trades (an invalid or malformed frame, a jump
// in trade ids, a trade that arrived after its bar closed). A closed bar overlapping one is checked
// against the venue's REST kline before it is stored. Pure: time comes in as arguments.
import { type Bar, INTERVALS, type SymbolName, type Venue } from "../market/types.ts";

interface Window {
  readonly symbol: SymbolName | null;
  readonly fromMs: number;
  readonly toMs: number;
}

/** Windows are kept this long past their end: long enough for the coarsest bar (1h) to close. */
const KEEP_MS = 2 * INTERVALS["1h"];
/** Bound on windows per venue (a storm of bad frames must not grow memory without limit). */
const MAX_PER_VENUE = 4096;

export class SuspectBook {
  private readonly byVenue = new Map<Venue, Window[]>();
  /** Windows dropped because a venue had too many (its bars are then all checked: see isSuspect). */
  overflowed = 0;
  private readonly overflowUntil = new Map<Venue, number>();

  /** Marks [fromMs, toMs] (venue time) of a stream, or of every symbol of the venue (symbol null). */
  mark(venue: Venue, symbol: SymbolName | null, fromMs: number, toMs: number): void {
    if (!Number.isFinite(toMs)) return;
    const from = Number.isFinite(fromMs) ? fromMs : toMs;
    let list = this.byVenue.get(venue);
    if (!list) this.byVenue.set(venue, list = []);
    const last = list.at(-1);
    // Consecutive marks of the same stream usually touch: widen instead of adding.
    if (last && last.symbol === symbol && from <= last.toMs && from >= last.fromMs) {
      list[list.length - 1] = { symbol, fromMs: last.fromMs, toMs: Math.max(last.toMs, toMs) };
      return;
    }
    if (list.length >= MAX_PER_VENUE) {
      this.overflowed++;
      this.overflowUntil.set(venue, Math.max(this.overflowUntil.get(venue) ?? 0, toMs));
      list.shift();
    }
    list.push({ symbol, fromMs: from, toMs });
  }

  /** Whether a closed bar overlaps a window of its stream. */
  isSuspect(bar: Bar): boolean {
    const start = bar.openTimeMs;
    const end = start + INTERVALS[bar.interval];
    if ((this.overflowUntil.get(bar.venue) ?? -Infinity) >= start) return true;
    const list = this.byVenue.get(bar.venue);
    if (!list) return false;
    for (const w of list) {
      if ((w.symbol === null || w.symbol === bar.symbol) && w.fromMs < end && w.toMs >= start) return true;
    }
    return false;
  }

  /** Forgets windows that ended long before `venueNowMs`. */
  prune(venueNowMs: number): void {
    for (const [venue, list] of this.byVenue) {
      const keep = list.filter((w) => w.toMs + KEEP_MS > venueNowMs);
      if (keep.length !== list.length) this.byVenue.set(venue, keep);
    }
  }

  get size(): number {
    let n = 0;
    for (const list of this.byVenue.values()) n += list.length;
    return n;
  }
}
