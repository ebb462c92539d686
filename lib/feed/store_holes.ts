// Restart backfill, the store side: at start, every stream's intervals missing from the store
// between its first stored bar and the interval the feed starts in (the pipeline makes that one a
// gap itself). Holes within BACKFILL_MAX_LOOKBACK become gaps to backfill from REST; older ones are
// only counted, never silently skipped. A hole a previous run could not fill is found again here.
import type { BarPipeline } from "../bars/bar_pipeline.ts";
import type { Logger } from "../log.ts";
import { type Interval, INTERVALS, type SymbolName, type Venue } from "../market/types.ts";
import type { BarStoreApi } from "../store/bar_store_api.ts";

export interface StreamRef {
  readonly venue: Venue;
  readonly symbol: SymbolName;
  readonly interval: Interval;
}

export interface StreamHoles extends StreamRef {
  /** Missing open times within the lookback, oldest first. */
  readonly holes: number[];
  /** Missing intervals older than the lookback: reported as not recovered. */
  readonly beyondLookback: number;
}

/** What the scan reads from the store. */
export type HoleSource = Pick<BarStoreApi, "span" | "openTimes" | "countBars">;

/** Aligned open times in [fromMs, toMs) that are not in `stored` (ascending). Pure. */
export function missingOpens(
  stored: readonly number[],
  fromMs: number,
  toMs: number,
  intervalMs: number,
): number[] {
  const have = new Set(stored);
  const out: number[] = [];
  const first = Math.ceil(fromMs / intervalMs) * intervalMs;
  for (let t = first; t < toMs; t += intervalMs) if (!have.has(t)) out.push(t);
  return out;
}

/**
 * The holes of every stream that has stored bars. `startMs` is the feed's start (feed clock);
 * `lookbackMs` bounds how far back REST is asked.
 */
export async function findStoreHoles(
  store: HoleSource,
  streams: readonly StreamRef[],
  startMs: number,
  lookbackMs: number,
): Promise<StreamHoles[]> {
  const out: StreamHoles[] = [];
  for (const { venue, symbol, interval } of streams) {
    const span = await store.span(venue, symbol, interval);
    if (span === null) continue;
    const len = INTERVALS[interval];
    const startOpen = startMs - (startMs % len);
    const floor = Math.ceil((startMs - lookbackMs) / len) * len;
    const from = Math.max(span.firstMs, floor);
    const holes = from < startOpen
      ? missingOpens(await store.openTimes(venue, symbol, interval, from, startOpen), from, startOpen, len)
      : [];
    let beyondLookback = 0;
    const oldEnd = Math.min(floor, startOpen);
    if (span.firstMs < oldEnd) {
      const first = Math.ceil(span.firstMs / len) * len;
      const stored = await store.countBars({ venue, symbol, interval, fromMs: first, toMs: oldEnd });
      beyondLookback = Math.max(0, Math.ceil((oldEnd - first) / len) - stored);
    }
    if (holes.length > 0 || beyondLookback > 0) out.push({ venue, symbol, interval, holes, beyondLookback });
  }
  return out;
}

/**
 * Hands every hole to the pipeline as a gap (the Backfiller then pages them in from REST) and
 * records what lies beyond the lookback in `beyond` (venue|symbol|interval -> bars). Returns the
 * number of gaps added.
 */
export function restoreHoles(
  pipeline: Pick<BarPipeline, "restoreGaps">,
  found: readonly StreamHoles[],
  atMs: number,
  beyond: Map<string, number>,
  log?: Logger,
): number {
  let added = 0;
  for (const h of found) {
    added += pipeline.restoreGaps(h.venue, h.symbol, h.interval, h.holes, atMs);
    if (h.beyondLookback > 0) beyond.set(`${h.venue}|${h.symbol}|${h.interval}`, h.beyondLookback);
    log?.(h.beyondLookback > 0 ? "warn" : "info", "store holes at start", {
      venue: h.venue,
      symbol: h.symbol,
      interval: h.interval,
      toBackfill: h.holes.length,
      fromMs: h.holes[0] ?? null,
      beyondLookback: h.beyondLookback,
    });
  }
  return added;
}
