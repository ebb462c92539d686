import assert from "node:assert/strict";
import { ev, fillEv, intent, U } from "../../testing/oms_records.ts";
import { OmsBook } from "../oms/book.ts";
import { equityOf, expectedHoldings, holdingDiffs, holdingsOf } from "./ledger.ts";

const SYMS = [{ symbol: "BTCUSDT", base: "BTC", quote: "USDT" }];

/** One buy of 0.5 BTC at 100 USDT (a 0.001 BTC fee), then a sell of 0.2 at 130 (a 0.1 USDT fee). */
function book(): OmsBook {
  const b = new OmsBook();
  b.apply(intent("a-1", 1));
  b.apply(ev("a-1", { kind: "submitted" }));
  const f = { tradeId: 1, qty: U / 2, price: 100 * U, quote: 50 * U, timeMs: 1, isMaker: true };
  b.apply(ev("a-1", { kind: "fill", fill: { ...f, commission: U / 1000, commissionAsset: "BTC" } }));
  b.apply(intent("a-2", 2, { side: "SELL", price: 130 * U }));
  b.apply(ev("a-2", { kind: "submitted" }));
  b.apply(fillEv("a-2", 2, U / 5, 130 * U, U / 10));
  return b;
}

Deno.test("the holdings the OMS expects: baseline + fills - fees, per traded asset", () => {
  const exp = expectedHoldings(book(), { USDT: 1_000 * U, BNB: 7 }, SYMS);
  // BTC: 0.5 - 0.2 - 0.001 fee; USDT: 1000 - 50 + 26 - 0.1 fee.
  assert.deepEqual(exp, { BTC: 29_900_000, USDT: 975.9 * U });
  assert.deepEqual(holdingDiffs(exp, { BTC: 29_900_000, USDT: 975.9 * U }), []);
  assert.deepEqual(holdingDiffs(exp, { USDT: 975.9 * U }), ["BTC: venue 0 atoms, OMS expects 29900000"]);
});

Deno.test("equity values each holding at its mark; an unmarked holding leaves it unknown", () => {
  const exp = { BTC: 29_900_000, USDT: 975.9 * U };
  assert.equal(equityOf(exp, SYMS, new Map()), null);
  assert.equal(equityOf(exp, SYMS, new Map([["BTCUSDT", 120 * U]])), 975.9 * U + 35.88 * U);
  assert.equal(equityOf({ BTC: 0, USDT: 5 }, SYMS, new Map()), 5, "nothing held needs no mark");
});

Deno.test("venue balances parse to total atoms, or name the bad value", () => {
  assert.deepEqual(holdingsOf([{ asset: "USDT", free: "1.5", locked: "0.25" }]), { USDT: 175_000_000 });
  assert.equal(holdingsOf([{ asset: "BTC", free: "x", locked: "0" }]), 'BTC free "x": illegal');
});
