import assert from "node:assert/strict";
import { BTC } from "../../../testing/sim_trading.ts";
import { fillAmounts, quoteOf, takerPriceTicks } from "./fill_model.ts";

Deno.test("taker price: the last print moved by the slippage against the taker, whole ticks", () => {
  assert.equal(takerPriceTicks(6_000_000, "BUY", 0), 6_000_000);
  assert.equal(takerPriceTicks(6_000_000, "SELL", 0), 6_000_000);
  assert.equal(takerPriceTicks(6_000_000, "BUY", 5), 6_003_000); // 60000.00 * 1.0005
  assert.equal(takerPriceTicks(6_000_001, "BUY", 5), 6_003_002); // 6003001.0005 rounds up
  assert.equal(takerPriceTicks(6_000_001, "SELL", 5), 5_997_000); // 5997000.9995 rounds down
  assert.equal(takerPriceTicks(1, "SELL", 9_999), 1, "never below one tick");
});

Deno.test("fill amounts: a buyer pays quote and gets base less the commission in base; a seller the reverse", () => {
  // 0.001 BTC (1,000 lots) at 60000.00, taker 20 bps.
  assert.deepEqual(fillAmounts(BTC, "BUY", 6_000_000, 1_000, 200_000), {
    quote: 6_000_000_000, // 60 USDT
    base: 100_000,
    commission: 200, // 0.000002 BTC
    commissionIn: "base",
    paid: 6_000_000_000,
    received: 99_800,
  });
  assert.deepEqual(fillAmounts(BTC, "SELL", 6_000_000, 998, 200_000), {
    quote: 5_988_000_000,
    base: 99_800,
    commission: 11_976_000, // 0.11976 USDT
    commissionIn: "quote",
    paid: 99_800,
    received: 5_976_024_000,
  });
  assert.throws(() => quoteOf(BTC, 2 ** 40, 2 ** 20), RangeError);
});
