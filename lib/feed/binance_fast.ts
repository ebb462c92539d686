// Fast path for the feed's hottest frame, Binance `<sym>@trade` (raw or in a combined-stream
// envelope): read the fields straight out of the text in Binance's fixed layout, with no JSON.parse
// and no intermediate objects. Anything not in exactly that layout, or any value the generic mapper
// would refuse, returns null and goes through lib/venues/binance.ts, whose result this must equal
// (lib/feed/binance_fast_test.ts checks that on simulator frames, fixtures and mutations).
import type { MapResult } from "../venues/adapter.ts";
import type { Symbol, Trade } from "../market/types.ts";
import { fromVenueSymbol } from "../venues/symbols.ts";

const C_0 = 48, C_DOT = 46, C_QUOTE = 34, C_BRACE = 125;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const symbols = new Map<string, Symbol | null>();

/**
 * A reader over one frame. Methods move `p` and return NaN / false when the text is not what the
 * layout says; the caller then gives up on the fast path. One instance is reused (no allocation).
 */
class Scan {
  s = "";
  p = 0;

  /** `lit` at p (short literals: a char loop beats startsWith on V8). */
  lit(lit: string): boolean {
    const s = this.s, p = this.p, n = lit.length;
    for (let i = 0; i < n; i++) if (s.charCodeAt(p + i) !== lit.charCodeAt(i)) return false;
    this.p = p + n;
    return true;
  }

  /** Unsigned integer, at most 15 digits, no leading zero unless alone (JSON's rule). */
  uint(): number {
    const s = this.s, start = this.p;
    let p = start, n = 0, d = s.charCodeAt(p) - C_0;
    while (d >= 0 && d <= 9) {
      n = n * 10 + d;
      d = s.charCodeAt(++p) - C_0;
    }
    const len = p - start;
    this.p = p;
    return len === 0 || len > 15 || (len > 1 && s.charCodeAt(start) === C_0) ? NaN : n;
  }

  /** Quoted plain decimal > 0 ("123.4500"): the correctly rounded double, or NaN. */
  decimal(): number {
    const s = this.s;
    let p = this.p;
    if (s.charCodeAt(p) !== C_QUOTE) return NaN;
    let m = 0, digits = 0, frac = -1, c = s.charCodeAt(++p);
    for (;; c = s.charCodeAt(++p)) {
      const d = c - C_0;
      if (d >= 0 && d <= 9) {
        m = m * 10 + d;
        digits++;
        if (frac >= 0) frac++;
      } else if (c === C_DOT && frac < 0) frac = 0;
      else break;
    }
    this.p = p + 1;
    if (c !== C_QUOTE || digits === 0 || digits > 15 || frac === 0) return NaN;
    // m < 2^53 and 10^frac exact: one division gives the correctly rounded value of the decimal.
    const v = frac > 0 ? m / POW10[frac] : m;
    return v > 0 ? v : NaN;
  }

  /** 1 for true, 0 for false, -1 otherwise. */
  bool(): number {
    if (this.lit("true")) return 1;
    return this.lit("false") ? 0 : -1;
  }
}

const scan = new Scan();

/** The trade of a Binance trade frame in the canonical layout, or null (use the generic mapper). */
export function fastBinanceTrade(raw: string, receivedAtMs: number): Trade | null {
  const r = scan;
  r.s = raw;
  r.p = 0;
  let end = raw.length;
  if (raw.charCodeAt(2) === 115) {
    // {"stream":"btcusdt@trade","data":{...}}
    if (!r.lit('{"stream":"')) return null;
    const at = raw.indexOf('","data":', r.p);
    if (at < 0 || raw.charCodeAt(end - 1) !== C_BRACE) return null;
    r.p = at + 9;
    end--;
  }
  if (!r.lit('{"e":"trade","E":') || Number.isNaN(r.uint()) || !r.lit(',"s":"')) return null;
  const symStart = r.p;
  const symEnd = raw.indexOf('"', symStart);
  if (symEnd < 0) return null;
  const venueSym = raw.slice(symStart, symEnd);
  let symbol = symbols.get(venueSym);
  if (symbol === undefined) {
    symbol = fromVenueSymbol("binance", venueSym);
    if (symbols.size < 10_000) symbols.set(venueSym, symbol);
  }
  r.p = symEnd;
  if (symbol === null || !r.lit('","t":')) return null;
  const idStart = r.p;
  if (Number.isNaN(r.uint())) return null;
  const idEnd = r.p;
  if (!r.lit(',"p":')) return null;
  const price = r.decimal();
  if (!r.lit(',"q":')) return null;
  const size = r.decimal();
  if (price !== price || size !== size) return null;
  // Older payloads carry buyer and seller order ids before T.
  if (r.lit(',"b":') && (Number.isNaN(r.uint()) || !r.lit(',"a":') || Number.isNaN(r.uint()))) return null;
  if (!r.lit(',"T":')) return null;
  const T = r.uint();
  if (!(T > 0) || T > 1e14 || !r.lit(',"m":')) return null; // µs timestamps: generic path
  const m = r.bool();
  if (m < 0 || !r.lit(',"M":') || r.bool() < 0 || !r.lit("}") || r.p !== end) return null;
  return {
    kind: "trade",
    venue: "binance",
    symbol,
    tradeId: raw.slice(idStart, idEnd),
    price,
    size,
    side: m === 1 ? "sell" : "buy",
    venueTimeMs: T,
    receivedAtMs,
  };
}

/** A venue map function with the fast path in front of the generic mapper. */
export function withBinanceFastPath(
  generic: (raw: string, receivedAtMs: number) => MapResult,
): (raw: string, receivedAtMs: number) => MapResult {
  return (raw, receivedAtMs) => {
    const t = fastBinanceTrade(raw, receivedAtMs);
    return t === null ? generic(raw, receivedAtMs) : { kind: "data", events: [t] };
  };
}
