import assert from "node:assert/strict";
import type { Bar } from "../market/types.ts";
import { BarBuilder, type BarBuilderOptions } from "./bar_builder.ts";

const M = 60_000;
const T0 = 1_715_724_000_000; // 2024-05-14T22:00Z, a minute boundary

function setup(opts: Partial<BarBuilderOptions> = {}) {
  const bars: Bar[] = [];
  const gaps: number[] = [];
  const b = new BarBuilder({ venue: "binance", symbol: "BTC-USDT", interval: "1m", ...opts }, {
    bar: (x) => bars.push(x),
    gap: (t) => gaps.push(t),
  });
  return { b, bars, gaps };
}

Deno.test("BarBuilder: trades of one minute become one bar when a trade past its end arrives", () => {
  const { b, bars } = setup();
  b.trade(100, 1, T0 + 5);
  b.trade(103, 0.5, T0 + 10_000);
  b.trade(99, 2, T0 + 20_000);
  b.trade(101, 0.25, T0 + 59_999);
  assert.equal(bars.length, 0);
  b.trade(102, 1, T0 + M);
  assert.deepEqual(bars, [{
    venue: "binance",
    symbol: "BTC-USDT",
    interval: "1m",
    openTimeMs: T0,
    o: 100,
    h: 103,
    l: 99,
    c: 101,
    v: 3.75,
    trades: 4,
    origin: "trades",
  }]);
});

Deno.test("BarBuilder: the clock closes a bar exactly at end + grace, not before", () => {
  const { b, bars } = setup({ graceMs: 2000 });
  b.trade(100, 1, T0 + 1);
  b.advance(T0 + M + 1999);
  assert.equal(bars.length, 0);
  b.advance(T0 + M + 2000);
  assert.equal(bars.length, 1);
  assert.equal(bars[0].openTimeMs, T0);
  // A trade for the closed minute is now late: counted and dropped.
  assert.equal(b.trade(500, 1, T0 + 30_000), "late");
  assert.equal(b.counts.lateTrades, 1);
  b.advance(T0 + 2 * M + 2000);
  assert.equal(bars[1].origin, "flat");
  assert.equal(bars[1].o, 100);
});

Deno.test("BarBuilder: a quiet minute with a healthy connection gives a flat bar at the previous close", () => {
  const { b, bars, gaps } = setup();
  b.trade(100, 1, T0 + 1);
  b.trade(105, 1, T0 + 2);
  b.trade(107, 1, T0 + 3 * M + 5); // minutes +1 and +2 were quiet
  assert.deepEqual(gaps, []);
  assert.deepEqual(bars.map((x) => [x.openTimeMs - T0, x.origin, x.o, x.h, x.l, x.c, x.v, x.trades]), [
    [0, "trades", 100, 105, 100, 105, 2, 2],
    [M, "flat", 105, 105, 105, 105, 0, 0],
    [2 * M, "flat", 105, 105, 105, 105, 0, 0],
  ]);
  assert.deepEqual(b.counts, { tradeBars: 1, flatBars: 2, gaps: 0, lateTrades: 0 });
});

Deno.test("BarBuilder: intervals fully or partly inside a down period are gaps, never flat bars", () => {
  const { b, bars, gaps } = setup({ graceMs: 0 });
  b.trade(100, 1, T0 + 1);
  b.advance(T0 + M); // minute 0 closes
  b.trade(101, 1, T0 + M + 10); // minute 1 forming...
  b.connectionDown(T0 + M + 30_000); // ...and the feed drops mid-minute
  b.advance(T0 + 4 * M); // minutes 1, 2, 3 end while down
  b.connectionUp(T0 + 4 * M + 15_000); // back inside minute 4
  b.trade(102, 1, T0 + 4 * M + 20_000);
  b.advance(T0 + 5 * M);
  b.advance(T0 + 6 * M); // minute 5 is quiet and healthy: flat
  assert.deepEqual(gaps.map((t) => (t - T0) / M), [1, 2, 3, 4]);
  assert.deepEqual(bars.map((x) => [(x.openTimeMs - T0) / M, x.origin, x.c]), [[0, "trades", 100], [
    5,
    "flat",
    102,
  ]]);
  assert.equal(b.counts.gaps, 4);
});

Deno.test("BarBuilder: a trade arriving after a long silence also decides gaps and flats in order", () => {
  const { b, bars, gaps } = setup();
  b.trade(100, 1, T0);
  b.connectionDown(T0 + 2 * M);
  b.connectionUp(T0 + 2 * M + 1); // a blip inside minute 2
  b.trade(110, 1, T0 + 4 * M);
  assert.deepEqual(bars.map((x) => [(x.openTimeMs - T0) / M, x.origin]), [[0, "trades"], [1, "flat"], [
    3,
    "flat",
  ]]);
  assert.deepEqual(gaps.map((t) => (t - T0) / M), [2]);
});

Deno.test("BarBuilder: open and close follow event time when trades arrive out of order", () => {
  const { b, bars } = setup();
  b.trade(100, 1, T0 + 30_000);
  b.trade(90, 1, T0 + 10_000); // earlier event: becomes the open
  b.trade(95, 1, T0 + 50_000);
  b.trade(97, 1, T0 + 40_000); // earlier than the last: not the close
  b.trade(1, 1, T0 + M);
  assert.deepEqual([bars[0].o, bars[0].h, bars[0].l, bars[0].c], [90, 100, 90, 95]);
});

Deno.test("BarBuilder: the interval the feed started inside is a gap (only part of it was seen)", () => {
  const { b, bars, gaps } = setup({ startMs: T0 + 20_000 });
  b.trade(100, 1, T0 + 25_000);
  b.trade(101, 1, T0 + M + 1);
  b.trade(102, 1, T0 + 2 * M + 1);
  assert.deepEqual(gaps, [T0]);
  assert.deepEqual(bars.map((x) => x.openTimeMs), [T0 + M]);
  const started = setup({ startMs: T0 }); // started on the boundary: the first minute is whole
  started.b.trade(100, 1, T0 + 1);
  started.b.trade(100, 1, T0 + M);
  assert.deepEqual(started.gaps, []);
  assert.equal(started.bars.length, 1);
});

Deno.test("BarBuilder: 1h bars use hour boundaries", () => {
  const { b, bars } = setup({ interval: "1h" });
  b.trade(100, 1, T0 + 59 * M);
  b.trade(101, 2, T0 + 3_600_000 - 1);
  b.trade(99, 1, T0 + 3_600_000);
  assert.equal(bars.length, 1);
  assert.deepEqual([bars[0].openTimeMs, bars[0].interval, bars[0].c, bars[0].v], [T0, "1h", 101, 3]);
});

Deno.test("BarBuilder: flush decides every interval opening at or before the last data, none after", () => {
  const { b, bars, gaps } = setup({ graceMs: 2000 });
  b.trade(100, 1, T0 + 5);
  b.flush(T0 + 2 * M + 30_000); // the data ends inside the third minute
  assert.deepEqual(bars.map((x) => [x.openTimeMs - T0, x.origin]), [[0, "trades"], [M, "flat"], [
    2 * M,
    "flat",
  ]]);
  assert.deepEqual(gaps, []);
  b.flush(T0 + 2 * M + 59_999); // nothing more opened
  assert.equal(bars.length, 3);
});
