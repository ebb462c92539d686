import assert from "node:assert/strict";
import type { Trade } from "../market/types.ts";
import { TradeGuard } from "./trade_guard.ts";

const T0 = 1_715_724_000_000;
function trade(tradeId: string, over: Partial<Trade> = {}): Trade {
  return {
    kind: "trade",
    venue: "binance",
    symbol: "BTC-USDT",
    tradeId,
    price: 100,
    size: 1,
    side: "buy",
    venueTimeMs: T0,
    receivedAtMs: T0 + 5,
    ...over,
  };
}

Deno.test("TradeGuard drops duplicates within the recent-id window and forgets older ids", () => {
  const g = new TradeGuard({ idWindow: 3 });
  assert.deepEqual(["1", "2", "2", "3", "1"].map((id) => g.check(trade(id))), [
    "ok",
    "ok",
    "duplicate",
    "ok",
    "duplicate",
  ]);
  g.check(trade("4")); // evicts "1" from the 3-id window
  assert.equal(g.check(trade("1")), "ok");
  assert.equal(g.counts.duplicates, 2);
  // Venues without ids cannot be de-duplicated: every trade passes.
  assert.equal(g.check(trade("")), "ok");
  assert.equal(g.check(trade("")), "ok");
});

Deno.test("TradeGuard counts id discontinuities for contiguous-id venues, including ids beyond 2^53", () => {
  const g = new TradeGuard({ contiguousIds: true });
  for (const id of ["10", "11", "14", "13", "15", "20"]) g.check(trade(id));
  assert.deepEqual(g.counts, { invalid: 0, duplicates: 0, idGaps: 2, idsMissing: 6 });
  const big = new TradeGuard({ contiguousIds: true });
  for (const id of ["9007199254740993", "9007199254740994", "9007199254740997"]) big.check(trade(id));
  assert.equal(big.counts.idGaps, 1);
  assert.equal(big.counts.idsMissing, 2);
  const off = new TradeGuard({ contiguousIds: false });
  for (const id of ["1", "5"]) off.check(trade(id));
  assert.equal(off.counts.idGaps, 0);
});

Deno.test("TradeGuard rejects invalid records with a reason and counts them", () => {
  const g = new TradeGuard({ maxSkewMs: 60_000 });
  const bad: Partial<Trade>[] = [
    { price: Number.NaN },
    { price: 0 },
    { price: Infinity },
    { size: -1 },
    { size: Number.NaN },
    { venueTimeMs: Number.NaN },
    { venueTimeMs: -1.5 },
    { receivedAtMs: Number.NaN },
    { venueTimeMs: T0 + 3_600_000 },
  ];
  for (const b of bad) assert.equal(g.check(trade("1", b)), "invalid", JSON.stringify(b));
  assert.equal(g.counts.invalid, bad.length);
  assert.match(g.lastProblem, /more than 60000 ms from receivedAtMs/);
  assert.equal(g.check(trade("1")), "ok"); // an invalid record never enters the id window
  // Kraken stamps trades to the microsecond: a fractional venue time is a valid record.
  assert.equal(g.check(trade("2", { venueTimeMs: T0 + 0.535 })), "ok");
});
