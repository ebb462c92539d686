// EMA with TA-Lib's default seed: the SMA of the first `period` inputs, output from index period-1.
import { nonFinite } from "./finite.ts";

/** Streaming exponential moving average, O(1) per update, bit-compatible with TA_EMA. */
export class Ema {
  readonly period: number;
  private readonly k: number;
  private count = 0;
  private sum = 0;
  private last = 0;

  constructor(period: number) {
    if (!Number.isInteger(period) || period < 1) {
      throw new RangeError(`ema: period must be >= 1, got ${period}`);
    }
    this.period = period;
    this.k = 2 / (period + 1);
  }

  /** Feeds one input; returns the EMA, or null during warm-up. Throws RangeError on NaN/±Infinity. */
  update(x: number): number | null {
    if (this.count === this.period) {
      // TA-Lib evaluates ((x - prev) * k) + prev; the same order keeps results bit-identical.
      const next = (x - this.last) * this.k + this.last;
      // Non-finite x gives a non-finite result: checking the result keeps the check off the
      // prev -> next dependency chain, and the state is only written when it passes.
      if (next - next !== 0) throw nonFinite("ema", "x", x);
      return (this.last = next);
    }
    if (x - x !== 0) throw nonFinite("ema", "x", x);
    this.sum += x;
    if (++this.count < this.period) return null;
    return (this.last = this.sum / this.period);
  }

  /** The latest value, or null during warm-up. */
  get value(): number | null {
    return this.count === this.period ? this.last : null;
  }

  /** An independent copy of the state (a checkpoint to rewind to). */
  clone(): Ema {
    const c = new Ema(this.period);
    c.count = this.count;
    c.sum = this.sum;
    c.last = this.last;
    return c;
  }
}
