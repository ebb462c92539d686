// Fast path for Kraken trade frames: v2 `trade` (live) and v1 trade arrays (kraken_v1_fast.ts, the
// recorded sessions), every trade of the frame read straight out of the bytes in Kraken's layout
// (frame_scan.ts). Anything else, or any value the generic mapper would refuse, returns null and goes
// through lib/venues/kraken.ts, whose result this must equal (lib/feed/kraken_fast_test.ts).
import type { MapResult } from "../venues/adapter.ts";
import type { Trade } from "../market/types.ts";
import { data } from "../venues/values.ts";
import { ascii, B, decimal, lit, load, S, str, symbol, SymbolCache, uint } from "./frame_scan.ts";
import { fastKrakenV1 } from "./kraken_v1_fast.ts";

const C_0 = 48, C_COMMA = 44, C_DOT = 46, C_QUOTE = 34, C_BRACKET = 91;
const L_UPDATE = ascii('{"channel":"trade","type":"update","data":[');
const L_SNAPSHOT = ascii('{"channel":"trade","type":"snapshot","data":[');
const L_SYMBOL = ascii('{"symbol":'), L_BUY = ascii(',"side":"buy"'), L_SELL = ascii(',"side":"sell"');
const L_PRICE = ascii(',"price":'), L_QTY = ascii(',"qty":'), L_ORD = ascii(',"ord_type":');
const L_ID = ascii(',"trade_id":'), L_TS = ascii(',"timestamp":'), L_CLOSE = ascii("}"), L_END = ascii("]}");
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const symbols = new SymbolCache("kraken");

/** `n` digits at p as a number (-1 when one is not a digit). */
function digits(p: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = B[p + i] - C_0;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * A quoted RFC 3339 UTC time ("2023-09-25T07:48:36.925533Z") as ms kept to µs, exactly as
 * values.ts rfc3339Ms computes it; only valid dates from 1970 with a `Z` zone (others: generic path).
 */
function rfc3339(p: number): number {
  if (p < 0 || B[p] !== C_QUOTE || B[p + 5] !== 45 || B[p + 8] !== 45 || B[p + 11] !== 84) return -1;
  if (B[p + 14] !== 58 || B[p + 17] !== 58) return -1;
  const y = digits(p + 1, 4), mo = digits(p + 6, 2), d = digits(p + 9, 2);
  const h = digits(p + 12, 2), mi = digits(p + 15, 2), s = digits(p + 18, 2);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) {
    return -1;
  }
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (mo === 2 && leap ? 29 : DAYS[mo])) return -1;
  p += 20;
  let frac = 0;
  if (B[p] === C_DOT) {
    // The first 6 digits, padded: what rfc3339Ms keeps.
    let n = 0, c = B[++p] - C_0;
    for (; c >= 0 && c <= 9; c = B[++p] - C_0) if (n++ < 6) frac = frac * 10 + c;
    if (n === 0) return -1;
    for (; n < 6; n++) frac *= 10;
  }
  if (B[p] !== 90 || B[p + 1] !== C_QUOTE) return -1;
  // Days since 1970 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400), yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + d - 1;
  const days = era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
  const whole = days * 86_400_000 + h * 3_600_000 + mi * 60_000 + s * 1000;
  S.num = (whole * 1000 + frac) / 1000;
  return p + 2;
}

/** The v2 frame's result, or null when the fast path declines it. */
function fastKrakenV2(raw: string, end: number, receivedAtMs: number): MapResult | null {
  let p = lit(0, L_UPDATE);
  const snapshot = p < 0;
  if (snapshot) p = lit(0, L_SNAPSHOT);
  const trades: Trade[] = [];
  for (;;) {
    p = symbol(lit(p, L_SYMBOL), symbols, raw);
    const sym = S.symbol;
    let e = lit(p, L_BUY);
    const side = e >= 0 ? "buy" : "sell";
    if (e < 0) e = lit(p, L_SELL);
    p = decimal(lit(e, L_PRICE), false);
    const price = S.num;
    p = decimal(lit(p, L_QTY), false);
    const size = S.num;
    p = str(lit(p, L_ORD));
    const idStart = p + L_ID.length;
    const idEnd = uint(lit(p, L_ID));
    p = lit(rfc3339(lit(idEnd, L_TS)), L_CLOSE);
    if (p < 0 || sym === null) return null;
    trades.push({
      kind: "trade",
      venue: "kraken",
      symbol: sym,
      tradeId: raw.slice(idStart, idEnd),
      price,
      size,
      side,
      venueTimeMs: S.num,
      receivedAtMs,
    });
    if (B[p] !== C_COMMA) break;
    p++;
  }
  return lit(p, L_END) === end ? data(trades, snapshot) : null;
}

/** The frame's result, or null when the fast path declines it (then the generic mapper decides). */
export function fastKraken(raw: string, receivedAtMs: number): MapResult | null {
  const end = load(raw);
  if (end < 0) return null;
  return B[0] === C_BRACKET ? fastKrakenV1(raw, end, receivedAtMs) : fastKrakenV2(raw, end, receivedAtMs);
}
