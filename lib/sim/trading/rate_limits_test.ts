import assert from "node:assert/strict";
import { RateLimiter } from "./rate_limits.ts";

const T0 = 1_700_000_020_000; // 40 s into a calendar minute, on a 10 s boundary

Deno.test("request weight: 429 with Retry-After to the minute's end, 418 after repeated violations", () => {
  const r = new RateLimiter({
    weightPerMinute: 10,
    ordersPer10s: 2,
    ordersPerDay: 3,
    banAfter: 2,
    banMs: 120_000,
  });
  assert.deepEqual(r.request("ip", 6, T0), { used: 6 });
  assert.deepEqual(r.request("ip", 4, T0 + 1), { used: 10 });
  const over = r.request("ip", 1, T0 + 2);
  assert.ok("code" in over);
  assert.deepEqual([over.http, over.code, over.retryAfterS], [429, -1003, 20]);
  assert.match(over.msg, /^Too much request weight used; current limit is 10 request weight per 1 MINUTE\./);
  assert.equal((r.request("ip", 1, T0 + 3) as { http: number }).http, 429);
  const ban = r.request("ip", 1, T0 + 4);
  assert.ok("code" in ban);
  assert.deepEqual([ban.http, ban.code, ban.retryAfterS], [418, -1003, 120]);
  assert.equal(
    ban.msg,
    `Way too much request weight used; IP banned until ${
      T0 + 4 + 120_000
    }. Please use WebSocket Streams for live updates to avoid bans.`,
  );
  assert.equal((r.request("ip", 1, T0 + 60_000) as { http: number }).http, 418, "still banned next minute");
  assert.deepEqual(r.request("ip", 1, T0 + 4 + 120_000), { used: 1 }, "ban over, fresh window");
  assert.deepEqual(r.request("other", 1, T0 + 2), { used: 1 }, "weight is per IP");
});

Deno.test("order counts per account per 10 s and per day, calendar-aligned", () => {
  const r = new RateLimiter({ weightPerMinute: 10, ordersPer10s: 2, ordersPerDay: 3, banAfter: 2, banMs: 1 });
  assert.deepEqual(r.order("a", T0), { count10s: 1, count1d: 1 });
  assert.deepEqual(r.order("a", T0 + 9_999), { count10s: 2, count1d: 2 });
  const over = r.order("a", T0 + 9_999);
  assert.deepEqual(over, {
    http: 429,
    code: -1015,
    msg: "Too many new orders; current limit is 2 orders per 10 SECOND.",
    retryAfterS: 1,
  });
  const day = r.order("a", T0 + 10_000);
  assert.ok("code" in day);
  assert.equal(day.msg, "Too many new orders; current limit is 3 orders per 1 DAY.");
  assert.deepEqual(r.order("b", T0), { count10s: 1, count1d: 1 });
});

Deno.test("an order's first fill takes it off the unfilled-order count (in its own windows only)", () => {
  const r = new RateLimiter({
    weightPerMinute: 10,
    ordersPer10s: 2,
    ordersPerDay: 100,
    banAfter: 2,
    banMs: 1,
  });
  r.order("a", T0);
  r.order("a", T0 + 1);
  r.filled("a", T0, T0 + 2);
  assert.deepEqual(r.orderCounts("a", T0 + 2).map((c) => [c.interval, c.count, c.limit]), [
    ["SECOND", 1, 2],
    ["DAY", 1, 100],
  ]);
  assert.deepEqual(r.order("a", T0 + 3), { count10s: 2, count1d: 2 }, "room for one more in this 10 s");
  r.filled("a", T0 + 1, T0 + 10_000); // filled in a later 10 s window: only the day count drops
  assert.deepEqual(r.orderCounts("a", T0 + 10_000).map((c) => c.count), [0, 1]);
  assert.deepEqual(r.orderCounts("nobody", T0).map((c) => c.count), [0, 0]);
});
