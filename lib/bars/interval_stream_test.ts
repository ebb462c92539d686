// One interval stream on its own: bars built, counted and released in order; gaps restored, backfilled
// or given up; a bar the features would refuse dropped and reported.
import assert from "node:assert/strict";
import { DqBook } from "../dq/dq_book.ts";
import type { Bar } from "../market/types.ts";
import { abandonGap, fillGap, openIntervalStream, restoreGaps } from "./interval_stream.ts";

const M = 60_000;
const T0 = Date.UTC(2026, 0, 1);

function open(awaitBackfill = true) {
  const out: Bar[] = [];
  let refused = 0;
  const dq = new DqBook().interval("okx", "BTC-USDT", "1m");
  const st = openIntervalStream({
    venue: "okx",
    symbol: "BTC-USDT",
    interval: "1m",
    dq,
    graceMs: 0,
    awaitBackfill,
    startMs: undefined,
    upMs: undefined,
    downMs: undefined,
  }, { released: (b) => out.push(b), refused: () => refused++ });
  return { st, out, dq, refused: () => refused };
}

const rest = (openTimeMs: number, c: number): Bar => ({
  venue: "okx",
  symbol: "BTC-USDT",
  interval: "1m",
  openTimeMs,
  o: c,
  h: c,
  l: c,
  c,
  v: 1,
  trades: 3,
  origin: "trades", // fillGap marks it "backfill"
});

Deno.test("trades make a bar, counted and released once its minute (plus grace) is over", () => {
  const { st, out, dq } = open();
  st.builder.trade(100, 1, T0 + 1000);
  st.builder.trade(105, 2, T0 + 2000);
  st.builder.advance(T0 + M - 1);
  assert.equal(out.length, 0);
  st.builder.advance(T0 + M);
  assert.deepEqual(out.map((b) => [b.openTimeMs, b.o, b.h, b.c, b.v, b.origin]), [
    [T0, 100, 105, 105, 3, "trades"],
  ]);
  assert.equal(dq.trade_bars, 1);
});

Deno.test("a restored gap holds later bars until its backfill, which is counted and marked backfill", () => {
  const { st, out, dq } = open();
  assert.equal(restoreGaps(st, [T0], T0), 1);
  st.builder.trade(100, 1, T0 + M + 1000);
  st.builder.advance(T0 + 2 * M);
  assert.equal(out.length, 0, "held behind the gap");
  assert.equal(fillGap(st, rest(T0 + 5 * M, 1)), false, "no such gap");
  assert.equal(fillGap(st, rest(T0, 99)), true);
  assert.deepEqual(out.map((b) => [(b.openTimeMs - T0) / M, b.origin, b.trades]), [
    [0, "backfill", 3],
    [1, "trades", 1],
  ]);
  assert.deepEqual([dq.gap_bars, dq.backfilled_bars], [1, 1]);
});

Deno.test("an abandoned gap lets the bars behind it go on; abandoning it twice is refused", () => {
  const { st, out, dq } = open();
  restoreGaps(st, [T0], T0);
  st.builder.trade(100, 1, T0 + M + 1000);
  st.builder.advance(T0 + 2 * M);
  assert.equal(abandonGap(st, T0), true);
  assert.equal(abandonGap(st, T0), false);
  assert.deepEqual(out.map((b) => (b.openTimeMs - T0) / M), [1]);
  assert.equal(dq.abandoned_gaps, 1);
});

Deno.test("a bar the features would refuse is not released but reported", () => {
  const { st, out, refused } = open();
  st.builder.trade(100, Number.MAX_VALUE, T0 + 1000);
  st.builder.trade(100, Number.MAX_VALUE, T0 + 2000); // the volume sum overflows to Infinity
  st.builder.advance(T0 + M);
  assert.deepEqual([out.length, refused()], [0, 1]);
});
