import assert from "node:assert/strict";
import {
  formatPadded,
  formatScaled,
  formatTrimmed,
  instrument,
  krakenRestPair,
  venueSymbol,
} from "./instruments.ts";

Deno.test("fixed-point formatting of integer ticks and lots", () => {
  assert.equal(formatScaled(6000012, 2), "60000.12");
  assert.equal(formatScaled(5, 6), "0.000005");
  assert.equal(formatScaled(-150, 2), "-1.50");
  assert.equal(formatScaled(42, 0), "42");
  assert.equal(formatPadded(6000010, 2, 8), "60000.10000000");
  assert.equal(formatPadded(7, 0, 8), "7.00000000");
  assert.equal(formatTrimmed(6000010, 2), "60000.1");
  assert.equal(formatTrimmed(500, 2), "5");
  assert.equal(formatTrimmed(0, 4), "0");
});

Deno.test("venue spellings and instrument defaults", () => {
  const btc = instrument("BTC-USDT");
  assert.deepEqual(
    (["binance", "bybit", "okx", "kraken"] as const).map((v) => venueSymbol(v, btc)),
    ["BTCUSDT", "BTCUSDT", "BTC-USDT", "BTC/USDT"],
  );
  assert.equal(krakenRestPair(btc), "XBTUSDT");
  assert.equal(krakenRestPair(instrument("ETH-USDT")), "ETHUSDT");
  assert.equal(instrument("ABC-USDT").startPrice, 100);
  assert.throws(() => instrument("btcusdt"), /Cannot use symbol "btcusdt"/);
});
