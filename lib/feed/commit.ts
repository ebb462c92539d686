// The commit path of closed bars, one at a time in release order: a bar that may have lost a trade
// is checked against the venue's REST kline (and corrected), features are computed (timed), the bar
// is upserted, and only once the upsert resolved (durable) is it published and counted.
import { klineMismatch } from "../bars/kline_check.ts";
import type { Bar, ClosedBar, Interval, Symbol, Venue, VenueKline } from "../market/types.ts";
import { INTERVALS } from "../market/types.ts";
import type { Logger } from "../log.ts";
import type { SuspectBook } from "./suspects.ts";
import type { FeatureKey } from "../features/feature_set.ts";
import { TimedFeatureSet } from "./timed_features.ts";

/** The store operations the commit path needs (BarStore satisfies it). */
export interface BarSink {
  upsertBar(bar: ClosedBar): Promise<void>;
}

export interface CommitDeps {
  readonly store: BarSink;
  readonly publish: (bar: ClosedBar) => void;
  /** The venue's closed kline for a bar's interval, or null when the venue cannot say (REST failed). */
  readonly venueBar: (bar: Bar) => Promise<VenueKline | null>;
  readonly suspects: SuspectBook;
  readonly featureTimer: (feature: FeatureKey, symbol: Symbol, ms: number) => void;
  readonly log: Logger;
  readonly onStored?: (bar: ClosedBar) => void;
}

interface Stream {
  readonly features: TimedFeatureSet;
  /** Recently stored bars by open time (bounded), and whether the venue already confirmed them. */
  readonly recent: Map<number, { bar: ClosedBar; checked: boolean }>;
}

const KEEP_RECENT = 180;
const STORE_ATTEMPTS = 3;

export class BarCommitter {
  stored = 0;
  storeErrors = 0;
  /** Bars checked against REST / corrected from it / left unchecked because REST failed. */
  checked = 0;
  repaired = 0;
  checkFailed = 0;
  featureErrors = 0;
  /** Stored bars per venue|symbol|interval and corrected bars per venue|symbol. */
  readonly storedBy = new Map<string, number>();
  readonly repairedBy = new Map<string, number>();
  private readonly deps: CommitDeps;
  private readonly streams = new Map<string, Stream>();
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(deps: CommitDeps) {
    this.deps = deps;
  }

  /** Bars waiting to be committed. */
  get backlog(): number {
    return this.pending;
  }

  push(bar: ClosedBar): void {
    this.enqueue(() => this.commit(bar));
  }

  /** Stored bars of a stream overlapping [fromMs, toMs] get the REST check after the fact. */
  recheck(venue: Venue, symbol: Symbol | null, fromMs: number, toMs: number): void {
    this.enqueue(async () => {
      for (const [key, s] of this.streams) {
        const [v, sym, interval] = key.split("|") as [Venue, Symbol, Interval];
        if (v !== venue || (symbol !== null && sym !== symbol)) continue;
        for (const entry of s.recent.values()) {
          const b = entry.bar;
          if (entry.checked || b.openTimeMs > toMs || b.openTimeMs + INTERVALS[interval] <= fromMs) continue;
          const fixed = await this.check(b);
          if (fixed === null) continue;
          entry.checked = true;
          if (fixed === b) continue;
          const bar: ClosedBar = { ...fixed, features: b.features, closedAtMs: b.closedAtMs };
          if (await this.store(bar, false)) entry.bar = bar;
        }
      }
    });
  }

  /** Resolves once everything queued so far is done. */
  drain(): Promise<void> {
    return this.queue;
  }

  private enqueue(job: () => Promise<void>): void {
    this.pending++;
    this.queue = this.queue.then(job).catch((err) => {
      this.deps.log("error", "commit job failed", { error: String(err) });
    }).finally(() => {
      this.pending--;
    });
  }

  private stream(b: Bar): Stream {
    const key = `${b.venue}|${b.symbol}|${b.interval}`;
    let s = this.streams.get(key);
    if (!s) {
      const timer = (f: FeatureKey, ms: number) => this.deps.featureTimer(f, b.symbol, ms);
      this.streams.set(key, s = { features: new TimedFeatureSet(timer), recent: new Map() });
    }
    return s;
  }

  /** The bar as the venue has it when they differ, the bar itself when they agree, null when unknown. */
  private async check(bar: Bar): Promise<Bar | null> {
    const k = await this.deps.venueBar(bar);
    if (k === null) {
      this.checkFailed++;
      return null;
    }
    this.checked++;
    const tradesDiffer = k.trades !== undefined && k.trades !== bar.trades;
    if (klineMismatch(bar, k) === null && !tradesDiffer) return bar;
    this.repaired++;
    const key = `${bar.venue}|${bar.symbol}`;
    this.repairedBy.set(key, (this.repairedBy.get(key) ?? 0) + 1);
    return {
      ...bar,
      o: k.o,
      h: k.h,
      l: k.l,
      c: k.c,
      v: k.v,
      trades: k.trades ?? bar.trades,
      origin: "backfill",
    };
  }

  private async commit(released: ClosedBar): Promise<void> {
    const s = this.stream(released);
    let bar: Bar = released;
    let checked = released.origin === "backfill"; // REST bars are the venue's own numbers
    if (!checked && this.deps.suspects.isSuspect(released)) {
      const fixed = await this.check(released);
      if (fixed !== null) {
        bar = fixed;
        checked = true;
      }
    }
    let features;
    try {
      features = s.features.update(bar);
    } catch (err) {
      this.featureErrors++;
      this.deps.log("warn", "bar refused by the features", { error: String(err), bar: released });
      return;
    }
    const closed: ClosedBar = { ...bar, features, closedAtMs: released.closedAtMs };
    if (!(await this.store(closed))) return;
    this.deps.publish(closed);
    this.deps.onStored?.(closed);
    s.recent.set(closed.openTimeMs, { bar: closed, checked });
    if (s.recent.size > KEEP_RECENT) s.recent.delete(s.recent.keys().next().value!);
  }

  private async store(bar: ClosedBar, isNew = true): Promise<boolean> {
    for (let i = 1;; i++) {
      try {
        await this.deps.store.upsertBar(bar);
        break;
      } catch (err) {
        // An invalid bar (RangeError) will not get better by retrying.
        if (i >= STORE_ATTEMPTS || err instanceof RangeError) {
          this.storeErrors++;
          this.deps.log("error", "bar not stored", {
            error: String(err),
            venue: bar.venue,
            symbol: bar.symbol,
          });
          return false;
        }
      }
    }
    if (!isNew) return true;
    this.stored++;
    const key = `${bar.venue}|${bar.symbol}|${bar.interval}`;
    this.storedBy.set(key, (this.storedBy.get(key) ?? 0) + 1);
    return true;
  }
}
