import assert from "node:assert/strict";
import type { Bar, VenueKline } from "../market/types.ts";
import { CHECK_ASKS, venueBarCheck } from "./venue_check.ts";

const bar = { venue: "bybit", symbol: "BTC-USDT", interval: "1m", openTimeMs: 120_000 } as Bar;
const kline = (openTimeMs: number) => ({ kind: "kline", openTimeMs }) as VenueKline;

/** A kline source answering from a script of answers, one per ask (an Error is thrown). */
function source(answers: (VenueKline[] | Error)[]) {
  const asks: number[][] = [];
  return {
    asks,
    rest: {
      klines: (_v: string, _s: string, _i: string, from: number, to: number) => {
        asks.push([from, to]);
        const a = answers[asks.length - 1] ?? [];
        return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
      },
    },
  };
}

Deno.test("the bar's own kline, asked for its open time only", async () => {
  const { rest, asks } = source([[kline(60_000), kline(120_000)]]);
  assert.deepEqual(await venueBarCheck(rest, new AbortController().signal)(bar), kline(120_000));
  assert.deepEqual(asks, [[120_000, 120_000]]);
});

Deno.test("a bar not served yet is asked again, up to CHECK_ASKS times; then null", async () => {
  const later = source([[], [kline(120_000)]]);
  assert.deepEqual(await venueBarCheck(later.rest, new AbortController().signal)(bar), kline(120_000));
  assert.equal(later.asks.length, 2);
  const never = source([]);
  assert.equal(await venueBarCheck(never.rest, new AbortController().signal)(bar), null);
  assert.equal(never.asks.length, CHECK_ASKS);
});

Deno.test("a failed request or a stopped feed: null at once", async () => {
  const failing = source([new Error("HTTP 500")]);
  assert.equal(await venueBarCheck(failing.rest, new AbortController().signal)(bar), null);
  assert.equal(failing.asks.length, 1);
  const stopped = source([[kline(120_000)]]);
  assert.equal(await venueBarCheck(stopped.rest, AbortSignal.abort())(bar), null);
  assert.equal(stopped.asks.length, 0);
});
