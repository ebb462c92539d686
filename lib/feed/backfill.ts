// Gap backfill: the pipeline holds bars behind an interval it could not build (feed down); this
// fetches the venue's REST klines for those intervals and hands them back. One pass per call; a gap
// whose rounds are used up is given up (the held bars go on without it) and counted.
import type { BarPipeline, GapRef } from "../bars/bar_pipeline.ts";
import { INTERVALS, type VenueKline } from "../market/types.ts";
import type { Logger } from "../log.ts";
import type { RestKlines } from "./rest_fetch.ts";

export interface BackfillOptions {
  readonly pipeline: BarPipeline;
  readonly rest: RestKlines;
  readonly now: () => number;
  readonly log?: Logger;
  /** Rounds (each with the RestKlines retries inside) before a gap is given up. Default 5. */
  readonly maxRounds?: number;
}

export class Backfiller {
  /** Gaps filled / given up / REST rounds that failed. */
  filled = 0;
  abandoned = 0;
  failedRounds = 0;
  private readonly opts: BackfillOptions;
  private readonly rounds = new Map<string, number>();
  private running: Promise<void> | null = null;

  constructor(opts: BackfillOptions) {
    this.opts = opts;
  }

  /** Starts a pass unless one is running; resolves when that pass ends. Never rejects. */
  tick(): Promise<void> {
    if (!this.running) {
      this.running = this.pass().catch((err) => {
        this.opts.log?.("error", "backfill pass failed", { error: String(err) });
      }).finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private async pass(): Promise<void> {
    const { pipeline, rest } = this.opts;
    // One request per stream covering all of its open gaps (venue page limits are far above this).
    const byStream = new Map<string, GapRef[]>();
    const open = new Set<string>();
    for (const g of pipeline.pendingGaps()) {
      const key = `${g.venue}|${g.symbol}|${g.interval}`;
      const list = byStream.get(key) ?? byStream.set(key, []).get(key)!;
      list.push(g);
      open.add(`${key}|${g.openTimeMs}`);
    }
    // A gap the pipeline expired on its own (maxGapWaitMs) is gone: forget its round count too.
    for (const key of this.rounds.keys()) if (!open.has(key)) this.rounds.delete(key);
    for (const gaps of byStream.values()) {
      const { venue, symbol, interval } = gaps[0];
      const first = gaps[0].openTimeMs;
      const last = gaps[gaps.length - 1].openTimeMs;
      // The venue only serves an interval once it has closed there.
      if (last + INTERVALS[interval] > this.opts.now()) continue;
      let rows: VenueKline[];
      try {
        rows = await rest.klines(venue, symbol, interval, first, last);
      } catch (err) {
        this.failedRounds++;
        this.opts.log?.("warn", "backfill request failed", {
          venue,
          symbol,
          interval,
          fromMs: first,
          toMs: last,
          error: err instanceof Error ? err.message : String(err),
        });
        rows = [];
      }
      const byOpen = new Map(rows.map((k) => [k.openTimeMs, k]));
      for (const g of gaps) {
        const key = `${venue}|${symbol}|${interval}|${g.openTimeMs}`;
        const k = byOpen.get(g.openTimeMs);
        if (k && pipeline.backfill(k, this.opts.now())) {
          this.filled++;
          this.rounds.delete(key);
          continue;
        }
        const n = (this.rounds.get(key) ?? 0) + 1;
        if (n < (this.opts.maxRounds ?? 5)) {
          this.rounds.set(key, n);
          continue;
        }
        this.rounds.delete(key);
        if (pipeline.abandonGap(g)) this.abandoned++;
        this.opts.log?.("warn", "backfill gave up on a gap", {
          venue,
          symbol,
          interval,
          openTimeMs: g.openTimeMs,
        });
      }
    }
  }
}
