// Fast path for OKX v5 `trades` frames: every trade of the frame read straight out of the bytes in
// OKX's layout (frame_scan.ts), with or without the later "count"/"source"/"seqId" fields. Anything
// else, or any value the generic mapper would refuse (derivatives included), returns null and goes
// through lib/venues/okx.ts, whose result this must equal (lib/feed/okx_fast_test.ts).
import type { MapResult } from "../venues/adapter.ts";
import type { Trade } from "../market/types.ts";
import { ascii, B, decimal, lit, load, quotedUint, S, str, symbol, SymbolCache, uint } from "./frame_scan.ts";

const C_COMMA = 44;
const L_ARG = ascii('{"arg":{"channel":"trades","instId":'),
  L_ALL = ascii('{"arg":{"channel":"trades-all","instId":');
const L_DATA = ascii('},"data":['), L_INST = ascii('{"instId":'), L_ID = ascii(',"tradeId":');
const L_PX = ascii(',"px":'), L_SZ = ascii(',"sz":'), L_BUY = ascii(',"side":"buy"');
const L_SELL = ascii(',"side":"sell"'), L_TS = ascii(',"ts":'), L_COUNT = ascii(',"count":');
const L_SOURCE = ascii(',"source":'), L_SEQ = ascii(',"seqId":'), L_CLOSE = ascii("}"), L_END = ascii("]}");

const symbols = new SymbolCache("okx");

/** The frame's result, or null when the fast path declines it (then the generic mapper decides). */
export function fastOkx(raw: string, receivedAtMs: number): MapResult | null {
  const end = load(raw);
  if (end < 0) return null;
  let p = lit(0, L_ARG);
  if (p < 0) p = lit(0, L_ALL);
  p = lit(str(p), L_DATA);
  if (p < 0) return null;
  const trades: Trade[] = [];
  for (;;) {
    p = symbol(lit(p, L_INST), symbols, raw);
    const sym = S.symbol;
    p = str(lit(p, L_ID));
    const idStart = S.start, idEnd = S.end;
    p = decimal(lit(p, L_PX), true);
    const price = S.num;
    p = decimal(lit(p, L_SZ), true);
    const size = S.num;
    if (p < 0 || sym === null || idEnd === idStart) return null;
    let e = lit(p, L_BUY);
    const side = e >= 0 ? "buy" : "sell";
    if (e < 0) e = lit(p, L_SELL);
    p = quotedUint(lit(e, L_TS));
    const ts = S.num;
    if (p < 0 || !(ts > 0) || ts > 1e14) return null; // µs times: generic path
    const count = lit(p, L_COUNT);
    if (count >= 0) p = quotedUint(count);
    const source = lit(p, L_SOURCE);
    if (source >= 0) p = quotedUint(source);
    const seq = lit(p, L_SEQ);
    if (seq >= 0) p = uint(seq);
    p = lit(p, L_CLOSE);
    if (p < 0) return null;
    trades.push({
      kind: "trade",
      venue: "okx",
      symbol: sym,
      tradeId: raw.slice(idStart, idEnd),
      price,
      size,
      side,
      venueTimeMs: ts,
      receivedAtMs,
    });
    if (B[p] !== C_COMMA) break;
    p++;
  }
  return lit(p, L_END) === end ? { kind: "data", events: trades } : null;
}
