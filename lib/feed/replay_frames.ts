// `replay --venue V --input FILE`: the feed's pipeline offline (mapper -> FeedIngest -> bars ->
// features) over the feed's recordings or bare venue frames (lib/feed/replay_input.ts). The clock is
// the recorded receive time, or the newest venue time seen in the session for bare frames. Several
// captures in one file are separate sessions (lib/feed/replay_sessions.ts), each with its own
// pipeline; duplicates are found across all of them. No REST: gaps are counted, never waited for.
// Open bars stay open at the end unless `flush`.
import { BarPipeline } from "../bars/bar_pipeline.ts";
import { recordProblem } from "../bars/trade_guard.ts";
import type { DqRow } from "../dq/dq_book.ts";
import { FeatureStage } from "../features/feature_stage.ts";
import {
  type ClosedBar,
  type Interval,
  INTERVALS,
  type ReleasedBar,
  type Trade,
  type Venue,
} from "../market/types.ts";
import { FeedIngest } from "./ingest.ts";
import { frameOf, timeOf, venueLines } from "./replay_input.ts";
import { timeline } from "./replay_sessions.ts";
import {
  count,
  emptyTally,
  gapIntervals,
  LISTED,
  mergeDq,
  type ReplayTally,
  type SessionSpan,
} from "./replay_tally.ts";

export type { ReplayTally } from "./replay_tally.ts";

/** Default silence limit for bare frames: a minute with no frame at all is a hole in the capture. */
export const BARE_SILENCE_MS = 60_000;
/**
 * Default for recordings with receive times: longer than the largest STALE_TIMEOUT_MS (1 h) + 1 s, so
 * the live feed had declared its link dead too (the recording's frames and heartbeats show it alive).
 */
export const RECORDED_SILENCE_MS = 3_601_000;

export interface ReplayOptions {
  readonly venue: Venue;
  readonly graceMs?: number;
  readonly intervals?: readonly Interval[];
  /** Close the bars still open at the end of each session (never inventing bars after its last data). */
  readonly flush?: boolean;
  /** A stretch longer than this with no frame is a recording gap (default by input shape, above). */
  readonly maxSilenceMs?: number;
  readonly onBar?: (bar: ClosedBar) => void;
  /** Every valid trade, first time seen, in input order, whether or not the bars could use it. */
  readonly onTrade?: (trade: Trade) => void;
}

export interface ReplayResult {
  readonly tally: ReplayTally;
  readonly dq: DqRow[];
}

export function replayText(text: string, opts: ReplayOptions): ReplayResult {
  const intervals = [...(opts.intervals ?? ["1m", "1h"])].sort((a, b) => INTERVALS[a] - INTERVALS[b]);
  const graceMs = opts.graceMs ?? 2000;
  const venue = opts.venue;
  const tally = emptyTally();
  // First pass: only each frame's time (sessions and gaps need the frames after it); the second pass
  // maps again rather than holding every event of the file.
  const times: number[] = [];
  let recorded = false;
  for (const line of venueLines(text, venue, tally)) {
    recorded ||= line.receivedAtMs !== null;
    times.push(timeOf(line, venue));
  }
  const maxSilenceMs = opts.maxSilenceMs ?? (recorded ? RECORDED_SILENCE_MS : BARE_SILENCE_MS);
  const steps = timeline(times, maxSilenceMs);
  // The live feed's feature stage (no REST repair offline), one per session: captures months apart
  // do not continue each other's indicators.
  let features = new FeatureStage();
  const onBar = (bar: ReleasedBar) => opts.onBar?.(features.close(bar));
  const books: DqRow[][] = [];
  /** Trade ids seen per symbol, across sessions (ids are unique per venue and symbol). */
  const seen = new Map<string, Set<string>>();
  let pipeline: BarPipeline | null = null;
  let ingest: FeedIngest | null = null;
  let span: SessionSpan = { fromMs: Number.NaN, toMs: Number.NaN, frames: 0 };
  let clock = Number.NEGATIVE_INFINITY;
  const endSession = (p: BarPipeline) => {
    if (opts.flush && Number.isFinite(clock)) p.flush(clock);
    books.push(p.dq.snapshot());
  };
  /** A valid trade seen for the first time is printed and counted; the others are counted by reason. */
  const keep = (t: Trade): "kept" | "invalid" | "duplicate" => {
    if (recordProblem(t) !== null) {
      count(tally.dropped, "invalid");
      return "invalid";
    }
    if (t.tradeId !== "") { // venues without ids (Kraken v1) cannot be de-duplicated
      let ids = seen.get(t.symbol);
      if (!ids) seen.set(t.symbol, ids = new Set());
      if (ids.has(t.tradeId)) {
        count(tally.dropped, "duplicate");
        return "duplicate";
      }
      ids.add(t.tradeId);
    }
    count(tally.trades, t.symbol);
    opts.onTrade?.(t);
    return "kept";
  };
  let i = 0;
  for (const line of venueLines(text, venue)) {
    const f = frameOf(line, venue);
    const step = steps[i++];
    if (pipeline === null || step.session !== tally.sessions - 1) {
      if (pipeline !== null) endSession(pipeline);
      const startMs = f.line.feedRecording ? f.timeMs : undefined;
      features = new FeatureStage();
      pipeline = new BarPipeline({ intervals, graceMs, startMs, awaitBackfill: false }, onBar);
      ingest = new FeedIngest(pipeline);
      tally.sessions++;
      span = { fromMs: Number.NaN, toMs: Number.NaN, frames: 0 };
      if (tally.spans.length < LISTED) tally.spans.push(span);
    }
    if (step.gapFromMs !== undefined) {
      // Nothing shows the connection alive in between: gap intervals there, never flat bars.
      tally.recordingGaps++;
      if (tally.gapSpans.length < LISTED) tally.gapSpans.push([step.gapFromMs, f.timeMs]);
      pipeline.connectionDown(venue, step.gapFromMs);
      pipeline.connectionUp(venue, f.timeMs, false);
    }
    clock = step.clockMs;
    if (Number.isFinite(clock)) {
      pipeline.advance(clock);
      if (!(span.fromMs <= clock)) span.fromMs = clock;
      span.toMs = clock;
    }
    tally.frames++;
    span.frames++;
    count(tally.kinds, f.r.kind);
    if (f.r.kind === "dropped") {
      count(tally.dropped, f.r.reason ?? "unknown");
      ingest!.dropped(venue, f.r.reason ?? "unknown", f.line.raw, Number.isFinite(clock) ? clock : 0);
    }
    const snapshot = f.r.snapshot === true;
    for (const e of f.events) {
      tally.events++;
      if (e.kind !== "trade") {
        count(tally.verdicts, step.straggler ? "straggler" : pipeline.event(e));
      } else if (step.straggler) {
        // Far from the session's clock: printed if valid and new, but its bars were decided long ago.
        keep(e);
        count(tally.verdicts, "straggler");
      } else if (keep(e) !== "duplicate") {
        count(tally.verdicts, ingest!.trade(e, snapshot)); // the guard counts invalid records too
      } else {
        pipeline.dq.inc(venue, e.symbol, "duplicates");
        count(tally.verdicts, "duplicate");
      }
    }
  }
  if (pipeline !== null) endSession(pipeline);
  const dq = mergeDq(books);
  tally.gapIntervals = gapIntervals(dq);
  return { tally, dq };
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
