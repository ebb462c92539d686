import assert from "node:assert/strict";
import { mulberry32 } from "../util/mulberry32.ts";
import {
  blockDraw,
  DEFAULT_BLOCK,
  effectiveBlock,
  featureSeed,
  nullPsi,
  percentile,
} from "./null_baseline.ts";

function normals(n: number, seed: number): number[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()));
}

Deno.test("the null baseline is seeded: the same seed gives the same PSIs to the bit, another seed others", () => {
  const ref = normals(300, 1);
  const a = nullPsi(ref, 200, { resamples: 50, seed: 7 });
  assert.equal(a.length, 50);
  assert.deepEqual(nullPsi(ref, 200, { resamples: 50, seed: 7 }), a);
  assert.notDeepEqual(nullPsi(ref, 200, { resamples: 50, seed: 8 }), a);
  assert.ok(a.every((x) => Number.isFinite(x) && x >= 0));
});

Deno.test("plain bootstrap (block 1) of i.i.d. values: mean PSI near (bins - 1)(1/n_ref + 1/n_cur)", () => {
  for (const [nRef, nCur] of [[500, 500], [200, 800], [1440, 1440]]) {
    const nulls = nullPsi(normals(nRef, nRef + nCur), nCur, { resamples: 300, seed: 3, block: 1 });
    const mean = nulls.reduce((a, b) => a + b, 0) / nulls.length;
    const expected = 9 * (1 / nRef + 1 / nCur);
    assert.ok(
      mean > 0.8 * expected && mean < 1.2 * expected,
      `${nRef}/${nCur}: mean ${mean}, expected ${expected}`,
    );
    assert.ok(percentile(nulls, 95) > mean);
  }
});

Deno.test("percentile is the inverse empirical CDF: a value of the sample, no interpolation", () => {
  const xs = Array.from({ length: 200 }, (_, i) => 200 - i); // 200..1, order does not matter
  assert.equal(percentile(xs, 95), 190);
  assert.equal(percentile(xs, 100), 200);
  assert.equal(percentile(xs, 1), 2);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95), 10);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50), 5);
  assert.equal(percentile([0.3], 95), 0.3);
  assert.throws(() => percentile([], 95), /no values/);
});

Deno.test("block draws: consecutive values from random starts, wrapping at the end; block 1 is one value per draw", () => {
  const from = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const starts = [0.75, 0.0, 0.95];
  let i = 0;
  const rng = () => starts[i++];
  assert.deepEqual(blockDraw(from, 9, 4, rng), [7, 8, 9, 0, 0, 1, 2, 3, 9]);
  assert.equal(i, 3);
  const r1 = mulberry32(5), r2 = mulberry32(5);
  const single = blockDraw(from, 6, 1, r1);
  assert.deepEqual(single, Array.from({ length: 6 }, () => from[Math.floor(r2() * from.length)]));
});

Deno.test("the block is at most a tenth of the reference, at least 1", () => {
  assert.equal(DEFAULT_BLOCK, 30);
  assert.equal(effectiveBlock(30, 1440), 30);
  assert.equal(effectiveBlock(30, 168), 16);
  assert.equal(effectiveBlock(30, 9), 1);
  assert.equal(effectiveBlock(1, 1440), 1);
  assert.throws(() => nullPsi([1, 2, 3], 3, { block: 0 }), /block must be a whole number/);
  assert.throws(() => nullPsi([1, 2, 3], 3, { resamples: 0 }), /resamples must be/);
});

Deno.test("each feature's seed mixes the run's seed with its name: stable, distinct", () => {
  assert.equal(featureSeed(1, "rsi_14"), featureSeed(1, "rsi_14"));
  const seeds = ["ema_12_rel", "ema_26_rel", "rsi_14", "volume"].map((f) => featureSeed(1, f));
  assert.equal(new Set(seeds).size, 4);
  assert.notEqual(featureSeed(1, "volume"), featureSeed(2, "volume"));
  assert.ok(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32));
});
