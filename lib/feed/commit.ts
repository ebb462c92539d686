// The commit path of closed bars, one at a time in release order: a bar that may have lost a trade
// is checked against the venue's REST kline (and corrected), the feature stage computes its features
// (timed), the bar is upserted, and only once the upsert resolved (durable) is it published and
// counted. A bar corrected from REST after it was published is restated: the stream's indicators
// rewind to before it, it and every later bar of the stream are recomputed, and each one whose
// features changed is stored and published again under the same key. At a warm start (prime) the
// store's bars set each stream's indicators, so features continue as a fresh run over them would.
import type { Bar, ClosedBar, ReleasedBar, SymbolName, Venue, VenueKline } from "../market/types.ts";
import { INTERVALS } from "../market/types.ts";
import type { Logger } from "../log.ts";
import type { SuspectBook } from "./suspects.ts";
import type { FeatureKey } from "../features/feature_set.ts";
import { FeatureStage, type FeatureStream } from "../features/feature_stage.ts";
import { CommittedStream, type Entry, type RestateIo } from "./committed_stream.ts";
import { venueVersion } from "./kline_repair.ts";
import { SerialJobs } from "./serial_jobs.ts";
import { type BarSink, upsertWithRetries } from "./store_retry.ts";
import { UnconfirmedBars } from "./unconfirmed.ts";

export interface CommitDeps {
  readonly store: BarSink;
  readonly publish: (bar: ClosedBar, restated: boolean) => void;
  /** The venue's closed kline for a bar's interval, or null when the venue cannot say (REST failed). */
  readonly venueBar: (bar: Bar) => Promise<VenueKline | null>;
  readonly suspects: SuspectBook;
  readonly featureTimer: (feature: FeatureKey, symbol: SymbolName, ms: number) => void;
  readonly log: Logger;
  readonly onStored?: (bar: ClosedBar) => void;
}

export class BarCommitter {
  stored = 0;
  storeErrors = 0;
  /** Bars checked against REST / corrected from it / left unchecked because REST failed. */
  checked = 0;
  repaired = 0;
  checkFailed = 0;
  featureErrors = 0;
  /** Bars stored and published again after their first publication (corrected or recomputed). */
  restated = 0;
  /** Stored bars per venue|symbol|interval and corrected bars per venue|symbol. */
  readonly storedBy = new Map<string, number>();
  readonly repairedBy = new Map<string, number>();
  private readonly deps: CommitDeps;
  private stage: FeatureStage;
  private readonly streams = new Map<FeatureStream, CommittedStream>();
  private readonly io: RestateIo;
  private readonly jobs: SerialJobs;
  /** Suspect bars whose REST check failed: asked again later. */
  private readonly unconfirmed = new UnconfirmedBars<CommittedStream>();

  constructor(deps: CommitDeps) {
    this.deps = deps;
    this.stage = new FeatureStage(deps.featureTimer);
    this.jobs = new SerialJobs((err) => deps.log("error", "commit job failed", { error: String(err) }));
    this.io = {
      store: (bar) => this.store(bar, false),
      republish: (e, bar) => this.republish(e, bar),
      refused: (err, bar) => {
        this.featureErrors++;
        this.deps.log("warn", "corrected or stored bar refused by the features", { error: String(err), bar });
      },
    };
  }

  /** Bars waiting to be committed. */
  get backlog(): number {
    return this.jobs.backlog;
  }

  push(bar: ReleasedBar): void {
    this.jobs.push(() => this.commit(bar));
  }

  /** Stored bars of a stream overlapping [fromMs, toMs] get the REST check after the fact. */
  recheck(venue: Venue, symbol: SymbolName | null, fromMs: number, toMs: number): void {
    this.jobs.push(async () => {
      for (const s of this.streams.values()) {
        for (const entry of s.recent.values()) {
          const b = entry.bar;
          // Every bar of a stream has the same venue and symbol: one look decides the stream.
          if (b.venue !== venue || (symbol !== null && b.symbol !== symbol)) break;
          if (entry.checked || b.openTimeMs > toMs || b.openTimeMs + INTERVALS[b.interval] <= fromMs) {
            continue;
          }
          const fixed = await this.check(b);
          if (fixed === null) {
            this.unconfirmed.add(s, b.openTimeMs);
            continue;
          }
          entry.checked = fixed === b || await this.restate(s, entry, fixed);
        }
      }
    });
  }

  /**
   * Warm start: stored bars of one stream, oldest first, through its features before any new bar
   * (see CommittedStream.refeed); those opening at or after `holdFromMs` (above an interior hole the
   * restart backfill fills) wait and go through just before the first later bar, or at flushHeld.
   */
  async prime(bars: readonly ClosedBar[], holdFromMs = Number.POSITIVE_INFINITY): Promise<void> {
    for (const b of bars) {
      const s = this.stream(b);
      if (b.openTimeMs >= holdFromMs) s.held.push(b);
      else await s.refeed(b, this.io);
    }
  }

