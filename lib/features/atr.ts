// ATR as TA_ATR computes it: TR_0 is undefined (no previous close), the seed is the simple mean of
// TR_1..TR_n at index n, then Wilder smoothing atr = (atr * (n - 1) + TR) / n.
import { nonFinite } from "./finite.ts";

/** Streaming average true range, O(1) per update. */
export class Atr {
  readonly period: number;
  private readonly nMinus1: number;
  private prevClose = 0;
  private seen = 0; // bars so far, capped at period + 1
  private sum = 0;
  private last = 0;

  constructor(period: number) {
    if (!Number.isInteger(period) || period < 1) {
      throw new RangeError(`atr: period must be >= 1, got ${period}`);
    }
    this.period = period;
    this.nMinus1 = period - 1;
  }

  /** Feeds one bar's high, low and close; returns the ATR, or null during warm-up. */
  update(h: number, l: number, c: number): number | null {
    if (h - h !== 0) throw nonFinite("atr", "h", h);
    if (l - l !== 0) throw nonFinite("atr", "l", l);
    if (c - c !== 0) throw nonFinite("atr", "c", c);
    const pc = this.prevClose;
    this.prevClose = c;
    // TA_TRANGE: greatest of h-l, |pc-h|, |pc-l|, compared in that order.
    let tr = h - l;
    const hc = pc > h ? pc - h : h - pc;
    if (hc > tr) tr = hc;
    const lc = pc > l ? pc - l : l - pc;
    if (lc > tr) tr = lc;
    const n = this.period;
    if (this.seen > n) return (this.last = (this.last * this.nMinus1 + tr) / n);
    if (this.seen++ === 0) return null; // TR_0 needs a previous close: undefined
    this.sum += tr;
    if (this.seen <= n) return null;
    return (this.last = this.sum / n);
  }

  get value(): number | null {
    return this.seen > this.period ? this.last : null;
  }

  /** An independent copy of the state (a checkpoint to rewind to). */
  clone(): Atr {
    const c = new Atr(this.period);
    c.prevClose = this.prevClose;
    c.seen = this.seen;
    c.sum = this.sum;
    c.last = this.last;
    return c;
  }
}
