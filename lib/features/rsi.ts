// RSI as TA_RSI computes it (unstable period 0): simple-mean seed over d_1..d_n, then Wilder
// smoothing avg = (avg * (n - 1) + x) / n; first value at index n; 0 when avgGain + avgLoss ~ 0.
import { nonFinite } from "./finite.ts";

/** Streaming relative strength index, O(1) per update. */
export class Rsi {
  readonly period: number;
  private readonly nMinus1: number;
  private prev = 0;
  private seen = 0; // inputs so far, capped at period + 1
  private gain = 0;
  private loss = 0;
  private last = 0;

  constructor(period: number) {
    if (!Number.isInteger(period) || period < 2) {
      throw new RangeError(`rsi: period must be >= 2, got ${period}`);
    }
    this.period = period;
    this.nMinus1 = period - 1;
  }

  /** Feeds one close; returns the RSI, or null during warm-up (the first `period` closes). */
  update(x: number): number | null {
    if (x - x !== 0) throw nonFinite("rsi", "x", x);
    const d = x - this.prev;
    this.prev = x;
    const n = this.period;
    if (this.seen > n) {
      let gain = this.gain * this.nMinus1;
      let loss = this.loss * this.nMinus1;
      if (d < 0) loss -= d;
      else gain += d;
      gain /= n;
      loss /= n;
      this.gain = gain;
      this.loss = loss;
      const s = gain + loss;
      return (this.last = s > -1e-14 && s < 1e-14 ? 0 : 100 * (gain / s));
    }
    if (this.seen++ === 0) return null; // the first close only sets prev
    if (d < 0) this.loss -= d;
    else this.gain += d;
    if (this.seen <= n) return null;
    this.gain /= n;
    this.loss /= n;
    const s = this.gain + this.loss;
    return (this.last = s > -1e-14 && s < 1e-14 ? 0 : 100 * (this.gain / s));
  }

  get value(): number | null {
    return this.seen > this.period ? this.last : null;
  }

  /** An independent copy of the state (a checkpoint to rewind to). */
  clone(): Rsi {
    const c = new Rsi(this.period);
    c.prev = this.prev;
    c.seen = this.seen;
    c.gain = this.gain;
    c.loss = this.loss;
    c.last = this.last;
    return c;
  }
}
