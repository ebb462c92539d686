import assert from "node:assert/strict";
import type { Bar, VenueKline } from "../market/types.ts";
import { KlineCheck, sameWithin } from "./kline_check.ts";

const M = 60_000;
/** What our bar and the venue's kline share: the stream, the open time and the prices. */
const same = (i: number, c: number) => ({
  venue: "kraken" as const,
  symbol: "BTC-USDT",
  interval: "1m" as const,
  openTimeMs: i * M,
  o: 100,
  h: 110,
  l: 90,
  c,
});
const ours = (i: number, c: number, origin: Bar["origin"] = "trades"): Bar => ({
  ...same(i, c),
  v: 0.3,
  trades: 3,
  origin,
});
const theirs = (i: number, c: number, closed: boolean, v = 0.1 + 0.2): VenueKline => ({
  kind: "kline",
  ...same(i, c),
  v,
  closed,
  venueTimeMs: i * M,
  receivedAtMs: i * M,
});

Deno.test("sameWithin: 1e-9 relative, exact for zeros", () => {
  assert.equal(sameWithin(0.3, 0.1 + 0.2), true);
  assert.equal(sameWithin(100, 100 * (1 + 2e-9)), false);
  assert.equal(sameWithin(0, 0), true);
  assert.equal(sameWithin(0, 1e-300), false);
});

Deno.test("KlineCheck compares closed venue klines with our bars for the same open time", () => {
  const k = new KlineCheck();
  k.bar(ours(1, 105));
  k.kline(theirs(1, 104, false)); // forming: not compared yet
  assert.equal(k.counts.checked, 0);
  k.kline(theirs(1, 105, true));
  assert.deepEqual(k.counts, { checked: 1, mismatches: 0 });
  k.kline(theirs(2, 99, true)); // venue first, ours later
  k.bar(ours(2, 98));
  assert.deepEqual(k.counts, { checked: 2, mismatches: 1 });
  assert.match(k.lastMismatch, /^kraken BTC-USDT 1m 120000 c: ours 98 venue 99$/);
  k.bar(ours(3, 1, "backfill")); // the venue's own data: nothing to compare
  k.kline(theirs(3, 5, true));
  assert.equal(k.counts.checked, 2);
});

Deno.test("KlineCheck: without a closed flag a kline is final once a later one starts", () => {
  const k = new KlineCheck();
  k.bar(ours(1, 105));
  k.kline(theirs(1, 103, false));
  k.kline(theirs(1, 105, false)); // the last update before the next minute
  assert.equal(k.counts.checked, 0);
  k.kline(theirs(2, 106, false));
  assert.deepEqual(k.counts, { checked: 1, mismatches: 0 });
});
