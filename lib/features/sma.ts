// SMA as TA_SMA computes it: a running total, output = total / n, then the oldest input leaves.
import { nonFinite } from "./finite.ts";

/** Streaming simple moving average over a ring buffer, O(1) per update. */
export class Sma {
  readonly period: number;
  private readonly ring: Float64Array;
  private pos = 0;
  private count = 0;
  private total = 0;
  private last = 0;

  constructor(period: number) {
    if (!Number.isInteger(period) || period < 1) {
      throw new RangeError(`sma: period must be >= 1, got ${period}`);
    }
    this.period = period;
    this.ring = new Float64Array(period);
  }

  /** Feeds one input; returns the SMA, or null until `period` inputs have arrived. */
  update(x: number): number | null {
    if (x - x !== 0) throw nonFinite("sma", "x", x);
    const ring = this.ring;
    ring[this.pos] = x;
    this.total += x;
    let next = this.pos + 1;
    if (next === this.period) next = 0;
    this.pos = next;
    if (this.count < this.period) {
      if (++this.count < this.period) return null;
    }
    // Divide first, subtract the oldest after: TA-Lib's order, so the sums round identically.
    this.last = this.total / this.period;
    this.total -= ring[next];
    return this.last;
  }

  get value(): number | null {
    return this.count === this.period ? this.last : null;
  }

  /** An independent copy of the state (a checkpoint to rewind to); the ring is copied too. */
  clone(): Sma {
    const c = new Sma(this.period);
    c.ring.set(this.ring);
    c.pos = this.pos;
    c.count = this.count;
    c.total = this.total;
    c.last = this.last;
    return c;
  }
}
