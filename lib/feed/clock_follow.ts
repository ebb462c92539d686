// Following the venue's clock from the feed: periodic syncs, a sync after every (re)connect, and a
// gate that holds closed bars while the clock is in doubt. A jump (a restarted simulator) starts a
// new timeline: bars held from the old clock are discarded, the pipeline is rebased at the venue's
// new now, and stored bars from that now on (the "future" of the old timeline) are deleted, so the
// store and /api/bars serve the new timeline's bars instead of flat bars from a clock nobody trusts.
import type { BarPipeline } from "../bars/bar_pipeline.ts";
import type { Logger } from "../log.ts";
import { type Interval, INTERVALS, type ReleasedBar } from "../market/types.ts";
import type { ClockJump, FeedClock } from "./clock.ts";

export interface ClockFollowDeps {
  readonly clock: FeedClock;
  readonly pipeline: BarPipeline;
  readonly intervals: readonly Interval[];
  readonly feedNow: () => number;
  /** Waits until every closed bar handed on so far is stored. */
  readonly drain: () => Promise<void>;
  /** Deletes one interval's stored bars opening at or after fromMs; resolves with how many. */
  readonly prune?: (interval: Interval, fromMs: number) => Promise<number>;
  readonly pass: (bar: ReleasedBar) => void;
  /** After the old timeline's bars are stored: start the commit path's per-stream state again. */
  readonly newTimeline?: () => void;
  readonly log: Logger;
  readonly signal: AbortSignal;
}

export class ClockFollow {
  /** Bars closed while the clock is in doubt: passed on after a clean sync, dropped after a jump. */
  discardedBars = 0;
  deletedBars = 0;
  private held: ReleasedBar[] = [];
  private doubt = false;
  private running: Promise<void> | null = null;
  /** Failing syncs log once (the simulator being down is already logged per connect attempt). */
  private failing = false;

  constructor(private readonly deps: ClockFollowDeps) {}

  /** True when the clock can be followed (the simulator's); a wall clock needs none of this. */
  get enabled(): boolean {
    return this.deps.clock.sync !== undefined;
  }

  /** False while a sync the bars wait for is under way: don't advance the pipeline meanwhile. */
  get trusted(): boolean {
    return !this.doubt;
  }

  /** A venue (re)connected: it may be a restarted simulator, so bars wait for a fresh sync. */
  doubtNow(): void {
    if (!this.enabled) return;
    this.doubt = true;
    void this.sync();
  }

  /** A closed bar: passed on unless the clock is in doubt. */
  bar(bar: ReleasedBar): void {
    if (this.doubt) this.held.push(bar);
    else this.deps.pass(bar);
  }

  /** One sync at a time; a failure keeps the doubt (bars wait) until a later sync succeeds. */
  sync(): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    return this.running ??= this.once().finally(() => this.running = null);
  }

  /** Resolves once the sync under way (if any) is done; starts none (stop() uses it). */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async once(): Promise<void> {
    let jump: ClockJump | null;
    try {
      jump = await this.deps.clock.sync!(this.deps.signal);
    } catch (err) {
      if (!this.deps.signal.aborted && !this.failing) {
        this.failing = true;
        this.deps.log("warn", "venue clock sync failed", {
          error: err instanceof Error ? err.message : String(err),
        });
      }
      return;
    }
    if (this.failing) this.deps.log("info", "venue clock sync back", {});
    this.failing = false;
    if (jump !== null) await this.rebase(jump);
    this.doubt = false;
    const held = this.held;
    this.held = [];
    for (const b of held) this.deps.pass(b);
  }

  /**
   * Deletes stored bars from the interval `nowMs` falls in on (every interval): they cannot have closed
   * yet, so they come from a clock that ran ahead (a jump now, or a simulator run before a restart).
   */
  async pruneAhead(nowMs: number): Promise<number> {
    let deleted = 0;
    for (const iv of this.deps.intervals) {
      const from = nowMs - (nowMs % INTERVALS[iv]);
      deleted += await this.deps.prune?.(iv, from).catch((err) => {
        this.deps.log("error", "could not delete bars ahead of the clock", {
          interval: iv,
          error: String(err),
        });
        return 0;
      }) ?? 0;
    }
    this.deletedBars += deleted;
    return deleted;
  }

  private async rebase(jump: ClockJump): Promise<void> {
    this.doubt = true;
    const now = this.deps.feedNow();
    // Held bars came from the clock the venue no longer agrees with: never store them.
    this.discardedBars += this.held.length;
    const discarded = this.held.length;
    this.held = [];
    this.deps.pipeline.rebase(now);
    // Bars of the old timeline already handed on are stored first, then what lies ahead is deleted.
    await this.deps.drain();
    this.deps.newTimeline?.();
    const deleted = await this.pruneAhead(now);
    this.deps.log("warn", "venue clock jumped: bars restart on the venue's clock", {
      ...jump,
      offsetMs: jump.toMs - jump.fromMs,
      discardedBars: discarded,
      deletedBars: deleted,
    });
  }
}
