// Fast path for Kraken WebSocket v1 trade arrays (the recorded sessions replayed from captures):
// [channelID,[["price","volume","time","s|b","ordType","misc"],...],"trade","PAIR"], read from the
// bytes kraken_fast.ts loaded into B. Anything else returns null (lib/venues/kraken_v1.ts decides).
import type { MapResult } from "../venues/adapter.ts";
import type { Trade } from "../market/types.ts";
import { ascii, B, decimal, lit, S, str, symbol, SymbolCache, uint } from "./frame_scan.ts";

const C_0 = 48, C_COMMA = 44, C_DOT = 46, C_QUOTE = 34, C_BRACKET_CLOSE = 93;
const L_OPEN = ascii("["), L_PAYLOAD = ascii(",["), L_ENTRY = ascii("["), L_COMMA = ascii(",");
const L_BUY = ascii(',"b",'), L_SELL = ascii(',"s",'), L_CLOSE = ascii("]");
const L_TRADE = ascii('],"trade",');

const symbols = new SymbolCache("kraken");

/**
 * Quoted float seconds ("1618678142.557535") as ms via integer µs, exactly as values.ts
 * secondsTextMs computes it (at most 15 integer digits here; longer: generic path).
 */
function seconds(p: number): number {
  if (p < 0 || B[p] !== C_QUOTE) return -1;
  let whole = 0, n = 0, c = B[++p] - C_0;
  for (; c >= 0 && c <= 9; c = B[++p] - C_0) {
    whole = whole * 10 + c;
    n++;
  }
  if (n === 0 || n > 15) return -1;
  let frac = 0;
  if (B[p] === C_DOT) {
    let k = 0;
    for (c = B[++p] - C_0; c >= 0 && c <= 9; c = B[++p] - C_0) if (k++ < 6) frac = frac * 10 + c;
    if (k === 0) return -1;
    for (; k < 6; k++) frac *= 10;
  }
  if (B[p] !== C_QUOTE) return -1;
  const micros = whole * 1e6 + frac;
  if (!(micros > 0) || micros > Number.MAX_SAFE_INTEGER) return -1;
  S.num = micros / 1000;
  return p + 1;
}

/** The v1 trade frame's result (loaded in B, `end` bytes), or null when the fast path declines it. */
export function fastKrakenV1(raw: string, end: number, receivedAtMs: number): MapResult | null {
  // The pair comes last: find `],"trade","PAIR"]` from the end first, so each trade is built once.
  let q = end - 2;
  if (B[end - 1] !== C_BRACKET_CLOSE || B[q] !== C_QUOTE) return null;
  while (q > 0 && B[--q] !== C_QUOTE);
  const tail = q - L_TRADE.length;
  if (tail < 0 || symbol(lit(tail, L_TRADE), symbols, raw) !== end - 1) return null;
  const sym = S.symbol;
  if (sym === null) return null;
  let p = lit(lit(uint(lit(0, L_OPEN)), L_PAYLOAD), L_ENTRY);
  const trades: Trade[] = [];
  for (;;) {
    p = decimal(p, true);
    const price = S.num;
    p = decimal(lit(p, L_COMMA), true);
    const size = S.num;
    p = seconds(lit(p, L_COMMA));
    const time = S.num;
    let e = lit(p, L_BUY);
    const side = e >= 0 ? "buy" : "sell";
    if (e < 0) e = lit(p, L_SELL);
    p = lit(str(lit(str(e), L_COMMA)), L_CLOSE);
    if (p < 0) return null;
    trades.push({
      kind: "trade",
      venue: "kraken",
      symbol: sym,
      tradeId: "", // v1 trades carry no id
      price,
      size,
      side,
      venueTimeMs: time,
      receivedAtMs,
    });
    if (B[p] !== C_COMMA) break;
    p = lit(p + 1, L_ENTRY);
  }
  return p === tail ? { kind: "data", events: trades } : null;
}