  /** Every stored bar still held behind a hole (one never filled) goes through now, e.g. at stop. */
  flushHeld(): void {
    this.jobs.push(async () => {
      for (const s of this.streams.values()) await s.flush(Number.POSITIVE_INFINITY, this.io);
    });
  }

  /**
   * The venue's clock jumped: after the bars already queued, features start from scratch and the
   * memory of recent bars is dropped (they belong to the old timeline); counters go on.
   */
  newTimeline(): void {
    this.jobs.push(() => {
      this.stage = new FeatureStage(this.deps.featureTimer);
      this.streams.clear();
      this.unconfirmed.clear();
      return Promise.resolve();
    });
  }

  /** Suspect bars whose REST check failed, still to be confirmed. */
  get unconfirmedBars(): number {
    return this.unconfirmed.bars;
  }

  /**
   * Asks REST again for the suspect bars whose check failed (a venue error, a bar not served yet):
   * a failed check must not leave a bar with lost trades stored for good. Given up after
   * MAX_UNCONFIRMED_ASKS asks (counted in checkFailed each time).
   */
  retryUnconfirmed(): void {
    if (this.unconfirmed.streams === 0) return;
    this.jobs.push(() =>
      this.unconfirmed.retry(async (s, openTimeMs) => {
        const entry = s.recent.get(openTimeMs);
        if (!entry || entry.checked) return "settled";
        const fixed = await this.check(entry.bar);
        if (fixed === null) return "failed";
        entry.checked = fixed === entry.bar || await this.restate(s, entry, fixed);
        return "settled";
      })
    );
  }

  /** Resolves once everything queued so far is done. */
  drain(): Promise<void> {
    return this.jobs.drain();
  }

  private stream(b: Bar): CommittedStream {
    const features = this.stage.stream(b);
    let s = this.streams.get(features);
    if (!s) this.streams.set(features, s = new CommittedStream(features));
    return s;
  }

  /** The bar as the venue has it when they differ, the bar itself when they agree, null when unknown. */
  private async check<B extends Bar>(bar: B): Promise<B | null> {
    const k = await this.deps.venueBar(bar);
    if (k === null) {
      this.checkFailed++;
      return null;
    }
    this.checked++;
    const fixed = venueVersion(bar, k);
    if (fixed === bar) return bar;
    this.repaired++;
    const key = `${bar.venue}|${bar.symbol}`;
    this.repairedBy.set(key, (this.repairedBy.get(key) ?? 0) + 1);
    return fixed;
  }

  private async commit(released: ReleasedBar): Promise<void> {
    const s = this.stream(released);
    await s.flush(released.openTimeMs, this.io); // stored bars below it first, in open-time order
    let bar = released;
    let checked = released.origin === "backfill"; // REST bars are the venue's own numbers
    const suspect = !checked && this.deps.suspects.isSuspect(released);
    if (suspect) {
      const fixed = await this.check(released);
      if (fixed !== null) {
        bar = fixed;
        checked = true;
      }
    }
    const before = s.features.checkpoint();
    let closed: ClosedBar;
    try {
      closed = s.features.close(bar);
    } catch (err) {
      this.featureErrors++;
      this.deps.log("warn", "bar refused by the features", { error: String(err), bar: released });
      return;
    }
    if (!(await this.store(closed))) {
      s.features.rewind(before); // the stream's features follow the stored bars only
      return;
    }
    this.deps.publish(closed, false);
    this.deps.onStored?.(closed);
    s.remember(closed, checked, before);
    if (suspect && !checked) this.unconfirmed.add(s, closed.openTimeMs);
  }

  /** A published bar was corrected from REST: restate its stream (see CommittedStream.restate). */
  private async restate(s: CommittedStream, from: Entry, fixed: ClosedBar): Promise<boolean> {
    const later = await s.restate(from, fixed, this.io);
    if (later === null) return false;
    this.deps.log("info", "bar corrected after publication; features restated", {
      venue: fixed.venue,
      symbol: fixed.symbol,
      interval: fixed.interval,
      openTimeMs: fixed.openTimeMs,
      laterBarsRepublished: later,
    });
    return true;
  }

  /** The stored replacement of a published bar goes out again under the same key. */
  private republish(e: Entry, bar: ClosedBar): void {
    e.bar = bar;
    this.restated++;
    this.deps.publish(bar, true);
    this.deps.onStored?.(bar);
  }

  private async store(bar: ClosedBar, isNew = true): Promise<boolean> {
    if (!(await upsertWithRetries(this.deps.store, bar, this.deps.log))) {
      this.storeErrors++;
      return false;
    }
    if (!isNew) return true;
    this.stored++;
    const key = `${bar.venue}|${bar.symbol}|${bar.interval}`;
    this.storedBy.set(key, (this.storedBy.get(key) ?? 0) + 1);
    return true;
  }
}
