// Byte scanners shared by the venue fast paths (binance_fast.ts, bybit_fast.ts, okx_fast.ts,
// kraken_fast.ts): read a frame in one venue's fixed layout straight out of its bytes, with no
// JSON.parse and no per-field strings. Each scanner reads at a position in B and returns the position
// after what it read, or -1 when the bytes are not exactly what the layout says; every scanner returns
// -1 when given -1, so a chain of them needs one check at the end. A value read goes to S (no result
// objects). Anything a scanner refuses sends the frame to the generic JSON.parse mapper.
import type { SymbolName, Venue } from "../market/types.ts";
import { fromVenueSymbol } from "../venues/symbols.ts";

const C_0 = 48, C_DOT = 46, C_QUOTE = 34, C_BACKSLASH = 92, C_SPACE = 32;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

// One native encodeInto (~65 ns) plus typed-array reads beat ~1.5 ns per charCodeAt over a frame.
// Frames that are not plain ASCII (byte and char positions would differ) or do not fit decline.
// A 0 byte after the frame stops every scanner.
export const B = new Uint8Array(65_536);
const encoder = new TextEncoder();

/** What the last scanner read: a number, a string's [start, end) in the frame, a symbol. */
export const S = { num: 0, start: 0, end: 0, symbol: null as SymbolName | null };

/** Bytes of an ASCII literal. */
export const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** Copies the frame into B; its length, or -1 when it is not plain ASCII or does not fit. */
export function load(raw: string): number {
  const n = raw.length;
  if (n >= B.length) return -1;
  const { read, written } = encoder.encodeInto(raw, B);
  if (read !== n || written !== n) return -1;
  B[n] = 0;
  return n;
}

/** The literal at p. */
export function lit(p: number, bytes: Uint8Array): number {
  if (p < 0) return -1;
  const n = bytes.length;
  for (let i = 0; i < n; i++) if (B[p + i] !== bytes[i]) return -1;
  return p + n;
}

// Digits are summed in two int32 halves (9 + up to 6 digits): a double multiply-add per digit is a
// long dependency chain, int32 arithmetic about twice as fast. Integers < 2^53 come out exact either way.

/** Unsigned JSON integer, at most 15 digits, no leading zero unless alone (JSON's rule). */
export function uint(start: number): number {
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
  S.num = v;
  return p;
}

/** A JSON string of digits ("1652459224818") as uint() reads them: the value and its text span. */
export function quotedUint(p: number): number {
  if (p < 0 || B[p] !== C_QUOTE) return -1;
  const e = uint(p + 1);
  if (e < 0 || B[e] !== C_QUOTE) return -1;
  S.start = p + 1;
  S.end = e;
  return e + 1;
}

/**
 * Plain decimal > 0 ("123.4500", quoted or a bare JSON number), at most 15 significant digits: the
 * correctly rounded double, as Number() and JSON.parse give it. A bare number also keeps JSON's
 * rules (no leading zero, a digit after the dot); an exponent or a sign is refused.
 */
export function decimal(p: number, quoted: boolean): number {
  if (p < 0) return -1;
  if (quoted) {
    if (B[p] !== C_QUOTE) return -1;
    p++;
  }
  const start = p;
  let a = 0, b = 0, digits = 0, frac = -1, c = B[p];
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
  if (digits === 0 || digits > 15 || frac === 0) return -1;
  if (quoted) {
    if (c !== C_QUOTE) return -1;
    p++;
  } else if (B[start] === C_DOT || (B[start] === C_0 && B[start + 1] !== C_DOT && p - start > 1)) {
    return -1;
  }
  const m = digits > 9 ? a * POW10[digits - 9] + b : a;
  // m < 2^53 and 10^frac exact: one division gives the correctly rounded value of the decimal.
  const v = frac > 0 ? m / POW10[frac] : m;
  if (!(v > 0)) return -1;
  S.num = v;
  return p;
}

const L_TRUE = ascii("true"), L_FALSE = ascii("false");

/** `true` or `false` at p; the value goes to S.num (1 or 0). */
export function bool(p: number): number {
  const t = lit(p, L_TRUE);
  if (t >= 0) {
    S.num = 1;
    return t;
  }
  S.num = 0;
  return lit(p, L_FALSE);
}

/** A JSON string without escapes or control characters; its content span goes to S.start/S.end. */
export function str(p: number): number {
  if (p < 0 || B[p] !== C_QUOTE) return -1;
  const start = ++p;
  let c = B[p];
  while (c !== C_QUOTE && c !== C_BACKSLASH && c >= C_SPACE) c = B[++p];
  if (c !== C_QUOTE) return -1;
  S.start = start;
  S.end = p;
  return p + 1;
}

/**
 * A string that names a symbol: S.symbol gets the canonical symbol, or null when the venue's own
 * spelling is not one (the caller then declines, and the generic mapper counts the drop).
 */
export function symbol(p: number, cache: SymbolCache, raw: string): number {
  if (p < 0 || B[p] !== C_QUOTE) return -1;
  const start = ++p;
  // The symbol runs to the next quote; hash it on the way (one pass, no slice).
  let h = 0, c = B[p];
  while (c !== C_QUOTE && c !== C_BACKSLASH && c >= C_SPACE) {
    h = (Math.imul(h, 31) + c) | 0;
    c = B[++p];
  }
  if (c !== C_QUOTE) return -1;
  S.symbol = cache.at(raw, start, p, h);
  return p + 1;
}

interface KnownSymbol {
  readonly venueSym: string;
  readonly symbol: SymbolName | null;
}

/** A venue's symbols seen before, found by a hash of their bytes (no string slice per frame). */
export class SymbolCache {
  private readonly known = new Map<number, KnownSymbol[]>();
  private count = 0;

  constructor(private readonly venue: Venue) {}

  at(raw: string, start: number, end: number, hash: number): SymbolName | null {
    const len = end - start;
    const list = this.known.get(hash);
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) {
        const k = list[i];
        if (k.venueSym.length === len && raw.startsWith(k.venueSym, start)) return k.symbol;
      }
    }
    const venueSym = raw.slice(start, end);
    const symbol = fromVenueSymbol(this.venue, venueSym);
    if (this.count < 10_000) {
      this.count++;
      if (list === undefined) this.known.set(hash, [{ venueSym, symbol }]);
      else list.push({ venueSym, symbol });
    }
    return symbol;
  }
}
