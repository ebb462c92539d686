// Fast path for Binance's trade frames, `<sym>@trade` and `<sym>@aggTrade` (raw or in a
// combined-stream envelope): the fields read straight out of the bytes in Binance's fixed layout
// (frame_scan.ts). Anything not in exactly that layout, or any value the generic mapper would refuse,
// returns null and goes through lib/venues/binance.ts, whose result this must equal
// (lib/feed/binance_fast_test.ts checks that on simulator frames, fixtures and mutations).
import type { MapResult } from "../venues/adapter.ts";
import type { Trade } from "../market/types.ts";
import { ascii, B, bool, decimal, lit, load, S, str, symbol, SymbolCache, uint } from "./frame_scan.ts";

const C_BRACE = 125, C_A = 97;
const L_STREAM = ascii('{"stream":'), L_DATA = ascii(',"data":');
const L_TRADE = ascii('{"e":"trade","E":'), L_AGG = ascii('{"e":"aggTrade","E":');
const L_S = ascii(',"s":'), L_T = ascii(',"t":'), L_P = ascii(',"p":'), L_Q = ascii(',"q":');
const L_B = ascii(',"b":'), L_A = ascii(',"a":'), L_F = ascii(',"f":'), L_L = ascii(',"l":');
const L_TT = ascii(',"T":'), L_M = ascii(',"m":'), L_MM = ascii(',"M":'), L_END = ascii("}");

const symbols = new SymbolCache("binance");

/** The trade of a Binance trade or aggTrade frame in the canonical layout, or null (generic mapper). */
export function fastBinanceTrade(raw: string, receivedAtMs: number): Trade | null {
  let end = load(raw);
  if (end < 0) return null;
  let p = 0;
  if (B[2] === 115) {
    // {"stream":"btcusdt@trade","data":{...}}
    p = lit(str(lit(0, L_STREAM)), L_DATA);
    if (p < 0 || B[end - 1] !== C_BRACE) return null;
    end--;
  }
  // trade: ..."t":<id>,"p","q"[,"b","a"],"T"...; aggTrade: ..."a":<id>,"p","q","f","l","T"...
  const agg = B[p + 6] === C_A;
  p = symbol(lit(uint(lit(p, agg ? L_AGG : L_TRADE)), L_S), symbols, raw);
  const sym = S.symbol;
  if (p < 0 || sym === null) return null;
  const idStart = p + L_T.length;
  const idEnd = uint(lit(p, agg ? L_A : L_T));
  p = decimal(lit(idEnd, L_P), true);
  const price = S.num;
  p = decimal(lit(p, L_Q), true);
  const size = S.num;
  if (p < 0) return null;
  if (agg) p = uint(lit(uint(lit(p, L_F)), L_L));
  else {
    // Older payloads carry buyer and seller order ids before T.
    const b = lit(p, L_B);
    if (b >= 0) p = uint(lit(uint(b), L_A));
  }
  p = uint(lit(p, L_TT));
  const T = S.num;
  if (p < 0 || !(T > 0) || T > 1e14) return null; // µs timestamps: generic path
  p = bool(lit(p, L_M));
  const m = S.num;
  p = lit(bool(lit(p, L_MM)), L_END);
  if (p !== end) return null;
  return {
    kind: "trade",
    venue: "binance",
    symbol: sym,
    tradeId: raw.slice(idStart, idEnd),
    price,
    size,
    side: m === 1 ? "sell" : "buy",
    venueTimeMs: T,
    receivedAtMs,
  };
}

/** The frame's result, or null when the fast path declines it. */
export function fastBinance(raw: string, receivedAtMs: number): MapResult | null {
  const t = fastBinanceTrade(raw, receivedAtMs);
  return t === null ? null : { kind: "data", events: [t] };
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
