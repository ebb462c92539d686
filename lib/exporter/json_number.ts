// JSON numbers for the flat-line scanner (flat_scan.ts): the exact grammar over a line's bytes, and the
// value JSON.parse would give for the few fields the contract check reads (ts, latency_ms).
import { asciiString } from "./ts_bytes.ts";

const MINUS = 45, PLUS = 43, DOT = 46, C0 = 48, C1 = 49, C9 = 57, E_LOW = 101, E_UP = 69;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

export class NumberReader {
  /** The last number read with `want`. */
  value = 0;

  /**
   * A JSON number at p (exactly the grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?); the index
   * after it, or -1. With `want`, its value goes to `value`, as JSON.parse would compute it.
   */
  read(b: Uint8Array, p: number, want: boolean): number {
    const start = p;
    const neg = b[p] === MINUS;
    if (neg) p++;
    let c = b[p];
    let m = 0, digits = 0, frac = 0;
    if (c === C0) c = b[++p];
    else if (c >= C1 && c <= C9) {
      do {
        m = m * 10 + (c - C0);
        digits++;
        c = b[++p];
      } while (c >= C0 && c <= C9);
    } else return -1;
    if (c === DOT) {
      c = b[++p];
      const fs = p;
      while (c >= C0 && c <= C9) {
        m = m * 10 + (c - C0);
        c = b[++p];
      }
      frac = p - fs;
      if (frac === 0) return -1;
      digits += frac;
    }
    let exp = false;
    if (c === E_LOW || c === E_UP) {
      exp = true;
      c = b[++p];
      if (c === PLUS || c === MINUS) c = b[++p];
      const es = p;
      while (c >= C0 && c <= C9) c = b[++p];
      if (p === es) return -1;
    }
    if (want) {
      // At most 15 significant digits (leading fraction zeros included) and no exponent: m < 2^53 and
      // 10^frac are exact, so one division is the correctly rounded double, as JSON.parse gives.
      // Otherwise let the engine's own string-to-number conversion do it.
      let v: number;
      if (exp || digits > 15) v = Number(asciiString(b, start, p));
      else {
        v = frac === 0 ? m : m / POW10[frac];
        if (neg) v = -v;
      }
      this.value = v;
    }
    return p;
  }
}
