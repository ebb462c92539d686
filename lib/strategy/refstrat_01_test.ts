import assert from "node:assert/strict";
import { expectedRun, FIXTURE_BARS, REF } from "../../testing/shadow_fixture.ts";
import {
  type Decision,
  INITIAL_STATE,
  prime,
  type Reason,
  type RefStratParams,
  step,
} from "./refstrat_01.ts";
import { totalPnl } from "./shadow_book.ts";

const P: RefStratParams = { stopAtrK: 2, feeBps: 10, size: 1 };

function runAll(p: RefStratParams, from = 0) {
  let s = INITIAL_STATE;
  const out: { i: number; decision: Decision; reason: Reason }[] = [];
  FIXTURE_BARS.forEach((b, i) => {
    const bar = { close: b.c, ema12: REF.ema_12[i], ema26: REF.ema_26[i], atr14: REF.atr_14[i] };
    if (i < from) {
      s = prime(s, bar);
      return;
    }
    const r = step(s, bar, p);
    out.push({ i, decision: r.decision, reason: r.reason });
    s = r.state;
  });
  return { out, s };
}

const near = (got: number, want: number) =>
  assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${got} != ${want}`);

Deno.test("RefStrat_01 on the 2,000 fixture bars: enters/exits exactly at the hand-checked indices", () => {
  const { out, s } = runAll(P);
  const want = expectedRun(0, P.stopAtrK, P.feeBps, P.size);
  assert.equal(out.length, 2000);
  assert.deepEqual(out.filter((d) => d.decision === "enter_long").map((d) => d.i), want.enters);
  assert.deepEqual(
    out.filter((d) => d.decision === "exit_long").map((d) => ({ i: d.i, reason: d.reason })),
    want.exits,
  );
  // Pinned counts (from the loop above, checked by hand against the first crosses 65 up, 83 down).
  assert.equal(want.enters.length, 47);
  assert.equal(want.exits.length, 46);
  assert.equal(want.exits.filter((e) => e.reason === "stop").length, 16);
  assert.deepEqual(want.enters.slice(0, 3), [65, 84, 150]);
  assert.deepEqual(want.exits.slice(0, 2), [{ i: 83, reason: "cross_down" }, {
    i: 118,
    reason: "cross_down",
  }]);
  // Warm-up: ema_26 first at 25, so bars 0..25 have no previous pair of EMAs.
  assert.equal(out.filter((d) => d.reason === "warmup").length, 26);
  assert.ok(out.slice(0, 26).every((d) => d.decision === "hold" && d.reason === "warmup"));
  assert.equal(out.filter((d) => d.reason === "no_signal").length, 2000 - 26 - 47 - 46);
  assert.equal(s.book.size, want.position);
  assert.equal(s.book.size, 1);
  near(s.book.realisedPnl, want.realised);
  near(totalPnl(s.book, FIXTURE_BARS[1999].c), want.pnl);
  assert.equal(s.book.trades, 46);
});

Deno.test("RefStrat_01 without a reachable stop trades exactly the EMA crosses", () => {
  const p = { ...P, stopAtrK: 1e9 };
  const { out, s } = runAll(p);
  const e12 = REF.ema_12, e26 = REF.ema_26;
  const ups: number[] = [], downs: number[] = [];
  for (let i = 1; i < e12.length; i++) {
    const a = e12[i - 1], b = e26[i - 1], x = e12[i]!, y = e26[i]!;
    if (a === null || b === null) continue;
    if (a <= b && x > y) ups.push(i);
    if (a >= b && x < y) downs.push(i);
  }
  assert.deepEqual(out.filter((d) => d.decision === "enter_long").map((d) => d.i), ups);
  // The first cross down (35) comes while flat: no exit there.
  assert.deepEqual(
    out.filter((d) => d.decision === "exit_long").map((d) => d.i),
    downs.filter((i) => i > ups[0]),
  );
  assert.equal(ups.length, 47);
  near(totalPnl(s.book, FIXTURE_BARS[1999].c), expectedRun(0, 1e9, 10, 1).pnl);
});

Deno.test("priming history moves only the EMA memory; the first live bar can then cross", () => {
  const { out, s } = runAll(P, 100);
  const want = expectedRun(100, 2, 10, 1);
  assert.equal(out.length, 1900);
  assert.equal(out[0].reason === "warmup", false);
  assert.deepEqual(out.filter((d) => d.decision === "enter_long").map((d) => d.i), want.enters);
  near(totalPnl(s.book, FIXTURE_BARS[1999].c), want.pnl);
});

Deno.test("null features are an explicit warm-up hold, even while long (stop unchecked), and reset the cross memory", () => {
  let s = INITIAL_STATE;
  s = step(s, { close: 100, ema12: 9, ema26: 10, atr14: 1 }, P).state;
  const e = step(s, { close: 100, ema12: 11, ema26: 10, atr14: 1 }, P);
  assert.equal(e.decision, "enter_long");
  assert.deepEqual(e.action, { action: "open_long", price: 100, size: 1 });
  assert.equal(e.state.book.stop, 98);
  near(e.state.book.realisedPnl, -0.1);
  const w = step(e.state, { close: 50, ema12: null, ema26: 10, atr14: 1 }, P);
  assert.deepEqual([w.decision, w.reason, w.action, w.state.book.size], ["hold", "warmup", null, 1]);
  assert.equal(w.state.prevEma12, null);
  const w2 = step(w.state, { close: 97, ema12: 9, ema26: 10, atr14: 1 }, P);
  assert.deepEqual([w2.decision, w2.reason], ["hold", "warmup"]);
  const x = step(w2.state, { close: 97.5, ema12: 9, ema26: 10, atr14: 1 }, P);
  assert.deepEqual([x.decision, x.reason], ["exit_long", "stop"]);
  assert.equal(x.inputs.position, 1);
  near(x.state.book.realisedPnl, -0.1 + (97.5 - 100) - 0.0975);
});
