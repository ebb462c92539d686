import assert from "node:assert/strict";
import { instrument } from "../instruments.ts";
import { MatchingEngine } from "./engine.ts";
import { restHandler } from "./rest_handler.ts";
import { record } from "./rest_orders.ts";
import { hmacHex } from "./signing.ts";
import { spotSymbol } from "./symbols.ts";
import { TradingTruth } from "./truth.ts";
import type { OrderEvent } from "./types.ts";

const KEY = "k".repeat(60) + "0001", SECRET = "s".repeat(64);
const OTHER = "k".repeat(60) + "0002";
const BASE = "http://127.0.0.1/binance";

function setup() {
  const engine = new MatchingEngine({
    symbols: [spotSymbol(instrument("BTC-USDT"))],
    accounts: { paper: { balances: { USDT: 1e12 }, makerRate: 100_000, takerRate: 200_000 } },
    slippageBps: 0,
    takerLiquidity: "unlimited",
  });
  const orders: unknown[] = [], seen: OrderEvent[] = [];
  const ctx = {
    engine,
    truth: new TradingTruth(engine.symbols, { write: (r) => orders.push(...r) }, null),
    onEvents: (e: readonly OrderEvent[]) => seen.push(...e),
  };
  const now = 1_700_000_000_000;
  const handler = restHandler({
    ctx,
    keys: [{ key: KEY, secret: SECRET, account: "paper" }, { key: OTHER, secret: SECRET, account: "nobody" }],
    now: () => now,
  });
  const call = async (
    method: string,
    path: string,
    query: string,
    opts: { key?: string; body?: boolean } = {},
  ) => {
    const q = `${query}${query ? "&" : ""}timestamp=${now}`;
    const signed = `${q}&signature=${hmacHex(SECRET, q)}`;
    const req = new Request(`${BASE}${path}${opts.body ? "" : "?" + signed}`, {
      method,
      headers: { "X-MBX-APIKEY": opts.key ?? KEY, "content-type": "application/x-www-form-urlencoded" },
      body: opts.body ? signed : undefined,
    });
    const res = (await handler(req))!;
    return { status: res.status, body: await res.json() };
  };
  return { engine, ctx, orders, seen, call, handler };
}

Deno.test("signed REST: place, fill by the engine's prints, query, trades, account, cancel", async () => {
  const t = setup();
  t.engine.onTrade({ symbol: "BTCUSDT", priceTicks: 6_100_000, sizeLots: 1, side: "buy", timeMs: 1 });
  const q =
    "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=60000&newClientOrderId=c-1";
  const placed = await t.call("POST", "/api/v3/order", q, { body: true });
  assert.equal(placed.status, 200);
  assert.deepEqual([placed.body.orderId, placed.body.status, placed.body.fills], [1, "NEW", []]);
  const dup = await t.call("POST", "/api/v3/order", q);
  assert.deepEqual(dup, { status: 400, body: { code: -2010, msg: "Duplicate order sent." } });
  record(
    t.ctx,
    t.engine.onTrade({ symbol: "BTCUSDT", priceTicks: 6_000_000, sizeLots: 4_000, side: "sell", timeMs: 2 }),
  );
  const got = await t.call("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=c-1");
  assert.deepEqual([got.body.status, got.body.executedQty, got.body.cummulativeQuoteQty], [
    "PARTIALLY_FILLED",
    "0.00400000",
    "240.00000000",
  ]);
  const trades = await t.call("GET", "/api/v3/myTrades", "symbol=BTCUSDT");
  assert.deepEqual(trades.body.map((r: Record<string, unknown>) => [r.id, r.qty, r.commission, r.isMaker]), [
    [1, "0.00400000", "0.00000400", true],
  ]);
  const acct = await t.call("GET", "/api/v3/account", "omitZeroBalances=true");
  assert.deepEqual(acct.body.balances, [
    { asset: "BTC", free: "0.00399600", locked: "0.00000000" },
    { asset: "USDT", free: "9400.00000000", locked: "360.00000000" },
  ]);
  assert.deepEqual([acct.body.makerCommission, acct.body.commissionRates.taker], [10, "0.00200000"]);
  const c = await t.call("DELETE", "/api/v3/order", "symbol=BTCUSDT&orderId=1&newClientOrderId=cancel-1");
  assert.deepEqual([c.body.status, c.body.origClientOrderId, c.body.clientOrderId, c.body.executedQty], [
    "CANCELED",
    "c-1",
    "cancel-1",
    "0.00400000",
  ]);
  assert.deepEqual((await t.call("GET", "/api/v3/openOrders", "")).body, []);
  const all = await t.call("GET", "/api/v3/allOrders", "symbol=BTCUSDT");
  assert.deepEqual(all.body.map((o: Record<string, unknown>) => o.status), ["CANCELED"]);
  // The duplicate place is on record (the re-sent client id), though no order changed.
  assert.deepEqual(t.orders.map((o) => (o as { event: string }).event), [
    "NEW",
    "REFUSED",
    "TRADE",
    "CANCELED",
  ]);
  assert.deepEqual(t.seen.map((e) => e.execType), ["NEW", "TRADE", "CANCELED"]);
});

