import assert from "node:assert/strict";
import { defaultHoldUntil, RateLimitBook, retryAfterSec } from "./rate_limits.ts";

const limits = { weightPerMinute: 100, ordersPer10s: 3, ordersPerDay: 1000 };
const h = (o: Record<string, string>) => new Headers(o);

Deno.test("counters are read from every X-MBX header and kept for their calendar window", () => {
  const book = new RateLimitBook(limits);
  book.observe(
    h({ "X-MBX-USED-WEIGHT-1M": "42", "X-MBX-ORDER-COUNT-10S": "2", "X-MBX-ORDER-COUNT-1D": "9" }),
    61_500,
  );
  assert.deepEqual(book.snapshot(61_500), {
    counts: { "used-weight-1m": 42, "order-count-10s": 2, "order-count-1d": 9 },
    blockedUntilMs: 0,
  });
  assert.deepEqual(
    book.snapshot(70_000).counts,
    { "used-weight-1m": 42, "order-count-1d": 9 },
    "10 s window over",
  );
  assert.deepEqual(book.lastSeen(), { "used-weight-1m": 42, "order-count-10s": 2, "order-count-1d": 9 });
  book.observe(h({ "x-mbx-used-weight-1m": "junk", "content-type": "application/json" }), 61_600);
  assert.equal(book.snapshot(61_600).counts["used-weight-1m"], 42, "a junk value is ignored");
});

Deno.test("a full order window holds orders (not queries) until the window turns", () => {
  const book = new RateLimitBook(limits);
  book.observe(h({ "X-MBX-ORDER-COUNT-10S": "3" }), 21_000);
  assert.equal(book.holdUntil(21_001, true), 30_000);
  assert.equal(book.holdUntil(21_001, false), null);
  assert.equal(book.holdUntil(30_000, true), null, "the 10 s window reset at :30");
  book.observe(h({ "X-MBX-USED-WEIGHT-1M": "100" }), 125_000);
  assert.equal(book.holdUntil(125_001, false), 180_000, "weight full: everything waits for the minute");
});

Deno.test("Retry-After blocks every request until it has passed, and never shortens an earlier block", () => {
  const book = new RateLimitBook(limits);
  book.observe(h({}), 1000, 30);
  assert.equal(book.holdUntil(1000, false), 31_000);
  book.observe(h({}), 2000, 1);
  assert.equal(book.holdUntil(2000, true), 31_000);
  book.blockUntil(40_000);
  assert.equal(book.holdUntil(31_000, false), 40_000);
  assert.equal(book.holdUntil(40_000, false), null);
});

Deno.test("Retry-After values: seconds, an HTTP date, or nothing", () => {
  assert.equal(retryAfterSec("120", 0), 120);
  assert.equal(retryAfterSec(null, 0), null);
  assert.equal(retryAfterSec("", 0), null);
  assert.equal(retryAfterSec("soon", 0), null);
  assert.equal(retryAfterSec("Thu, 01 Jan 1970 00:00:10 GMT", 2500), 8);
});

Deno.test("windows turn on the venue's clock: an offset moves where a full window ends", () => {
  const ahead = new RateLimitBook(limits);
  // Local 21_000 is venue 26_000: the venue's 10 s window [20_000, 30_000) ends at local 25_000.
  ahead.observe(h({ "X-MBX-ORDER-COUNT-10S": "3" }), 21_000, null, 5_000);
  assert.equal(ahead.holdUntil(21_001, true), 25_000);
  assert.equal(ahead.holdUntil(25_000, true), null, "the venue's window turned at local 25_000");
  const behind = new RateLimitBook(limits);
  // Local 21_000 is venue 18_500: the window [10_000, 20_000) ends at local 21_500.
  behind.observe(h({ "X-MBX-USED-WEIGHT-1M": "100" }), 21_000, null, -2_500);
  assert.equal(behind.holdUntil(21_001, false), 62_500);
  assert.deepEqual(behind.snapshot(62_499).counts, { "used-weight-1m": 100 });
  assert.deepEqual(behind.snapshot(62_500).counts, {});
});

Deno.test("no Retry-After: the hold ends with the venue's minute, or 60 s on when the venue's clock is unknown", () => {
  assert.equal(defaultHoldUntil(125_000, null), 185_000);
  assert.equal(defaultHoldUntil(125_000, 0), 180_000);
  assert.equal(defaultHoldUntil(125_000, 7_000), 173_000, "venue 132_000: its minute ends at 180_000");
  assert.equal(defaultHoldUntil(125_000, -6_000), 126_000, "venue 119_000: its minute ends at 120_000");
});
