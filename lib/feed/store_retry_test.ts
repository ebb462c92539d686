import assert from "node:assert/strict";
import type { Logger } from "../log.ts";
import type { ClosedBar } from "../market/types.ts";
import { type BarSink, upsertWithRetries } from "./store_retry.ts";

const bar = { venue: "bybit", symbol: "ETH-USDT", interval: "1m", openTimeMs: 0 } as ClosedBar;

/** A sink whose first `failures` writes throw `err`; records every attempt. */
function flaky(failures: number, err: Error) {
  const attempts: number[] = [];
  const sink: BarSink = {
    upsertBar: () => {
      attempts.push(attempts.length + 1);
      return attempts.length <= failures ? Promise.reject(err) : Promise.resolve();
    },
  };
  return { sink, attempts };
}

function logLines() {
  const lines: unknown[] = [];
  const log: Logger = (level, msg, fields) => lines.push([level, msg, fields]);
  return { log, lines };
}

Deno.test("a transient write failure is retried; the bar is stored", async () => {
  const { sink, attempts } = flaky(2, new Error("busy"));
  const { log, lines } = logLines();
  assert.equal(await upsertWithRetries(sink, bar, log), true);
  assert.deepEqual(attempts, [1, 2, 3]);
  assert.deepEqual(lines, []);
});

Deno.test("after the last attempt, or at once for an invalid bar: false and one error line", async () => {
  const busy = flaky(9, new Error("busy"));
  const a = logLines();
  assert.equal(await upsertWithRetries(busy.sink, bar, a.log), false);
  assert.equal(busy.attempts.length, 3);
  assert.deepEqual(a.lines, [["error", "bar not stored", {
    error: "Error: busy",
    venue: "bybit",
    symbol: "ETH-USDT",
  }]]);
  const invalid = flaky(9, new RangeError("h < l"));
  const b = logLines();
  assert.equal(await upsertWithRetries(invalid.sink, bar, b.log), false);
  assert.equal(invalid.attempts.length, 1);
  assert.equal(b.lines.length, 1);
});
