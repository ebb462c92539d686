import assert from "node:assert/strict";
import type { ClosedBar, Trade } from "../market/types.ts";
import {
  barFilterSubject,
  barMsgId,
  barSubject,
  fnv1a64,
  revisionOf,
  tokenProblem,
  tradeMsgId,
  tradeSubject,
} from "./subjects.ts";

const trade: Trade = {
  kind: "trade",
  venue: "binance",
  symbol: "BTC-USDT",
  tradeId: "12345",
  price: 65000.5,
  size: 0.012,
  side: "buy",
  venueTimeMs: 1_700_000_000_123,
  receivedAtMs: 1_700_000_000_130,
};

const bar = {
  venue: "okx",
  symbol: "ETH-USDT",
  interval: "1h",
  openTimeMs: 1_700_000_000_000,
} as ClosedBar;

Deno.test("subjects: md.trades.<venue>.<symbol> and md.bars.<venue>.<symbol>.<interval>", () => {
  assert.equal(tradeSubject("binance", "BTC-USDT"), "md.trades.binance.BTC-USDT");
  assert.equal(barSubject("okx", "ETH-USDT", "1h"), "md.bars.okx.ETH-USDT.1h");
  assert.equal(barFilterSubject({}), "md.bars.*.*.*");
  assert.equal(barFilterSubject({ symbol: "BTC-USDT", interval: "1m" }), "md.bars.*.BTC-USDT.1m");
});

Deno.test("subject tokens: '.', '*', '>', ':', whitespace and empty are one clear TypeError each", () => {
  const cases: [string, string][] = [
    [
      "BTC.USDT",
      `bus: symbol "BTC.USDT" contains "." (subject tokens may not hold ".", "*", ">", ":" or whitespace)`,
    ],
    [
      "BTC*",
      `bus: symbol "BTC*" contains "*" (subject tokens may not hold ".", "*", ">", ":" or whitespace)`,
    ],
    [">", `bus: symbol ">" contains ">" (subject tokens may not hold ".", "*", ">", ":" or whitespace)`],
    ["a:b", `bus: symbol "a:b" contains ":" (subject tokens may not hold ".", "*", ">", ":" or whitespace)`],
    [
      "BTC USDT",
      `bus: symbol "BTC USDT" contains whitespace (subject tokens may not hold ".", "*", ">", ":" or whitespace)`,
    ],
    [
      "BTC\tUSDT",
      `bus: symbol "BTC\\tUSDT" contains whitespace (subject tokens may not hold ".", "*", ">", ":" or whitespace)`,
    ],
    ["", `bus: symbol "" is empty`],
  ];
  for (const [symbol, message] of cases) {
    assert.throws(() => tradeSubject("binance", symbol), { name: "TypeError", message }, symbol);
  }
  assert.throws(() => barSubject("okx", "ETH-USDT", "1 h"), {
    name: "TypeError",
    message: /^bus: interval "1 h" contains whitespace/,
  });
  assert.throws(() => barFilterSubject({ venue: "*" }), {
    name: "TypeError",
    message: /^bus: venue "\*" contains "\*"/,
  });
  assert.equal(tokenProblem("BTC-USDT_2"), null);
});

Deno.test("message ids: t:<venue>:<symbol>:<tradeId>, b:<venue>:<symbol>:<interval>:<openTimeMs>[:r<n>]", () => {
  assert.equal(tradeMsgId(trade), "t:binance:BTC-USDT:12345");
  assert.equal(barMsgId(bar), "b:okx:ETH-USDT:1h:1700000000000");
  assert.equal(barMsgId(bar, 2), "b:okx:ETH-USDT:1h:1700000000000:r2");
  assert.equal(revisionOf(barMsgId(bar)), 0);
  assert.equal(revisionOf(barMsgId(bar, 2)), 2);
  assert.throws(() => barMsgId(bar, -1), { name: "RangeError" });
  assert.throws(() => barMsgId(bar, 1.5), { name: "RangeError" });
});

Deno.test("a trade without a venue id gets a stable hash id from time, price, size and side", () => {
  const kraken: Trade = { ...trade, venue: "kraken", tradeId: "" };
  const id = tradeMsgId(kraken);
  // The same fields from another process (another feed) give the same id; the receive time does not count.
  // Pinned: a change of this value would make old and new feeds publish one trade twice.
  assert.equal(id, "t:kraken:BTC-USDT:h88627805889eeca4");
  assert.equal(id, `t:kraken:BTC-USDT:h${fnv1a64("1700000000123|65000.5|0.012|buy")}`);
  assert.equal(tradeMsgId({ ...kraken, receivedAtMs: 1 }), id);
  assert.notEqual(tradeMsgId({ ...kraken, size: 0.013 }), id);
  assert.notEqual(tradeMsgId({ ...kraken, side: "sell" }), id);
});

Deno.test("fnv1a64: the published FNV-1a 64-bit test vectors", () => {
  // From the FNV reference (isthe.com/chongo/tech/comp/fnv): "" and "a" and "foobar".
  assert.equal(fnv1a64(""), "cbf29ce484222325");
  assert.equal(fnv1a64("a"), "af63dc4c8601ec8c");
  assert.equal(fnv1a64("foobar"), "85944171f73967e8");
});
