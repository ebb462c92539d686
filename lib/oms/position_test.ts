import assert from "node:assert/strict";
import { applyFill, FLAT, mulDiv, unrealized } from "./position.ts";

const U = 100_000_000; // atoms per unit

Deno.test("buy, buy, sell part, sell the rest: average cost and realized PnL exact in atoms", () => {
  let p = applyFill(FLAT, "BUY", 1 * U, 100 * U); // 1 @ 100
  p = applyFill(p, "BUY", 1 * U, 110 * U); // 1 @ 110: average 105
  assert.deepEqual(p, { qty: 2 * U, cost: 210 * U, realized: 0 });
  p = applyFill(p, "SELL", U / 2, 60 * U); // 0.5 @ 120: +7.5
  assert.deepEqual(p, { qty: 1.5 * U, cost: 157.5 * U, realized: 7.5 * U });
  p = applyFill(p, "SELL", 1.5 * U, 150 * U); // 1.5 @ 100: -7.5
  assert.deepEqual(p, { qty: 0, cost: 0, realized: 0 });
});

Deno.test("a fill through zero closes at average cost and opens the rest at the fill's price", () => {
  let p = applyFill(FLAT, "BUY", 1 * U, 100 * U);
  p = applyFill(p, "SELL", 3 * U, 330 * U); // 3 @ 110: close 1 (+10), open short 2 for 220
  assert.deepEqual(p, { qty: -2 * U, cost: -220 * U, realized: 10 * U });
  p = applyFill(p, "BUY", 2 * U, 200 * U); // cover 2 @ 100: +20
  assert.deepEqual(p, { qty: 0, cost: 0, realized: 30 * U });
});

Deno.test("unrealized at a mark; mulDiv rounds half away from zero, exact past 2^53", () => {
  const p = applyFill(FLAT, "BUY", 2 * U, 210 * U);
  assert.equal(unrealized(p, 100 * U), -10 * U);
  assert.equal(unrealized(applyFill(FLAT, "SELL", U, 100 * U), 90 * U), 10 * U);
  assert.equal(mulDiv(5, 1, 2), 3);
  assert.equal(mulDiv(-5, 1, 2), -3);
  assert.equal(mulDiv(7, 1, 3), 2);
  assert.equal(mulDiv(9_000_000_000_000_001, 3, 9), 3_000_000_000_000_000); // product 2.7e16 > 2^53
});
