import assert from "node:assert/strict";
import { FEATURE_KEYS, FeatureSet } from "./feature_set.ts";
import { ohlcvOfRow } from "./ohlcv_file.ts";
import { closeTo, loadReferencePair } from "../../testing/reference_fixture.ts";

const pair = await loadReferencePair();

Deno.test("FeatureSet matches the TA-Lib reference at every index of every key", () => {
  const fs = new FeatureSet();
  const bad: string[] = [];
  let compared = 0;
  pair.bars.forEach((b, i) => {
    const f = fs.update(ohlcvOfRow(b));
    for (const k of FEATURE_KEYS) {
      compared++;
      if (!closeTo(f[k], pair.values[k][i])) bad.push(`${k}[${i}] got ${f[k]} want ${pair.values[k][i]}`);
    }
  });
  assert.deepEqual(bad.slice(0, 5), []);
  assert.equal(compared, 2000 * 6);
});

Deno.test("FeatureSet warm-up: the first non-null index of each key is TA-Lib's", () => {
  const fs = new FeatureSet();
  const first: Record<string, number> = {};
  pair.bars.forEach((b, i) => {
    const f = fs.update(ohlcvOfRow(b));
    for (const k of FEATURE_KEYS) if (f[k] !== null && first[k] === undefined) first[k] = i;
  });
  assert.deepEqual(first, {
    ema_12: 11,
    ema_26: 25,
    sma_20: 19,
    rsi_14: 14,
    atr_14: 14,
    vwap_session_utc: 0,
  });
});

Deno.test("FeatureSet refuses NaN, Infinity, negative volume and out-of-order bars without changing state", () => {
  const bars = pair.bars.slice(0, 40).map(ohlcvOfRow);
  const clean = new FeatureSet();
  const dirty = new FeatureSet();
  for (let i = 0; i < 30; i++) {
    clean.update(bars[i]);
    dirty.update(bars[i]);
  }
  const next = bars[30];
  assert.throws(() => dirty.update({ ...next, c: Number.NaN }), /field "c" must be a finite number, got NaN/);
  assert.throws(() => dirty.update({ ...next, h: Infinity }), /field "h" must be a finite number/);
  assert.throws(() => dirty.update({ ...next, v: -1 }), /field "v" must be >= 0/);
  assert.throws(() => dirty.update({ ...next, openTimeMs: Number.NaN }), /openTimeMs/);
  assert.throws(() => dirty.update(bars[29]), /field "openTimeMs" must increase/);
  for (let i = 30; i < 40; i++) assert.deepEqual(dirty.update(bars[i]), clean.update(bars[i]));
});

Deno.test("FeatureSet: a zero-volume flat bar carries VWAP forward and gives TR 0", () => {
  const fs = new FeatureSet();
  const b0 = { openTimeMs: 0, o: 10, h: 12, l: 9, c: 11, v: 2 };
  const f0 = fs.update(b0);
  assert.equal(f0.vwap_session_utc, (12 + 9 + 11) / 3 * 2 / 2);
  const f1 = fs.update({ openTimeMs: 60_000, o: 11, h: 11, l: 11, c: 11, v: 0 });
  assert.equal(f1.vwap_session_utc, f0.vwap_session_utc);
  // A session that has only seen zero volume has no VWAP.
  const g = new FeatureSet();
  assert.equal(g.update({ openTimeMs: 0, o: 1, h: 1, l: 1, c: 1, v: 0 }).vwap_session_utc, null);
});

Deno.test("FeatureSet: VWAP resets at a new UTC date even when the midnight bar is missing", () => {
  const fs = new FeatureSet();
  const day = 86_400_000;
  fs.update({ openTimeMs: day - 120_000, o: 100, h: 100, l: 100, c: 100, v: 5 });
  // 23:59 is missing; the next delivered bar is 00:01 of the next day.
  const f = fs.update({ openTimeMs: day + 60_000, o: 200, h: 200, l: 200, c: 200, v: 1 });
  assert.equal(f.vwap_session_utc, 200);
});
