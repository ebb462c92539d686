import assert from "node:assert/strict";
import type { Features } from "../market/types.ts";
import {
  DEFAULT_DRIFT_FEATURES,
  DRIFT_FEATURE_NAMES,
  type DriftBar,
  featureSamples,
} from "./drift_features.ts";

const M = 60_000;
const NONE: Features = {
  ema_12: null,
  ema_26: null,
  sma_20: null,
  rsi_14: null,
  atr_14: null,
  vwap_session_utc: null,
};

function bar(i: number, c: number, v: number, f: Partial<Features> = {}): DriftBar {
  return { openTimeMs: i * M, c, v, features: { ...NONE, ...f } };
}

Deno.test("features: levels relative to the close, RSI and volume as stored, warm-up skipped", () => {
  const bars = [
    bar(0, 100, 2), // warm-up: no indicator yet
    bar(1, 200, 3, { ema_12: 210, ema_26: 190, sma_20: 200, rsi_14: 55, atr_14: 4, vwap_session_utc: 160 }),
    bar(2, 50, 0, { ema_12: 40, rsi_14: 100 }),
  ];
  const s = featureSamples(bars, M);
  assert.deepEqual(s, {
    ema_12_rel: [210 / 200 - 1, 40 / 50 - 1],
    ema_26_rel: [190 / 200 - 1],
    sma_20_rel: [0],
    rsi_14: [55, 100],
    atr_14_rel: [4 / 200],
    vwap_dist: [200 / 160 - 1],
    log_return: [Math.log(2), Math.log(0.25)],
    volume: [2, 3, 0],
  });
  assert.deepEqual(Object.keys(s), [...DRIFT_FEATURE_NAMES]);
});

Deno.test("features are scale-free: the same market at 1000x the price gives the same ratios", () => {
  const at = (k: number) =>
    [1, 1.01, 0.99, 1.02].map((p, i) =>
      bar(i, p * k, 5, { ema_12: p * k * 1.001, atr_14: p * k * 0.003, vwap_session_utc: k })
    );
  const a = featureSamples(at(1), M), b = featureSamples(at(1000), M);
  for (const f of ["ema_12_rel", "atr_14_rel", "vwap_dist", "log_return"] as const) {
    assert.equal(a[f].length, 4 - (f === "log_return" ? 1 : 0));
    a[f].forEach((x, i) => assert.ok(Math.abs(x - b[f][i]) < 1e-12, `${f}[${i}]: ${x} vs ${b[f][i]}`));
  }
});

Deno.test("log returns only between bars one interval apart; non-finite and bad closes are skipped", () => {
  const bars = [
    bar(0, 100, 1),
    bar(1, 110, 1),
    bar(3, 121, 1),
    bar(4, 0, 1, { ema_12: 5, atr_14: 1 }),
    bar(5, 10, 1),
  ];
  const s = featureSamples(bars, M);
  assert.deepEqual(s.log_return, [Math.log(1.1)]); // 1->3 is a hole; a close of 0 has no return either side
  assert.deepEqual([s.ema_12_rel, s.atr_14_rel], [[], []]);
  assert.deepEqual(featureSamples([bar(0, 100, NaN)], M).volume, []);
});

Deno.test("vwap_dist is left out of the default judgement, everything else is in", () => {
  assert.deepEqual(DEFAULT_DRIFT_FEATURES, DRIFT_FEATURE_NAMES.filter((f) => f !== "vwap_dist"));
});
