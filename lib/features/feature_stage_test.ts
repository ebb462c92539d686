// The feature stage: checkpoints rewind a stream bit-identically (a restated history gives exactly
// what a fresh run over the corrected bars gives), timing does not change values, streams are apart.
import assert from "node:assert/strict";
import type { ClosedBar, Features, ReleasedBar } from "../market/types.ts";
import { FEATURE_KEYS, FeatureSet } from "./feature_set.ts";
import { FeatureStage, FeatureStream, sameFeatures } from "./feature_stage.ts";
import { loadReferencePair, releasedBar } from "../../testing/reference_fixture.ts";

const { bars } = await loadReferencePair();
const input = bars.slice(0, 400).map((b) => releasedBar(b));

const run = (xs: readonly ReleasedBar[]) => {
  const s = new FeatureStream();
  return xs.map((b) => s.close(b).features);
};

function assertSame(got: readonly Features[], want: readonly Features[], what: string) {
  assert.equal(got.length, want.length, what);
  got.forEach((f, i) => assert.ok(sameFeatures(f, want[i]), `${what}: index ${i} ${JSON.stringify(f)}`));
}

Deno.test("FeatureStream: rewinding to a checkpoint and replaying is bit-identical at every warm-up edge", () => {
  const want = run(input);
  for (const at of [0, 1, 11, 13, 14, 15, 19, 25, 26, 100, 399]) {
    const s = new FeatureStream();
    const cps = input.map((b) => {
      const cp = s.checkpoint();
      s.close(b);
      return cp;
    });
    s.rewind(cps[at]);
    assertSame(input.slice(at).map((b) => s.close(b).features), want.slice(at), `rewind to ${at}`);
  }
});

Deno.test("FeatureStream: a corrected bar restated from its checkpoint equals a fresh run over the corrected bars", () => {
  const at = 150;
  const fixed = { ...input[at], h: input[at].h + 7, c: input[at].c + 5, v: input[at].v * 2 };
  const corrected = input.map((b, i) => i === at ? fixed : b);
  const s = new FeatureStream();
  const cps: FeatureSet[] = [];
  const first = input.map((b) => (cps.push(s.checkpoint()), s.close(b)));
  s.rewind(cps[at]);
  const again = corrected.slice(at).map((b) => s.close(b).features);
  assertSame(again, run(corrected).slice(at), "restated");
  assert.ok(!sameFeatures(again[0], first[at].features), "the corrected bar's features changed");
  // The checkpoint itself is not consumed: rewinding to it again replays the original history.
  s.rewind(cps[at]);
  assertSame(input.slice(at).map((b) => s.close(b).features), run(input).slice(at), "original again");
});

Deno.test("FeatureStream: a refused bar leaves the state unchanged; a recomputed ClosedBar gets new features", () => {
  const s = new FeatureStream();
  input.slice(0, 30).forEach((b) => s.close(b));
  assert.throws(() => s.close({ ...input[30], c: Number.NaN }), RangeError);
  assert.throws(() => s.close(input[29]), RangeError);
  const stale: ClosedBar = { ...input[30], features: run(input)[0] };
  assert.ok(sameFeatures(s.close(stale).features, run(input)[30]));
});

Deno.test("FeatureStage: timing every indicator does not change a value; streams are independent", () => {
  const timed: string[] = [];
  let tick = 0;
  const stage = new FeatureStage((f, sym, ms) => timed.push(`${f}|${sym}|${ms}`), () => tick++);
  const eth = (b: ReleasedBar): ReleasedBar => ({ ...b, symbol: "ETH-USDT", c: b.c / 10, l: b.l / 10 });
  const got = input.slice(0, 40).map((b) => {
    stage.close(eth(b));
    return stage.close(b).features;
  });
  assertSame(got, run(input.slice(0, 40)), "timed BTC");
  assert.equal(timed.length, 40 * 2 * FEATURE_KEYS.length);
  assert.deepEqual(timed.slice(0, 6), FEATURE_KEYS.map((k) => `${k}|ETH-USDT|1`));
  assert.ok(stage.stream(input[0]) === stage.stream(input[5]), "one stream per venue|symbol|interval");
});

Deno.test("sameFeatures compares bit for bit: one ulp or a null differs", () => {
  const f = run(input.slice(0, 30))[29];
  assert.ok(sameFeatures(f, { ...f }));
  const e = f.ema_12!;
  assert.ok(!sameFeatures(f, { ...f, ema_12: e + Math.abs(e) * Number.EPSILON * 2 }), "one ulp apart");
  assert.ok(!sameFeatures(f, { ...f, rsi_14: null }));
});
