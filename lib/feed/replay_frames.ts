// `replay --venue V --input FILE`: the feed's pipeline offline (mapper -> FeedIngest -> bars ->
// features). Input lines are the feed's recordings {"venue","conn","receivedAtMs","frame"}, the
// older {"receivedAtMs","raw"} shape, or bare venue frames (the shared fixtures). The clock is the
// recorded receive time, or the newest venue time seen for bare frames. No REST: gaps are reported,
// never waited for. Open bars stay open at the end unless `flush`.
import { BarPipeline } from "../bars/bar_pipeline.ts";
import type { DqRow } from "../dq/dq_book.ts";
import { FeatureStage } from "../features/feature_stage.ts";
import {
  type ClosedBar,
  type Interval,
  INTERVALS,
  type MarketEvent,
  type ReleasedBar,
  type Trade,
  type Venue,
} from "../market/types.ts";
import { mapFrame } from "../venues/registry.ts";
import { FeedIngest } from "./ingest.ts";

export interface ReplayOptions {
  readonly venue: Venue;
  readonly graceMs?: number;
  readonly intervals?: readonly Interval[];
  /** Close the bars still open at the end of the input (never inventing bars after the last data). */
  readonly flush?: boolean;
  readonly onBar?: (bar: ClosedBar) => void;
  /** Trades accepted into the bars (duplicates and invalid records left out), in input order. */
  readonly onTrade?: (trade: Trade) => void;
}

export interface ReplayTally {
  frames: number;
  kinds: Record<string, number>;
  events: number;
  verdicts: Record<string, number>;
  /** Recorded lines of another venue (left out); present only when non-zero. */
  otherVenue?: number;
}

export interface ReplayResult {
  readonly tally: ReplayTally;
  readonly dq: DqRow[];
}

interface Line {
  readonly raw: string;
  /** Recorded receive time, or null for a bare frame. */
  readonly receivedAtMs: number | null;
  /** From the feed's own recorder (its start interval was a gap live, so it is one here too). */
  readonly feedRecording: boolean;
  readonly venue?: string;
}

/** Classifies one input line; bare frames (anything else, even broken JSON) are frames themselves. */
export function readLine(line: string): Line {
  if (line.startsWith("{") && line.includes('"receivedAtMs"')) {
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch { /* a bare frame that happens to mention receivedAtMs */ }
    if (o !== null && typeof o === "object") {
      const r = o as Record<string, unknown>;
      const t = r.receivedAtMs;
      if (typeof t === "number" && Number.isFinite(t)) {
        const venue = typeof r.venue === "string" ? r.venue : undefined;
        if (typeof r.frame === "string") return { raw: r.frame, receivedAtMs: t, feedRecording: true, venue };
        if (typeof r.raw === "string") return { raw: r.raw, receivedAtMs: t, feedRecording: false, venue };
      }
    }
  }
  return { raw: line, receivedAtMs: null, feedRecording: false };
}

export function replayText(text: string, opts: ReplayOptions): ReplayResult {
  const intervals = [...(opts.intervals ?? ["1m", "1h"])].sort((a, b) => INTERVALS[a] - INTERVALS[b]);
  const graceMs = opts.graceMs ?? 2000;
  const tally: ReplayTally = { frames: 0, kinds: {}, events: 0, verdicts: {} };
  let pipeline: BarPipeline | null = null;
  let ingest: FeedIngest | null = null;
  let clock = Number.NEGATIVE_INFINITY;
  let flushing = false;
  const features = new FeatureStage(); // the live feed's feature stage (no REST repair offline)
  const onClosed = (bar: ReleasedBar) => {
    // While flushing, intervals after the last data were never seen: no bars for them.
    if (flushing && bar.openTimeMs > clock) return;
    const closed = features.close(bar);
    opts.onBar?.(closed);
  };
  const count = (rec: Record<string, number>, k: string) => (rec[k] = (rec[k] ?? 0) + 1);
  for (const text1 of text.split("\n")) {
    if (text1.trim() === "") continue;
    const line = readLine(text1);
    if (line.venue !== undefined && line.venue !== opts.venue) {
      tally.otherVenue = (tally.otherVenue ?? 0) + 1;
      continue;
    }
    if (pipeline === null) {
      const startMs = line.feedRecording && line.receivedAtMs !== null ? line.receivedAtMs : undefined;
      pipeline = new BarPipeline({ intervals, graceMs, startMs, awaitBackfill: false }, onClosed);
      ingest = new FeedIngest(pipeline);
    }
    const recorded = line.receivedAtMs !== null;
    if (recorded && line.receivedAtMs! > clock) clock = line.receivedAtMs!;
    const r = mapFrame(opts.venue, line.raw, recorded ? line.receivedAtMs! : Math.max(clock, 0));
    let events: readonly MarketEvent[] = r.events;
    if (!recorded && events.length > 0) {
      for (const e of events) if (e.venueTimeMs > clock) clock = e.venueTimeMs;
      const t = clock;
      events = events.map((e) => ({ ...e, receivedAtMs: t }));
    }
    if (Number.isFinite(clock)) pipeline.advance(clock);
    tally.frames++;
    count(tally.kinds, r.kind);
    if (r.kind === "dropped") ingest!.dropped(opts.venue, r.reason ?? "unknown", line.raw, clock);
    const snapshot = r.snapshot === true;
    for (const e of events) {
      tally.events++;
      const v = e.kind === "trade" ? ingest!.trade(e, snapshot) : pipeline.event(e);
      count(tally.verdicts, v);
      if (e.kind === "trade" && (v === "bar_input" || v === "late")) opts.onTrade?.(e);
    }
  }
  if (pipeline !== null && opts.flush && Number.isFinite(clock)) {
    // Move the clock just past the end of the coarsest interval holding the last data.
    const len = INTERVALS[intervals[intervals.length - 1]];
    flushing = true;
    pipeline.advance(clock - (clock % len) + len + graceMs);
  }
  return { tally, dq: pipeline?.dq.snapshot() ?? [] };
}

/** One normalised trade as a replay output line. */
export function tradeLine(t: Trade): string {
  return JSON.stringify({
    venue: t.venue,
    symbol: t.symbol,
    tradeId: t.tradeId,
    price: t.price,
    size: t.size,
    side: t.side,
    venueTimeMs: t.venueTimeMs,
    receivedAtMs: t.receivedAtMs,
  });
}
