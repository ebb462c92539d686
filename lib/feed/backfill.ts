// Gap backfill: the pipeline holds bars behind an interval it could not build (feed down, or a hole
// the store had at start); this fetches the venue's REST klines for those intervals, paging by the
// venue's per-request limit, and hands them back. A failed request (error, 429/418) keeps every gap
// of its range pending and pauses that venue with backoff; only answers that lack a bar use up its
// rounds, after which it is given up (the held bars go on without it) and counted.
import type { BarPipeline, GapRef } from "../bars/bar_pipeline.ts";
import { INTERVALS, type Venue, type VenueKline } from "../market/types.ts";
import type { Logger } from "../log.ts";
import { REST_PAGE_BARS, type RestKlineClient, RestRateLimited } from "./rest_fetch.ts";

export interface BackfillOptions {
  readonly pipeline: BarPipeline;
  readonly rest: RestKlineClient;
  /** Feed clock. */
  readonly now: () => number;
  /** Wall clock for the pause after a failed request (default Date.now). */
  readonly wallNow?: () => number;
  readonly log?: Logger;
  /** Answers without the bar before a gap is given up. Default 5. */
  readonly maxRounds?: number;
  /** Bars per request by venue (default REST_PAGE_BARS). */
  readonly pageBars?: Readonly<Partial<Record<Venue, number>>>;
  /** Pause after a failed request, doubling per failure up to the max (wall ms). Default 1000 / 60000. */
  readonly pauseBaseMs?: number;
  readonly pauseMaxMs?: number;
}

export class Backfiller {
  /** Gaps filled / given up / requests that failed (kept pending). */
  filled = 0;
  abandoned = 0;
  failedRounds = 0;
  private readonly opts: BackfillOptions;
  private readonly rounds = new Map<string, number>();
  /** Venue -> wall ms of its next allowed request and the current pause after failures. */
  private readonly pausedUntil = new Map<Venue, number>();
  private readonly pause = new Map<Venue, number>();
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
    const { pipeline } = this.opts;
    const wallNow = this.opts.wallNow ?? Date.now;
    const byStream = new Map<string, GapRef[]>();
    const open = new Set<string>();
    const now = this.opts.now();
    for (const g of pipeline.pendingGaps()) {
      const key = `${g.venue}|${g.symbol}|${g.interval}`;
      open.add(`${key}|${g.openTimeMs}`);
      // The venue only serves an interval once it has closed there.
      if (g.openTimeMs + INTERVALS[g.interval] > now) continue;
      (byStream.get(key) ?? byStream.set(key, []).get(key)!).push(g);
    }
    // A gap the pipeline expired on its own (maxGapWaitMs) is gone: forget its round count too.
    for (const key of this.rounds.keys()) if (!open.has(key)) this.rounds.delete(key);
    for (const gaps of byStream.values()) {
      const venue = gaps[0].venue;
      const len = INTERVALS[gaps[0].interval];
      const page = (this.opts.pageBars?.[venue] ?? REST_PAGE_BARS[venue]) * len;
      for (let i = 0; i < gaps.length;) {
        if ((this.pausedUntil.get(venue) ?? 0) > wallNow()) break;
        let j = i + 1;
        while (j < gaps.length && gaps[j].openTimeMs < gaps[i].openTimeMs + page) j++;
        if (!await this.page(gaps.slice(i, j))) break;
        i = j;
      }
    }
  }

  /** One request for gaps within one page; false when it failed (the venue is paused). */
  private async page(gaps: readonly GapRef[]): Promise<boolean> {
    const { pipeline, rest } = this.opts;
    const { venue, symbol, interval } = gaps[0];
    const fromMs = gaps[0].openTimeMs;
    const toMs = gaps[gaps.length - 1].openTimeMs;
    let rows: VenueKline[];
    try {
      rows = await rest.klines(venue, symbol, interval, fromMs, toMs);
    } catch (err) {
      this.failedRounds++;
      const wallNow = this.opts.wallNow ?? Date.now;
      const base = this.opts.pauseBaseMs ?? 1000;
      const wait = Math.min(this.opts.pauseMaxMs ?? 60_000, 2 * (this.pause.get(venue) ?? base / 2));
      this.pause.set(venue, wait);
      const held = err instanceof RestRateLimited ? Math.max(wait, err.retryAfterMs) : wait;
      this.pausedUntil.set(venue, wallNow() + held);
      this.opts.log?.("warn", "backfill request failed; range kept", {
        venue,
        symbol,
        interval,
        fromMs,
        toMs,
        retryInMs: held,
        error: err instanceof Error ? err.message : String(err),
      });
      return false;
    }
    this.pause.delete(venue);
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
      // The venue answered without this bar every time (e.g. older than it serves): give up.
      this.rounds.delete(key);
      if (pipeline.abandonGap(g)) this.abandoned++;
      this.opts.log?.("warn", "backfill gave up on a gap the venue does not serve", {
        venue,
        symbol,
        interval,
        openTimeMs: g.openTimeMs,
      });
    }
    return true;
  }
}
