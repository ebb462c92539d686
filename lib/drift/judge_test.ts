import assert from "node:assert/strict";
import { mulberry32 } from "../util/mulberry32.ts";
import { DRIFT_FEATURE_NAMES } from "./drift_features.ts";
import {
  isFlagged,
  judgeFeature,
  type JudgeOptions,
  judgeSamples,
  psiBand,
  renderPsiTsv,
  type Samples,
  smallestSample,
} from "./judge.ts";

const OPTS: JudgeOptions = { bins: 10, resamples: 200, seed: 1, block: 30, features: DRIFT_FEATURE_NAMES };

function normals(n: number, seed: number, mean = 0, sd = 1): number[] {
  const rng = mulberry32(seed);
  return Array.from(
    { length: n },
    () => mean + sd * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()),
  );
}

/** How many of 20 seeded (reference, current) pairs pass each test; current = N(shift, sd). */
function tally(n: number, shift: number, sd = 1) {
  const out = { over01: 0, over02: 0, flagged: 0 };
  for (let s = 1; s <= 20; s++) {
    const d = judgeFeature("log_return", normals(n, 100 + s), normals(n, 200 + s, shift, sd), OPTS);
    if (d.psi > 0.1) out.over01++;
    if (d.psi > 0.2) out.over02++;
    if (d.flagged) out.flagged++;
  }
  return out;
}

Deno.test("identical distributions: never flagged at 1440-bar windows (the 1m default)", () => {
  assert.deepEqual(tally(1440, 0), { over01: 0, over02: 0, flagged: 0 });
});

Deno.test("identical distributions, small windows: the fixed thresholds cry wolf, the null baseline holds most back", () => {
  // At 100 values a window PSI's expected value under no drift is ~0.18: 0.1 alone flags 18 of 20,
  // 0.2 alone 10; the null's p95 (above 0.2 at this size) lets 1 through, about its nominal 5%.
  assert.deepEqual(tally(100, 0), { over01: 18, over02: 10, flagged: 1 });
  // 168 values (the 1h default, a week): p95 is near 0.2; 2 of 20 flagged.
  assert.deepEqual(tally(168, 0), { over01: 12, over02: 2, flagged: 2 });
});

Deno.test("a shifted or widened distribution is flagged at the default window sizes", () => {
  assert.deepEqual(tally(1440, 1), { over01: 20, over02: 20, flagged: 20 });
  assert.deepEqual(tally(168, 1), { over01: 20, over02: 20, flagged: 20 });
  assert.deepEqual(tally(1440, 0, 2), { over01: 20, over02: 20, flagged: 20 });
  const d = judgeFeature("volume", normals(500, 1), normals(500, 2, 1), OPTS);
  assert.ok(d.psi > 0.2 && d.psi > d.nullP95 && d.flagged);
  assert.deepEqual([d.nRef, d.nCur, d.refCounts.length, d.edges.length], [500, 500, 10, 9]);
  assert.equal(d.refCounts.reduce((a, b) => a + b, 0), 500);
  assert.equal(d.curCounts.reduce((a, b) => a + b, 0), 500);
});

Deno.test("the flag needs both: PSI > 0.2 and PSI > the null's p95", () => {
  assert.equal(isFlagged(0.25, 0.1), true);
  assert.equal(isFlagged(0.25, 0.3), false); // small windows: 0.25 is within the noise
  assert.equal(isFlagged(0.15, 0.05), false); // moderate only
  assert.equal(isFlagged(0.2, 0.1), false); // strictly above
  assert.deepEqual([psiBand(0.05), psiBand(0.1), psiBand(0.15), psiBand(0.2), psiBand(0.21)], [
    "none",
    "none",
    "moderate",
    "moderate",
    "significant",
  ]);
});

Deno.test("judging samples: the chosen features in their order; the smallest sample named; the TSV", () => {
  const empty = Object.fromEntries(DRIFT_FEATURE_NAMES.map((f) => [f, [] as number[]])) as unknown as Samples;
  const ref = { ...empty, rsi_14: normals(120, 1), volume: normals(130, 2) };
  const cur = { ...empty, rsi_14: normals(110, 3), volume: normals(100, 4, 3) };
  const drifts = judgeSamples(ref, cur, { ...OPTS, features: ["volume", "rsi_14"] });
  assert.deepEqual(drifts.map((d) => [d.feature, d.nRef, d.nCur, d.flagged]), [
    ["volume", 130, 100, true],
    ["rsi_14", 120, 110, false],
  ]);
  assert.deepEqual(smallestSample(ref, cur, ["rsi_14", "volume"]), {
    window: "current",
    feature: "volume",
    n: 100,
  });
  assert.deepEqual(smallestSample(ref, cur, ["ema_12_rel", "rsi_14"]), {
    window: "reference",
    feature: "ema_12_rel",
    n: 0,
  });
  const [v, r] = drifts;
  assert.equal(
    renderPsiTsv(drifts),
    "feature\tn_ref\tn_cur\tpsi\tnull_p95\tflagged\n" +
      `volume\t130\t100\t${v.psi}\t${v.nullP95}\tyes\n` +
      `rsi_14\t120\t110\t${r.psi}\t${r.nullP95}\tno\n`,
  );
});
