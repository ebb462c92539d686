// Fast path for the feed's hottest frame, Binance `<sym>@trade` (raw or in a combined-stream
// envelope): read the fields straight out of the text in Binance's fixed layout, with no JSON.parse
// and no per-field strings. Anything not in exactly that layout, or any value the generic mapper
// would refuse, returns null and goes through lib/venues/binance.ts, whose result this must equal
// (lib/feed/binance_fast_test.ts checks that on simulator frames, fixtures and mutations).
import type { MapResult } from "../venues/adapter.ts";
import type { SymbolName, Trade } from "../market/types.ts";
import { fromVenueSymbol } from "../venues/symbols.ts";

const C_0 = 48, C_DOT = 46, C_QUOTE = 34, C_BRACE = 125;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

// The frame is copied into a byte buffer first: one native encodeInto (~65 ns) plus typed-array reads
// beat ~1.5 ns per charCodeAt over a 130-char frame. Frames that are not plain ASCII (byte and char
// positions would differ) or do not fit decline. A 0 byte after the frame stops every scanner.
const B = new Uint8Array(1024);
const encoder = new TextEncoder();
const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const L_STREAM = ascii('{"stream":"'), L_HEAD = ascii('{"e":"trade","E":'), L_S = ascii(',"s":"');
const L_T = ascii('","t":'), L_P = ascii(',"p":'), L_Q = ascii(',"q":'), L_B = ascii(',"b":');
const L_A = ascii(',"a":'), L_TT = ascii(',"T":'), L_M = ascii(',"m":'), L_MM = ascii(',"M":');
const L_TRUE = ascii("true"), L_FALSE = ascii("false"), L_END = ascii("}");

// The scanners below take a position in B and return the position after what they read, or -1
// when the bytes are not what the layout says; every scanner also returns -1 when given -1, so a
// chain of them needs one check at the end. A number read goes to `num` (no result objects).
let num = 0;

/** The literal at p. */
function lit(p: number, lit: Uint8Array): number {
  const n = lit.length;
  for (let i = 0; i < n; i++) if (B[p + i] !== lit[i]) return -1;
  return p + n;
}

// Digits are summed in two int32 halves (9 + up to 6 digits): a double multiply-add per digit is a
// long dependency chain, int32 arithmetic about twice as fast. Integers < 2^53 come out exact either way.

/** Unsigned integer, at most 15 digits, no leading zero unless alone (JSON's rule). */
function uint(start: number): number {
  if (start < 0) return -1;
  const stop = start + 9;
  let p = start, a = 0, d = B[p] - C_0;
  while (d >= 0 && d <= 9 && p < stop) {
    a = (a * 10 + d) | 0;
    d = B[++p] - C_0;
  }
  let v = a;
  if (d >= 0 && d <= 9) {
    const rest = p;
    let b = 0;
    while (d >= 0 && d <= 9) {
      b = (b * 10 + d) | 0;
      d = B[++p] - C_0;
    }
    if (p - rest > 6) return -1; // more than 15 digits (b may have wrapped: never used)
    v = a * POW10[p - rest] + b;
  }
  const len = p - start;
  if (len === 0 || (len > 1 && B[start] === C_0)) return -1;
  num = v;
  return p;
}

/** Quoted plain decimal > 0 ("123.4500"): the correctly rounded double. */
function decimal(p: number): number {
  if (p < 0 || B[p] !== C_QUOTE) return -1;
  let a = 0, b = 0, digits = 0, frac = -1, c = B[++p];
  for (;; c = B[++p]) {
    const d = c - C_0;
    if (d >= 0 && d <= 9) {
      if (digits < 9) a = (a * 10 + d) | 0;
      else b = (b * 10 + d) | 0;
      digits++;
      if (frac >= 0) frac++;
    } else if (c === C_DOT && frac < 0) frac = 0;
    else break;
  }
  if (c !== C_QUOTE || digits === 0 || digits > 15 || frac === 0) return -1;
  const m = digits > 9 ? a * POW10[digits - 9] + b : a;
  // m < 2^53 and 10^frac exact: one division gives the correctly rounded value of the decimal.
  const v = frac > 0 ? m / POW10[frac] : m;
  if (!(v > 0)) return -1;
  num = v;
  return p + 1;
}

/** `true` or `false` at p; the value goes to `num` (1 or 0). */
function bool(p: number): number {
  const t = lit(p, L_TRUE);
  if (t >= 0) {
    num = 1;
    return t;
  }
  num = 0;
  return lit(p, L_FALSE);
}

/** A venue symbol seen before, found by a hash of its bytes (no string slice per frame). */
interface KnownSymbol {
  readonly venueSym: string;
  readonly symbol: SymbolName | null;
}
const known = new Map<number, KnownSymbol[]>();
let knownCount = 0;

/** The symbol spelled in raw[start, end), or null when it is not one (then the fast path declines). */
function symbolAt(raw: string, start: number, end: number, hash: number): SymbolName | null {
  const len = end - start;
  const list = known.get(hash);
  if (list !== undefined) {
    for (let i = 0; i < list.length; i++) {
      const k = list[i];
      if (k.venueSym.length === len && raw.startsWith(k.venueSym, start)) return k.symbol;
    }
  }
  const venueSym = raw.slice(start, end);
  const symbol = fromVenueSymbol("binance", venueSym);
  if (knownCount < 10_000) {
    knownCount++;
    if (list === undefined) known.set(hash, [{ venueSym, symbol }]);
    else list.push({ venueSym, symbol });
  }
  return symbol;
}

/** The trade of a Binance trade frame in the canonical layout, or null (use the generic mapper). */
export function fastBinanceTrade(raw: string, receivedAtMs: number): Trade | null {
  let end = raw.length;
  if (end >= B.length) return null;
  const { read, written } = encoder.encodeInto(raw, B);
  if (read !== end || written !== end) return null; // not ASCII
  B[end] = 0;
  let p = 0;
  if (B[2] === 115) {
    // {"stream":"btcusdt@trade","data":{...}}
    if (lit(0, L_STREAM) < 0) return null;
    const at = raw.indexOf('","data":', L_STREAM.length);
    if (at < 0 || B[end - 1] !== C_BRACE) return null;
    p = at + 9;
    end--;
  }
  p = lit(uint(lit(p, L_HEAD)), L_S);
  if (p < 0) return null;
  // The symbol runs to the next quote; hash it on the way (one pass, no slice).
  const symStart = p;
  let h = 0, c = B[p];
  while (c !== C_QUOTE && c !== 0) {
    h = (Math.imul(h, 31) + c) | 0;
    c = B[++p];
  }
  if (c !== C_QUOTE) return null;
  const symbol = symbolAt(raw, symStart, p, h);
  if (symbol === null) return null;
  const idStart = p + L_T.length;
  const idEnd = uint(lit(p, L_T));
  p = decimal(lit(idEnd, L_P));
  const price = num;
  p = decimal(lit(p, L_Q));
  const size = num;
  if (p < 0) return null;
  // Older payloads carry buyer and seller order ids before T.
  const b = lit(p, L_B);
  if (b >= 0) p = uint(lit(uint(b), L_A));
  p = uint(lit(p, L_TT));
  const T = num;
  if (p < 0 || !(T > 0) || T > 1e14) return null; // µs timestamps: generic path
  p = bool(lit(p, L_M));
  const m = num;
  p = lit(bool(lit(p, L_MM)), L_END);
  if (p !== end) return null;
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
