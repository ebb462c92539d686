// Session VWAP per UTC calendar date of the bar's open time: plain running sums, reset at the first
// bar of a new date (so a missing midnight bar still resets), null while the session volume is 0.
import { nonFinite } from "./finite.ts";

const DAY_MS = 86_400_000;

/** Streaming session VWAP, O(1) per update. */
export class SessionVwap {
  private day = Number.NaN;
  private pv = 0;
  private vol = 0;

  /** Feeds one bar; returns the session VWAP, or null while the session has no volume. */
  update(openTimeMs: number, h: number, l: number, c: number, v: number): number | null {
    if (openTimeMs - openTimeMs !== 0) throw nonFinite("vwap", "openTimeMs", openTimeMs);
    if (h - h !== 0) throw nonFinite("vwap", "h", h);
    if (l - l !== 0) throw nonFinite("vwap", "l", l);
    if (c - c !== 0) throw nonFinite("vwap", "c", c);
    if (v - v !== 0) throw nonFinite("vwap", "v", v);
    const day = Math.floor(openTimeMs / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.pv = 0;
      this.vol = 0;
    }
    const tp = (h + l + c) / 3;
    this.pv += tp * v;
    this.vol += v;
    return this.vol === 0 ? null : this.pv / this.vol;
  }

  get value(): number | null {
    return this.vol === 0 ? null : this.pv / this.vol;
  }

  /** An independent copy of the state (a checkpoint to rewind to). */
  clone(): SessionVwap {
    const c = new SessionVwap();
    c.day = this.day;
    c.pv = this.pv;
    c.vol = this.vol;
    return c;
  }
}