Deno.test("signed REST refusals: bad signature, stale, wrong key, unknown order, public and unknown paths", async () => {
  const t = setup();
  const bad = new Request(`${BASE}/api/v3/account?timestamp=1700000000000&signature=${"0".repeat(64)}`, {
    headers: { "X-MBX-APIKEY": KEY },
  });
  assert.deepEqual(await (await t.handler(bad))!.json(), {
    code: -1022,
    msg: "Signature for this request is not valid.",
  });
  assert.equal((await t.call("GET", "/api/v3/account", "recvWindow=1000")).status, 200);
  assert.deepEqual(await t.call("GET", "/api/v3/account", "", { key: "z".repeat(64) }), {
    status: 401,
    body: { code: -2015, msg: "Invalid API-key, IP, or permissions for action." },
  });
  assert.deepEqual(await t.call("GET", "/api/v3/account", "", { key: OTHER }), {
    status: 401,
    body: { code: -2015, msg: "Invalid API-key, IP, or permissions for action." },
  });
  assert.deepEqual(await t.call("GET", "/api/v3/order", "symbol=BTCUSDT&orderId=99"), {
    status: 400,
    body: { code: -2013, msg: "Order does not exist." },
  });
  assert.deepEqual(await t.call("DELETE", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=nope"), {
    status: 400,
    body: { code: -2011, msg: "Unknown order sent." },
  });
  assert.deepEqual(
    await t.call(
      "POST",
      "/api/v3/order/test",
      "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=60000.001",
    ),
    {
      status: 400,
      body: { code: -1013, msg: "Filter failure: PRICE_FILTER" },
    },
  );
  const info = await (await t.handler(new Request(`${BASE}/api/v3/exchangeInfo?symbol=BTCUSDT`)))!.json();
  assert.deepEqual(info.symbols[0].filters[0], {
    filterType: "PRICE_FILTER",
    minPrice: "0.01000000",
    maxPrice: "1000000.00000000",
    tickSize: "0.01000000",
  });
  assert.equal(await t.handler(new Request(`${BASE}/api/v3/klines`)), null, "not ours: the caller routes it");
  assert.equal(
    (await t.handler(new Request(`${BASE}/api/v3/userDataStream`, { method: "POST" })))!.status,
    410,
  );
});

Deno.test("timestamp outside recvWindow is -1021 with the request's own window", async () => {
  const t = setup();
  const ts = 1_700_000_000_000 - 1001;
  const q = `recvWindow=1000&timestamp=${ts}`;
  const req = new Request(`${BASE}/api/v3/account?${q}&signature=${hmacHex(SECRET, q)}`, {
    headers: { "X-MBX-APIKEY": KEY },
  });
  const res = (await t.handler(req))!;
  assert.deepEqual([res.status, await res.json()], [400, {
    code: -1021,
    msg: "Timestamp for this request is outside of the recvWindow.",
  }]);
});
