import assert from "node:assert/strict";
import { VENUES } from "../market/types.ts";
import { fromVenueSymbol, parseSymbol, parseSymbolList, toVenueSymbol } from "./symbols.ts";

Deno.test("parseSymbol: config forms become BASE-QUOTE with venue aliases resolved", () => {
  assert.equal(parseSymbol("BTC-USDT"), "BTC-USDT");
  assert.equal(parseSymbol("BTCUSDT"), "BTC-USDT");
  assert.equal(parseSymbol(" btcusdt "), "BTC-USDT");
  assert.equal(parseSymbol("XBT/USD"), "BTC-USD");
  assert.equal(parseSymbol("XDGUSD"), "DOGE-USD");
  assert.equal(parseSymbol("BUSDTRY"), "BUSD-TRY"); // TRY is the quote, not USDT
  assert.equal(parseSymbol("SWRVBUSD"), "SWRV-BUSD"); // BUSD wins over USD
  assert.equal(parseSymbol("ETHBTC"), "ETH-BTC");
  assert.equal(parseSymbol("BTCEUR"), "BTC-EUR");
  assert.throws(() => parseSymbol("BTCXYZ"), /Cannot parse symbol "BTCXYZ"/);
  assert.throws(() => parseSymbol("USDT"), RangeError);
  assert.throws(() => parseSymbol("BTC-"), RangeError);
  assert.deepEqual(parseSymbolList("BTC-USDT, ETHUSDT,BTCUSDT,"), ["BTC-USDT", "ETH-USDT"]);
});

Deno.test("toVenueSymbol / fromVenueSymbol: each venue's spelling, both ways", () => {
  assert.equal(toVenueSymbol("binance", "BTC-USDT"), "BTCUSDT");
  assert.equal(toVenueSymbol("binance", "BTC-USDT", { binanceStream: true }), "btcusdt");
  assert.equal(toVenueSymbol("bybit", "ETH-USDT"), "ETHUSDT");
  assert.equal(toVenueSymbol("okx", "BTC-USDT"), "BTC-USDT");
  assert.equal(toVenueSymbol("kraken", "BTC-USDT"), "BTC/USDT");
  assert.equal(toVenueSymbol("kraken", "BTC-USDT", { krakenV1: true }), "XBT/USDT");
  assert.equal(toVenueSymbol("kraken", "DOGE-USD", { krakenV1: true }), "XDG/USD");
  assert.equal(fromVenueSymbol("binance", "btcusdt"), "BTC-USDT");
  assert.equal(fromVenueSymbol("bybit", "BTCUSDT"), "BTC-USDT");
  assert.equal(fromVenueSymbol("okx", "BTC-USDT"), "BTC-USDT");
  assert.equal(fromVenueSymbol("okx", "BTC-USDT-SWAP"), null);
  assert.equal(fromVenueSymbol("okx", "BTC-USD-220624"), null);
  assert.equal(fromVenueSymbol("kraken", "XBT/USD"), "BTC-USD");
  assert.equal(fromVenueSymbol("kraken", "XDG/EUR"), "DOGE-EUR");
  assert.equal(fromVenueSymbol("kraken", "BTC/USD"), "BTC-USD");
  assert.equal(fromVenueSymbol("binance", "FOO"), null);
  for (const v of VENUES) {
    for (const s of ["BTC-USDT", "ETH-USDT", "DOGE-USD", "SOL-EUR"]) {
      assert.equal(fromVenueSymbol(v, toVenueSymbol(v, s)), s, `${v} ${s}`);
      assert.equal(fromVenueSymbol(v, toVenueSymbol(v, s, { krakenV1: true })), s, `${v} v1 ${s}`);
    }
  }
});
