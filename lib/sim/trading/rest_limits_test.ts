import assert from "node:assert/strict";
import { engine } from "../../../testing/sim_trading.ts";
import { RateLimiter } from "./rate_limits.ts";
import { restHandler } from "./rest_handler.ts";
import { hmacHex } from "./signing.ts";

const KEY = "r".repeat(60) + "0001", SECRET = "rate-limit-test";
const NOW = 1_700_000_020_000; // 40 s into a calendar minute, on a 10 s boundary

Deno.test("REST rate limits: X-MBX headers on every reply, 429 + Retry-After past the limits", async () => {
  const e = engine({ slippageBps: 0 });
  e.onTrade({ symbol: "BTCUSDT", priceTicks: 6_100_000, sizeLots: 1, side: "buy", timeMs: 1 });
  const handler = restHandler({
    ctx: { engine: e, truth: null },
    keys: [{ key: KEY, secret: SECRET, account: "a" }],
    now: () => NOW,
    limiter: new RateLimiter({
      weightPerMinute: 30,
      ordersPer10s: 2,
      ordersPerDay: 100,
      banAfter: 5,
      banMs: 60_000,
    }),
  });
  const signed = (method: string, path: string, q: string) => {
    const query = `${q}&timestamp=${NOW}`;
    return handler(
      new Request(`http://127.0.0.1/binance${path}?${query}&signature=${hmacHex(SECRET, query)}`, {
        method,
        headers: { "X-MBX-APIKEY": KEY },
      }),
    ).then((r) => r!);
  };
  const order = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=60000";
  const heads = (r: Response) =>
    ["X-MBX-USED-WEIGHT-1M", "X-MBX-ORDER-COUNT-10S", "X-MBX-ORDER-COUNT-1D", "Retry-After"].map((h) =>
      r.headers.get(h)
    );
  const r1 = await signed("POST", "/api/v3/order", order);
  assert.deepEqual([r1.status, heads(r1)], [200, ["1", "1", "1", null]]);
  const r2 = await signed("POST", "/api/v3/order", order);
  assert.deepEqual([r2.status, heads(r2)], [200, ["2", "2", "2", null]]);
  const r3 = await signed("POST", "/api/v3/order", order);
  assert.deepEqual([r3.status, heads(r3), await r3.json()], [429, [null, null, null, "10"], {
    code: -1015,
    msg: "Too many new orders; current limit is 2 orders per 10 SECOND.",
  }]);
  const info = await handler(new Request("http://127.0.0.1/binance/api/v3/exchangeInfo"));
  assert.deepEqual([info!.status, info!.headers.get("X-MBX-USED-WEIGHT-1M")], [200, "23"]);
  assert.deepEqual((await info!.json()).rateLimits[0], {
    rateLimitType: "REQUEST_WEIGHT",
    interval: "MINUTE",
    intervalNum: 1,
    limit: 30,
  });
  const acct = await signed("GET", "/api/v3/account", "");
  assert.deepEqual([acct.status, heads(acct)], [429, [null, null, null, "20"]]);
  assert.equal((await acct.json()).code, -1003);
});

Deno.test("GET /api/v3/rateLimit/order answers the account's unfilled-order counts (weight 40)", async () => {
  const limiter = new RateLimiter();
  limiter.order("a", NOW);
  const handler = restHandler({
    ctx: { engine: engine(), truth: null },
    keys: [{ key: KEY, secret: SECRET, account: "a" }],
    now: () => NOW,
    limiter,
  });
  const query = `timestamp=${NOW}`;
  const res = (await handler(
    new Request(
      `http://127.0.0.1/binance/api/v3/rateLimit/order?${query}&signature=${hmacHex(SECRET, query)}`,
      {
        headers: { "X-MBX-APIKEY": KEY },
      },
    ),
  ))!;
  assert.deepEqual([res.status, res.headers.get("X-MBX-USED-WEIGHT-1M"), await res.json()], [200, "40", [
    { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 50, count: 1 },
    { rateLimitType: "ORDERS", interval: "DAY", intervalNum: 1, limit: 160_000, count: 1 },
  ]]);
});
