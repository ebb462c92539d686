import assert from "node:assert/strict";
import { DqBook } from "./dq_book.ts";

Deno.test("DqBook counts per venue/symbol and per interval; snapshot is a sorted deep copy", () => {
  const dq = new DqBook();
  dq.inc("okx", "ETH-USDT", "duplicates", 3);
  dq.inc("binance", "BTC-USDT", "stalls");
  dq.incInterval("binance", "BTC-USDT", "1m", "gap_bars", 2);
  dq.incInterval("binance", "BTC-USDT", "1h", "kline_mismatches");
  const snap = dq.snapshot();
  assert.deepEqual(snap.map((r) => `${r.venue}/${r.symbol}`), ["binance/BTC-USDT", "okx/ETH-USDT"]);
  assert.equal(snap[0].counters.stalls, 1);
  assert.equal(snap[0].intervals["1m"]?.gap_bars, 2);
  assert.equal(snap[0].intervals["1h"]?.kline_mismatches, 1);
  assert.equal(snap[1].counters.duplicates, 3);
  assert.deepEqual(snap[1].intervals, {});
  dq.inc("okx", "ETH-USDT", "duplicates");
  assert.equal(snap[1].counters.duplicates, 3, "a snapshot does not change afterwards");
  assert.equal(dq.total("duplicates"), 4);
  assert.equal(dq.totalInterval("gap_bars"), 2);
});
