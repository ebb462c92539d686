// Equity, drawdown and daily loss add holdings in one quote asset (ledger.ts equityOf): a config that
// trades in two quote assets is refused at once, with one line saying why.
import assert from "node:assert/strict";
import { liveConfig, TEST_REST_TIMEOUT_MS } from "../../testing/live_loop.ts";
import { ConfigError } from "../util/errors.ts";
import { checkLiveConfig } from "./config.ts";

Deno.test("symbols in two quote assets (or a base that is the quote) are refused: equity is in one quote asset", () => {
  const ok = liveConfig("/tmp/x");
  const btc = { symbol: "BTCUSDT", base: "BTC", quote: "USDT" };
  const two = { ...ok, symbols: [btc, { symbol: "ETHUSDT", base: "ETH", quote: "USDT" }] };
  assert.equal(checkLiveConfig(two, TEST_REST_TIMEOUT_MS), two);
  // Before: BTC (ETHBTC's quote) counted at 1 quote atom each, so buying 0.001 BTC read as a 60 USDT loss.
  assert.throws(
    () =>
      checkLiveConfig(
        { ...ok, symbols: [btc, { symbol: "ETHBTC", base: "ETH", quote: "BTC" }] },
        TEST_REST_TIMEOUT_MS,
      ),
    new ConfigError(
      "live loop: equity, drawdown and daily loss are in one quote asset, but the symbols quote in BTC, USDT",
    ),
  );
  assert.throws(
    () =>
      checkLiveConfig(
        { ...ok, symbols: [btc, { symbol: "USDTUSDT", base: "USDT", quote: "USDT" }] },
        TEST_REST_TIMEOUT_MS,
      ),
    new ConfigError(
      "live loop: equity, drawdown and daily loss are in one quote asset, but USDTUSDT has it as base",
    ),
  );
});
