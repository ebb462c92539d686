// One contract for every indicator: nothing before warm-up, then a value at every step; a fresh
// instance replaying the same input gives bit-identical output; non-finite input is refused.
import assert from "node:assert/strict";
import { Atr } from "./atr.ts";
import { Ema } from "./ema.ts";
import { Rsi } from "./rsi.ts";
import { Sma } from "./sma.ts";
import { SessionVwap } from "./vwap.ts";
import { type FixtureBar, loadReferencePair } from "../../testing/reference_fixture.ts";

interface Case {
  name: string;
  /** Index of the first non-null output. */
  firstIndex: number;
  make(): (b: FixtureBar) => number | null;
}

const cases: Case[] = [
  { name: "Ema(12)", firstIndex: 11, make: () => wrap(new Ema(12), (e, b) => e.update(b.c)) },
  { name: "Ema(26)", firstIndex: 25, make: () => wrap(new Ema(26), (e, b) => e.update(b.c)) },
  { name: "Sma(20)", firstIndex: 19, make: () => wrap(new Sma(20), (e, b) => e.update(b.c)) },
  { name: "Rsi(14)", firstIndex: 14, make: () => wrap(new Rsi(14), (e, b) => e.update(b.c)) },
  { name: "Atr(14)", firstIndex: 14, make: () => wrap(new Atr(14), (e, b) => e.update(b.h, b.l, b.c)) },
  {
    name: "SessionVwap",
    firstIndex: 0,
    make: () => wrap(new SessionVwap(), (e, b) => e.update(b.t, b.h, b.l, b.c, b.v)),
  },
];

function wrap<T>(ind: T, step: (ind: T, b: FixtureBar) => number | null) {
  return (b: FixtureBar) => step(ind, b);
}

const { bars } = await loadReferencePair();
const input = bars.slice(0, 300);

for (const c of cases) {
  Deno.test(`contract ${c.name}: null before warm-up, then a finite value at every step`, () => {
    const step = c.make();
    input.forEach((b, i) => {
      const got = step(b);
      if (i < c.firstIndex) assert.equal(got, null, `index ${i}`);
      else assert.ok(got !== null && Number.isFinite(got), `index ${i}: ${got}`);
    });
  });

  Deno.test(`contract ${c.name}: a fresh instance replaying the same input gives identical output`, () => {
    const a = c.make();
    const b = c.make();
    const outA = input.map((x) => a(x));
    const outB = input.map((x) => b(x));
    assert.deepEqual(outB, outA);
    assert.ok(outA.some((x) => x !== null));
  });

  Deno.test(`contract ${c.name}: NaN and Infinity are refused and leave the state unchanged`, () => {
    const a = c.make();
    const b = c.make();
    for (const x of input.slice(0, 50)) {
      a(x);
      b(x);
    }
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      assert.throws(() => b({ ...input[50], c: bad }), RangeError);
      assert.throws(() => b({ ...input[50], h: bad, l: bad, c: bad, v: bad, t: bad }), RangeError);
    }
    for (const x of input.slice(50)) assert.equal(b(x), a(x));
  });
}

Deno.test("value getters report the latest output and null during warm-up", () => {
  const e = new Ema(3);
  assert.equal(e.value, null);
  e.update(1);
  e.update(2);
  assert.equal(e.value, null);
  assert.equal(e.update(3), 2);
  assert.equal(e.value, 2);
  assert.equal(e.update(4), 3); // (4 - 2) * 0.5 + 2
  const s = new Sma(2);
  s.update(1);
  assert.equal(s.value, null);
  assert.equal(s.update(3), 2);
  assert.equal(s.update(5), 4);
  assert.equal(s.value, 4);
  const r = new Rsi(2);
  r.update(10);
  r.update(11);
  assert.equal(r.value, null);
  assert.equal(r.update(10), 50); // gains 1, losses 1
  const flat = new Rsi(2);
  for (const x of [5, 5, 5, 5]) flat.update(x);
  assert.equal(flat.value, 0); // TA-Lib's degenerate case: no change at all -> 0
  const t = new Atr(1);
  assert.equal(t.update(10, 8, 9), null); // TR_0 undefined
  assert.equal(t.update(12, 11, 11), 3); // max(1, |9-12|, |9-11|)
  assert.equal(t.value, 3);
  assert.throws(() => new Ema(0), RangeError);
  assert.throws(() => new Rsi(1), RangeError);
});
