// What the commit path remembers of one (venue, symbol, interval) stream: its feature stream and the
// recently stored bars, each with the indicator state before it. That is enough to restate the
// stream when a published bar is corrected: rewind to before the bar, recompute it from the
// corrected OHLCV and every later bar after it, and hand over those whose features changed. At a
// warm start the stream's stored bars are fed through again (refeed); those above an interior hole
// being backfilled wait in `held` until the bars below them are in.
import type { ClosedBar } from "../market/types.ts";
import type { FeatureSet } from "../features/feature_set.ts";
import { type FeatureStream, sameFeatures } from "../features/feature_stage.ts";

export interface Entry {
  /** The bar as stored and last published. */
  bar: ClosedBar;
  /** Whether the venue already confirmed it (or it was corrected from REST). */
  checked: boolean;
  /** The stream's indicator state before this bar: where a restatement rewinds to. */
  before: FeatureSet;
}

/** The effects a restatement needs (the committer's). */
export interface RestateIo {
  /** Upserts a bar that is already published; false when it could not be stored. */
  store(bar: ClosedBar): Promise<boolean>;
  /** The stored replacement of a published bar: publish it again under the same key. */
  republish(e: Entry, bar: ClosedBar): void;
  /** The features refused the corrected bar. */
  refused(err: unknown, bar: ClosedBar): void;
}

const KEEP_RECENT = 180;

export class CommittedStream {
  /** Recently stored bars by open time (bounded), in open-time order. */
  readonly recent = new Map<number, Entry>();
  readonly features: FeatureStream;
  /** Stored bars above an interior hole, oldest first: re-fed before any later bar (see flush). */
  held: ClosedBar[] = [];

  constructor(features: FeatureStream) {
    this.features = features;
  }

  /** A bar was stored and published; `before` is the indicator state before it. */
  remember(bar: ClosedBar, checked: boolean, before: FeatureSet): void {
    this.keep({ bar, checked, before });
  }

  private keep(e: Entry): void {
    this.recent.set(e.bar.openTimeMs, e);
    if (this.recent.size > KEEP_RECENT) this.recent.delete(this.recent.keys().next().value!);
  }

  /**
   * A bar stored by an earlier run goes through the features again, continuing the stream's state.
   * When its stored features differ from the result (they were computed before a hole below it was
   * filled, or by a cold start), the recomputed bar is stored and published again.
   */
  async refeed(stored: ClosedBar, io: RestateIo): Promise<void> {
    const before = this.features.checkpoint();
    let bar: ClosedBar;
    try {
      bar = this.features.close(stored);
    } catch (err) {
      io.refused(err, stored);
      return;
    }
    const e: Entry = { bar: stored, checked: true, before };
    if (!sameFeatures(bar.features, stored.features) && await io.store(bar)) io.republish(e, bar);
    this.keep(e);
  }

  /** Re-feeds the held bars opening before `beforeMs`; one opening at it is replaced, so dropped. */
  async flush(beforeMs: number, io: RestateIo): Promise<void> {
    let n = 0;
    while (n < this.held.length && this.held[n].openTimeMs < beforeMs) await this.refeed(this.held[n++], io);
    while (n < this.held.length && this.held[n].openTimeMs === beforeMs) n++;
    if (n > 0) this.held = this.held.slice(n);
  }

  /**
   * `from` was corrected to `fixed`: stores it with features from the corrected OHLCV, recomputes
   * every later bar and stores those whose features changed, each republished once stored. Returns
   * how many later bars were republished, or null (nothing changed) when the correction cannot be
   * taken (refused by the features, or not stored).
   */
  async restate(from: Entry, fixed: ClosedBar, io: RestateIo): Promise<number | null> {
    const latest = this.features.checkpoint();
    this.features.rewind(from.before);
    let corrected: ClosedBar | null = null;
    try {
      corrected = this.features.close(fixed);
    } catch (err) {
      io.refused(err, fixed);
    }
    if (corrected === null || !(await io.store(corrected))) {
      this.features.rewind(latest);
      return null;
    }
    io.republish(from, corrected);
    let after = false;
    let later = 0;
    for (const e of this.recent.values()) {
      if (!after) {
        after = e === from;
        continue;
      }
      e.before = this.features.checkpoint();
      const bar = this.features.close(e.bar);
      if (sameFeatures(bar.features, e.bar.features)) continue;
      // Not stored: the store keeps the old row, and e.bar too, so a later restatement retries it.
      if (await io.store(bar)) {
        io.republish(e, bar);
        later++;
      }
    }
    return later;
  }
}
