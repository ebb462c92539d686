// One venue+symbol stream on its own: a trade's verdict and counters, a venue kline's, a REST kline's,
// and a reset that starts the guard and interval streams afresh.
import assert from "node:assert/strict";
import { DqBook } from "../dq/dq_book.ts";
import type { Interval, Trade, VenueKline } from "../market/types.ts";
import { openIntervalStream, restoreGaps } from "./interval_stream.ts";
import {
  pendingGaps,
  resetStream,
  streamBackfill,
  streamKline,
  streamTrade,
  type SymbolStream,
} from "./symbol_stream.ts";

const M = 60_000;
const T0 = Date.UTC(2026, 0, 1);

/** A fresh 1m/1h interval stream with its own counters; released bars are not looked at here. */
const openFresh = (interval: Interval) =>
  openIntervalStream({
    venue: "bybit",
    symbol: "ETH-USDT",
    interval,
    dq: new DqBook().interval("bybit", "ETH-USDT", interval),
    graceMs: 0,
    startMs: undefined,
    upMs: undefined,
    downMs: undefined,
  }, { released: () => {}, refused: () => {} });

function stream(): SymbolStream {
  const s = {
    venue: "bybit",
    symbol: "ETH-USDT",
    dq: new DqBook().symbol("bybit", "ETH-USDT"),
  } as SymbolStream;
  return resetStream(s, {}, ["1m", "1h"], openFresh);
}

const trade = (id: string, ms: number, price = 100): Trade => ({
  kind: "trade",
  venue: "bybit",
  symbol: "ETH-USDT",
  tradeId: id,
  price,
  size: 1,
  side: "buy",
  venueTimeMs: ms,
  receivedAtMs: ms,
});

const kline = (interval: Interval, c: number): VenueKline => ({
  kind: "kline",
  venue: "bybit",
  symbol: "ETH-USDT",
  interval,
  openTimeMs: T0,
  venueTimeMs: T0 + M,
  o: c,
  h: c,
  l: c,
  c,
  v: 1,
  closed: true,
  receivedAtMs: T0 + M,
});

Deno.test("a trade's verdict: into both intervals, duplicate, invalid, late; each counted", () => {
  const s = stream();
  assert.deepEqual(s.builders.length, 2);
  assert.equal(streamTrade(s, trade("1", T0 + 1000)), "bar_input");
  assert.equal(streamTrade(s, trade("1", T0 + 1000)), "duplicate");
  assert.equal(streamTrade(s, trade("2", T0 + 2000, -1)), "invalid");
  s.builders[0].advance(T0 + M);
  assert.equal(streamTrade(s, trade("3", T0 + 3000)), "late");
  assert.deepEqual([s.dq.duplicates, s.dq.invalid, s.dq.late_trades], [1, 1, 1]);
});

Deno.test("klines: an interval not built is ignored, a bad one invalid; REST klines fill open gaps only", () => {
  const s = stream();
  assert.equal(streamKline(s, { ...kline("1m", 100), interval: "4h" as Interval }), "ignored");
  assert.equal(streamKline(s, kline("1m", NaN)), "invalid");
  assert.equal(streamKline(s, kline("1m", 100)), "kline");
  assert.equal(streamBackfill(s, kline("1m", 100)), false, "no gap open");
  restoreGaps(s.intervals.get("1m")!, [T0], T0);
  const gaps: unknown[] = [];
  pendingGaps(s, gaps as never[]);
  assert.deepEqual(gaps, [{ venue: "bybit", symbol: "ETH-USDT", interval: "1m", openTimeMs: T0 }]);
  assert.equal(streamBackfill(s, kline("1m", NaN)), false, "bad REST kline");
  assert.equal(streamBackfill(s, kline("1m", 100)), true);
  assert.equal(s.dq.invalid, 2);
});

Deno.test("a reset forgets trade ids and interval streams", () => {
  const s = stream();
  streamTrade(s, trade("7", T0 + 1000));
  const before = s.builders[0];
  resetStream(s, {}, ["1m"], openFresh);
  assert.notEqual(s.builders[0], before);
  assert.deepEqual([...s.intervals.keys()], ["1m"]);
  assert.equal(streamTrade(s, trade("7", T0 + 1000)), "bar_input", "id 7 is new to the fresh guard");
});
