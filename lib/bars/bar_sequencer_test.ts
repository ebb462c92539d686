import assert from "node:assert/strict";
import type { Bar } from "../market/types.ts";
import { BarSequencer } from "./bar_sequencer.ts";

const M = 60_000;
const bar = (i: number, origin: Bar["origin"] = "trades"): Bar => ({
  venue: "okx",
  symbol: "ETH-USDT",
  interval: "1m",
  openTimeMs: i * M,
  o: i,
  h: i,
  l: i,
  c: i,
  v: 1,
  trades: 1,
  origin,
});

function setup(awaitBackfill = true) {
  const out: Bar[] = [];
  const s = new BarSequencer((b) => out.push(b), M, { awaitBackfill });
  return { s, out, times: () => out.map((b) => b.openTimeMs / M) };
}

Deno.test("BarSequencer holds bars behind a gap until the backfill arrives, then releases in order", () => {
  const { s, out, times } = setup();
  s.push(bar(1));
  s.gap(2 * M);
  s.gap(3 * M);
  s.push(bar(4));
  s.push(bar(5));
  assert.deepEqual(times(), [1]);
  assert.equal(s.held, 2);
  assert.deepEqual(s.openGaps(), [2 * M, 3 * M]);
  assert.equal(s.fill(bar(3)), true);
  assert.deepEqual(times(), [1]); // 2 still missing
  assert.equal(s.fill(bar(2)), true);
  assert.deepEqual(times(), [1, 2, 3, 4, 5]);
  assert.deepEqual(out.map((b) => b.origin), ["trades", "backfill", "backfill", "trades", "trades"]);
  assert.equal(s.fill(bar(2)), false); // already filled
  assert.deepEqual(s.counts, { released: 5, backfilled: 2, abandoned: 0, unexpectedBackfills: 1 });
});

Deno.test("BarSequencer: abandon and expire give up gaps and release what was held", () => {
  const { s, times } = setup();
  s.gap(1 * M);
  s.push(bar(2));
  s.gap(3 * M);
  s.push(bar(4));
  assert.equal(s.abandon(1 * M), true);
  assert.deepEqual(times(), [2]);
  assert.equal(s.expire(4 * M + 29_999, 30_000), 0); // gap 3 ended at 4M: not yet 30 s
  assert.equal(s.expire(4 * M + 30_000, 30_000), 1);
  assert.deepEqual(times(), [2, 4]);
  assert.equal(s.counts.abandoned, 2);
  assert.equal(s.abandon(9 * M), false);
});

Deno.test("BarSequencer without backfill: gaps never hold bars back", () => {
  const { s, times } = setup(false);
  s.push(bar(1));
  s.gap(2 * M);
  s.push(bar(3));
  assert.deepEqual(times(), [1, 3]);
  assert.deepEqual(s.openGaps(), []);
  assert.equal(s.counts.abandoned, 1);
});
