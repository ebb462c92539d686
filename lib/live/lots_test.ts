// onLot: the largest quantity under what a close can sell that the venue's quantity filters pass.
import assert from "node:assert/strict";
import { failedFilter, type SymbolFilters } from "../market/exchange_filters.ts";
import { onLot } from "./lots.ts";

const F: SymbolFilters = {
  minPrice: 1,
  maxPrice: 0,
  tickSize: 0,
  minQty: 100,
  maxQty: 1_000_000,
  stepSize: 100,
  marketMinQty: 0,
  marketMaxQty: 0,
  marketStepSize: 0,
  minNotional: 0,
  maxNotional: 0,
  applyMinToMarket: false,
  applyMaxToMarket: false,
};

Deno.test("onLot: rounds down onto LOT_SIZE's grid (and MARKET_LOT_SIZE's for a MARKET); under the minimum is 0", () => {
  const cases: [string, Partial<SymbolFilters>, "MARKET" | "LIMIT", number, number][] = [
    ["a whole lot stays", {}, "MARKET", 999_200, 999_200],
    ["a fee's remainder is dropped", {}, "MARKET", 999_250, 999_200],
    ["under minQty: nothing", {}, "MARKET", 99, 0],
    ["nothing to close", {}, "MARKET", 0, 0],
    ["over maxQty: the maximum", {}, "MARKET", 1_500_050, 1_000_000],
    ["steps count from minQty", { minQty: 150 }, "LIMIT", 420, 350],
    ["MARKET_LOT_SIZE's coarser step", { marketStepSize: 1_000 }, "MARKET", 999_250, 999_000],
    ["a LIMIT ignores MARKET_LOT_SIZE", { marketStepSize: 1_000 }, "LIMIT", 999_250, 999_200],
    ["MARKET_LOT_SIZE's minimum", { marketMinQty: 5_000 }, "MARKET", 4_900, 0],
    ["MARKET_LOT_SIZE's maximum", { marketMaxQty: 50_050 }, "MARKET", 999_250, 50_000],
    ["no grid at all", { minQty: 0, stepSize: 0 }, "MARKET", 999_250, 999_250],
    [
      "grids with no common point (0, 3, 6, ... and 1, 4, 7, ...)",
      { minQty: 0, stepSize: 3, marketMinQty: 1, marketStepSize: 3 },
      "MARKET",
      10,
      0,
    ],
  ];
  for (const [name, more, type, can, want] of cases) {
    const f = { ...F, ...more };
    const got = onLot(can, f, { type });
    assert.equal(got, want, name);
    if (got > 0) {
      assert.equal(
        failedFilter(f, {
          type,
          price: type === "LIMIT" ? 1 : null,
          quantity: got,
          quoteOrderQty: null,
          refPrice: null,
        }),
        null,
        name,
      );
    }
  }
});

Deno.test("onLot: a MARKET close worth less than the minimum notional at the mark is 0 (all dust), when the minimum applies to MARKET", () => {
  const U = 100_000_000;
  // 5 USDT minimum; 8,000 atoms (0.00008 BTC) at 60,000 USDT is 4.80 USDT, at 62,500 exactly 5.00.
  const f = { ...F, minNotional: 5 * U, applyMinToMarket: true };
  const cases: [string, Partial<SymbolFilters>, "MARKET" | "LIMIT", number | null, number][] = [
    ["under the minimum at the mark", {}, "MARKET", 60_000 * U, 0],
    ["exactly the minimum", {}, "MARKET", 62_500 * U, 8_000],
    ["above it", {}, "MARKET", 70_000 * U, 8_000],
    ["no mark yet: not judged here", {}, "MARKET", null, 8_000],
    ["the minimum not applied to MARKET", { applyMinToMarket: false }, "MARKET", 60_000 * U, 8_000],
    ["a LIMIT: its own price decides, not the mark", {}, "LIMIT", 60_000 * U, 8_000],
  ];
  for (const [name, more, type, markAtoms, want] of cases) {
    const g = { ...f, ...more };
    const got = onLot(8_050, g, { type, markAtoms });
    assert.equal(got, want, name);
    // What onLot sends the venue passes at that reference; what it keeps back the venue would refuse.
    if (type === "MARKET" && markAtoms !== null) {
      const at = (quantity: number) =>
        failedFilter(g, { type, price: null, quantity, quoteOrderQty: null, refPrice: markAtoms });
      assert.equal(at(got > 0 ? got : 8_000), got > 0 ? null : "NOTIONAL", name);
    }
  }
});
