// Keeps one stream's closed bars in open-time order for the indicators: a gap holds back the bars
// after it until the gap is backfilled (REST klines) or given up, so backfilled bars feed the
// indicators exactly like delivered ones. Pure; time only through expire(nowMs).
import type { Bar } from "../market/types.ts";

interface Slot {
  readonly openTimeMs: number;
  bar: Bar | null; // null: a gap still waiting for its backfill
  /** A gap's wait for its backfill counts from here: its interval's end, when it became known or askable. */
  waitFromMs: number;
}

export interface SequencerCounts {
  released: number;
  backfilled: number;
  /** Gaps given up (backfill failed or took too long): indicators go on without that bar. */
  abandoned: number;
  /** Backfill offered for an open time that was not an open gap. */
  unexpectedBackfills: number;
}

export class BarSequencer {
  readonly counts: SequencerCounts = { released: 0, backfilled: 0, abandoned: 0, unexpectedBackfills: 0 };
  private slots: Slot[] = [];
  private readonly release: (bar: Bar) => void;
  private readonly intervalMs: number;
  private readonly awaitBackfill: boolean;

  /**
   * @param release receives bars in strictly increasing open-time order.
   * @param opts.awaitBackfill false: gaps never hold bars back (replays without REST). Default true.
   */
  constructor(release: (bar: Bar) => void, intervalMs: number, opts: { awaitBackfill?: boolean } = {}) {
    this.release = release;
    this.intervalMs = intervalMs;
    this.awaitBackfill = opts.awaitBackfill ?? true;
  }

  /** A closed bar from the builder. */
  push(bar: Bar): void {
    this.slots.push({ openTimeMs: bar.openTimeMs, bar, waitFromMs: 0 });
    this.drain();
  }

  /**
   * A gap from the builder (or one found in the store at start). `knownAtMs`: when it became known;
   * after a long outage its wait starts then, not at its interval's end (else it expires unasked).
   */
  gap(openTimeMs: number, knownAtMs = Number.NEGATIVE_INFINITY): void {
    if (!this.awaitBackfill) {
      this.counts.abandoned++;
      return;
    }
    this.slots.push({ openTimeMs, bar: null, waitFromMs: Math.max(openTimeMs + this.intervalMs, knownAtMs) });
  }

  /** A backfilled bar for an open gap; false (and counted) when no such gap is waiting. */
  fill(bar: Bar): boolean {
    const slot = this.slots.find((s) => s.openTimeMs === bar.openTimeMs && s.bar === null);
    if (!slot) {
      this.counts.unexpectedBackfills++;
      return false;
    }
    slot.bar = bar.origin === "backfill" ? bar : { ...bar, origin: "backfill" };
    this.counts.backfilled++;
    this.drain();
    return true;
  }

  /** Gives up on one gap (backfill failed); the bars behind it are released. */
  abandon(openTimeMs: number): boolean {
    const i = this.slots.findIndex((s) => s.openTimeMs === openTimeMs && s.bar === null);
    if (i < 0) return false;
    this.slots.splice(i, 1);
    this.counts.abandoned++;
    this.drain();
    return true;
  }

  /** Gives up on every gap waiting at least `maxWaitMs` (from its interval's end or when it was known). */
  expire(nowMs: number, maxWaitMs: number): number {
    const before = this.slots.length;
    this.slots = this.slots.filter((s) => s.bar !== null || s.waitFromMs + maxWaitMs > nowMs);
    const dropped = before - this.slots.length;
    this.counts.abandoned += dropped;
    if (dropped > 0) this.drain();
    return dropped;
  }

  /** The venue is reachable again: every open gap's wait starts again at `atMs` at the earliest. */
  renew(atMs: number): void {
    for (const s of this.slots) if (s.bar === null && s.waitFromMs < atMs) s.waitFromMs = atMs;
  }

  /** Open times of gaps still waiting for a backfill, oldest first. */
  openGaps(): number[] {
    return this.slots.filter((s) => s.bar === null).map((s) => s.openTimeMs);
  }

  /** Bars held back behind a gap. */
  get held(): number {
    return this.slots.filter((s) => s.bar !== null).length;
  }

  private drain(): void {
    let i = 0;
    while (i < this.slots.length && this.slots[i].bar !== null) {
      this.counts.released++;
      this.release(this.slots[i].bar!);
      i++;
    }
    if (i > 0) this.slots = this.slots.slice(i);
  }
}
