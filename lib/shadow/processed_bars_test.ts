import assert from "node:assert/strict";
import { fixtureClosedBars } from "../../testing/shadow_fixture.ts";
import { ProcessedBars } from "./processed_bars.ts";

const bars = fixtureClosedBars().slice(0, 700);

Deno.test("new after the last processed; a resend is a duplicate; changed values are a correction, once", () => {
  const p = new ProcessedBars(null);
  assert.equal(p.last, null);
  assert.equal(p.classify(bars[0]), "new");
  p.add(bars[0]);
  p.add(bars[1]);
  assert.equal(p.last, bars[1].openTimeMs);
  assert.equal(p.classify(bars[2]), "new");
  assert.equal(p.classify(bars[0]), "duplicate");
  assert.equal(p.classify({ ...bars[1] }), "duplicate");
  const fixed = { ...bars[0], c: bars[0].c + 1 };
  assert.equal(p.classify(fixed), "corrected");
  assert.equal(p.classify(fixed), "duplicate", "the corrected values are remembered");
  const restated = { ...bars[1], features: { ...bars[1].features, rsi_14: 1 } };
  assert.equal(p.classify(restated), "corrected");
});

Deno.test("resumed at a bar, or past memory: anything not newer counts as a resend", () => {
  const resumed = new ProcessedBars(bars[5].openTimeMs);
  assert.equal(resumed.classify({ ...bars[3], c: -1 }), "duplicate");
  assert.equal(resumed.classify(bars[6]), "new");
  const p = new ProcessedBars(null);
  for (const b of bars) p.add(b); // 700 > the 512 remembered
  assert.equal(p.classify({ ...bars[0], c: -1 }), "duplicate", "forgotten: cannot tell");
  assert.equal(p.classify({ ...bars[699], c: -1 }), "corrected");
});
