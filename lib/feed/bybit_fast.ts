// Fast path for Bybit v5 spot `publicTrade.<SYM>` frames: every trade of the frame read straight out
// of the bytes in Bybit's layout (frame_scan.ts), with or without the later "seq"/"RPI" fields.
// Anything else, or any value the generic mapper would refuse, returns null and goes through
// lib/venues/bybit.ts, whose result this must equal (lib/feed/bybit_fast_test.ts).
import type { MapResult } from "../venues/adapter.ts";
import type { Trade } from "../market/types.ts";
import { ascii, B, bool, decimal, lit, load, S, str, symbol, SymbolCache, uint } from "./frame_scan.ts";

const C_COMMA = 44;
const L_TOPIC = ascii('{"topic":'), L_PUBLIC = ascii('"publicTrade.');
const L_TS = ascii(',"ts":'), L_TYPE = ascii(',"type":"snapshot"'), L_DATA = ascii(',"data":[');
const L_I = ascii('{"i":'), L_T = ascii(',"T":'), L_P = ascii(',"p":'), L_V = ascii(',"v":');
const L_BUY = ascii(',"S":"Buy"'), L_SELL = ascii(',"S":"Sell"'), L_SEQ = ascii(',"seq":');
const L_S = ascii(',"s":'), L_BT = ascii(',"BT":'), L_RPI = ascii(',"RPI":');
const L_CLOSE = ascii("}"), L_END = ascii("]}");

const symbols = new SymbolCache("bybit");

/** The frame's result, or null when the fast path declines it (then the generic mapper decides). */
export function fastBybit(raw: string, receivedAtMs: number): MapResult | null {
  const end = load(raw);
  if (end < 0) return null;
  const topic = lit(0, L_TOPIC);
  if (lit(topic, L_PUBLIC) < 0) return null;
  let p = str(topic);
  // "ts" then "type", or "type" then "ts" (both seen).
  const typeFirst = lit(p, L_TYPE);
  p = typeFirst >= 0 ? uint(lit(typeFirst, L_TS)) : lit(uint(lit(p, L_TS)), L_TYPE);
  p = lit(p, L_DATA);
  if (p < 0) return null;
  const trades: Trade[] = [];
  for (;;) {
    p = str(lit(p, L_I));
    const idStart = S.start, idEnd = S.end;
    p = uint(lit(p, L_T));
    const T = S.num;
    p = decimal(lit(p, L_P), true);
    const price = S.num;
    p = decimal(lit(p, L_V), true);
    const size = S.num;
    if (p < 0 || idEnd === idStart || !(T > 0) || T > 1e14) return null; // µs times: generic path
    let e = lit(p, L_BUY);
    const side = e >= 0 ? "buy" : "sell";
    if (e < 0) e = lit(p, L_SELL);
    const seq = lit(e, L_SEQ);
    if (seq >= 0) e = uint(seq);
    p = bool(lit(symbol(lit(e, L_S), symbols, raw), L_BT));
    const sym = S.symbol;
    if (p < 0 || sym === null) return null;
    const rpi = lit(p, L_RPI);
    if (rpi >= 0) p = bool(rpi);
    p = lit(p, L_CLOSE);
    if (p < 0) return null;
    trades.push({
      kind: "trade",
      venue: "bybit",
      symbol: sym,
      tradeId: raw.slice(idStart, idEnd),
      price,
      size,
      side,
      venueTimeMs: T,
      receivedAtMs,
    });
    if (B[p] !== C_COMMA) break;
    p++;
  }
  return lit(p, L_END) === end ? { kind: "data", events: trades } : null;
}
