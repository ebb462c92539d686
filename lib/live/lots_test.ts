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
    const got = onLot(can, f, type);
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
