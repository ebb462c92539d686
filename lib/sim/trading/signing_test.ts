import assert from "node:assert/strict";
// An HMAC-SHA256 through Web Crypto: an implementation independent of the one under test.
import { hmacHexWebCrypto as webCryptoHex } from "../../../testing/hmac_webcrypto.ts";
import { type ApiKey, hmacHex, stripSignature, verifySigned, wsPayload } from "./signing.ts";

// Known answers from Binance's docs (quoted in ../shared/docs/binance_trading.md §1).
const SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const REST_PAYLOAD =
  "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
const REST_SIG = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";
const keys = new Map<string, ApiKey>([[KEY, { key: KEY, secret: SECRET, account: "a" }]]);
const NOW = 1499827319559;

Deno.test("Binance's documented REST and WebSocket signing examples", () => {
  assert.equal(hmacHex(SECRET, REST_PAYLOAD), REST_SIG);
  const ws = {
    apiKey: KEY,
    price: "52000.00",
    quantity: "0.01000000",
    recvWindow: 100,
    side: "SELL",
    symbol: "BTCUSDT",
    timeInForce: "GTC",
    timestamp: 1645423376532,
    type: "LIMIT",
    signature: "ignored",
  };
  assert.equal(
    hmacHex(SECRET, wsPayload(ws)),
    "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24",
  );
  assert.equal(stripSignature("a=1&signature=ff&b=2"), "a=1&b=2");
});

Deno.test("the signature covers query then body directly joined; upper-case hex is accepted", async () => {
  const all = verifySigned(
    { apiKey: KEY, query: `${REST_PAYLOAD}&signature=${REST_SIG.toUpperCase()}`, body: "" },
    keys,
    NOW,
  );
  assert.ok(!("code" in all));
  assert.equal(all.key.account, "a");
  assert.equal(all.params.get("price"), "0.1");
  // Binance's mixed example: query "symbol=..GTC", body "quantity=..": signed as one string, no "&".
  const query = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC";
  const body = "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
  const sig = await webCryptoHex(SECRET, query + body);
  const split = verifySigned({ apiKey: KEY, query, body: `${body}&signature=${sig}` }, keys, NOW);
  assert.ok(!("code" in split));
  assert.equal(split.params.get("quantity"), "1");
  const joined = verifySigned({ apiKey: KEY, query: `${query}&signature=${sig}`, body }, keys, NOW);
  assert.ok(!("code" in joined), "the signature may ride in the query string instead");
});

Deno.test("tampered, stale, future-dated and wrong-key requests get Binance's exact codes", () => {
  const req = (over: Partial<{ apiKey: string | null; query: string }>, now = NOW) =>
    verifySigned(
      { apiKey: KEY, query: `${REST_PAYLOAD}&signature=${REST_SIG}`, body: "", ...over },
      keys,
      now,
    );
  const code = (r: ReturnType<typeof req>) => "code" in r ? [r.code, r.msg] : "accepted";
  assert.deepEqual(
    code(req({ query: `${REST_PAYLOAD.replace("price=0.1", "price=0.2")}&signature=${REST_SIG}` })),
    [
      -1022,
      "Signature for this request is not valid.",
    ],
  );
  assert.deepEqual(code(req({}, NOW + 5000)), "accepted", "exactly recvWindow old is still inside");
  assert.deepEqual(code(req({}, NOW + 5001)), [
    -1021,
    "Timestamp for this request is outside of the recvWindow.",
  ]);
  assert.deepEqual(code(req({}, NOW - 1000)), [
    -1021,
    "Timestamp for this request was 1000ms ahead of the server's time.",
  ]);
  assert.deepEqual(code(req({}, NOW - 999)), "accepted");
  assert.deepEqual(code(req({ apiKey: null })), [-2014, "API-key format invalid."]);
  assert.deepEqual(code(req({ apiKey: "short" })), [-2014, "API-key format invalid."]);
  assert.deepEqual(code(req({ apiKey: "x".repeat(64) })), [
    -2015,
    "Invalid API-key, IP, or permissions for action.",
  ]);
  assert.deepEqual(code(req({ query: REST_PAYLOAD })), [
    -1102,
    "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
  ]);
});
