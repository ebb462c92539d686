// The venue's chaos acts (venue_chaos.ts) without a network: REST requests handed to `venue.rest`, a
// WebSocket API connection attached in-process. Each act does exactly what its knob names, once,
// with one chaos-log line of ids.
import assert from "node:assert/strict";
import { BTC } from "../../../testing/sim_trading.ts";
import type { ChaosEvent } from "../chaos.ts";
import { hmacHex, wsPayload } from "./signing.ts";
import { TradingChaos, type TradingChaosConfig } from "./trading_chaos.ts";
import { TradingVenue } from "./venue.ts";

const KEY = "d".repeat(60) + "0003", SECRET = "venue-acts-secret";
const NOW = 1_700_000_000_000;
const PLACE = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=60000";

async function setup(
  cfg: TradingChaosConfig,
  limits?: { weightPerMinute: number; banAfter: number },
  statePath?: string,
) {
  const log: ChaosEvent[] = [], truth: { event: string; clientOrderId: string }[] = [];
  const v = await TradingVenue.open({
    symbols: [BTC],
    accounts: { paper: { balances: { USDT: 1e12 }, makerRate: 100_000, takerRate: 200_000 } },
    keys: [{ key: KEY, secret: SECRET, account: "paper" }],
    slippageBps: 0,
    takerLiquidity: "unlimited",
    now: () => NOW,
    chaos: new TradingChaos(() => cfg),
    chaosLog: (e) => log.push(e),
    ordersTruth: { write: (rows) => truth.push(...(rows as typeof truth)) },
    statePath,
    ...(limits
      ? {
        limits: {
          ...limits,
          banMs: 60_000,
          ordersPer10s: 100,
          ordersPerDay: 1000,
        },
      }
      : {}),
  });
  const rest = async (method: string, path: string, query: string) => {
    const q = `${query}${query ? "&" : ""}timestamp=${NOW}`;
    const signed = `${q}&signature=${hmacHex(SECRET, q)}`;
    return (await v.rest(
      new Request(`http://127.0.0.1/binance${path}?${signed}`, { method, headers: { "X-MBX-APIKEY": KEY } }),
    ))!;
  };
  const frames: {
    id?: number;
    status?: number;
    error?: { code: number };
    event?: { e: string; c: string; X: string };
  }[] = [];
  const closed: [number, string][] = [];
  const c = v.attach((t) => frames.push(JSON.parse(t)), (code, reason) => closed.push([code, reason]));
  const send = (id: number, method: string, p: Record<string, unknown>) => {
    const params = { ...p, apiKey: KEY, timestamp: NOW };
    c.onMessage(
      JSON.stringify({ id, method, params: { ...params, signature: hmacHex(SECRET, wsPayload(params)) } }),
    );
  };
  send(1, "userDataStream.subscribe.signature", {});
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { v, log, truth, rest, frames, closed, send, settle };
}

Deno.test("burst5xx: the next signed calls get an HTML 502, unprocessed; then calls pass", async () => {
  const t = await setup({ burst5xx: { calls: 2 } });
  const a = await t.rest("POST", "/api/v3/order", `${PLACE}&newClientOrderId=b-1`);
  assert.deepEqual([a.status, a.headers.get("content-type")], [502, "text/html"]);
  assert.match(await a.text(), /<title>502 Bad Gateway<\/title>/);
  assert.equal((await t.rest("GET", "/api/v3/openOrders", "")).status, 502);
  assert.equal(t.v.engine.orders.all.length, 0, "not placed");
  assert.equal((await t.rest("POST", "/api/v3/order", `${PLACE}&newClientOrderId=b-2`)).status, 200);
  assert.deepEqual(t.log, [
    {
      kind: "burst_5xx",
      venue: "binance",
      route: "POST /binance/api/v3/order",
      call: 0,
      clientOrderId: "b-1",
    },
    { kind: "burst_5xx", venue: "binance", route: "GET /binance/api/v3/openOrders", call: 1 },
  ]);
});

Deno.test("storm429: 429 -1003 with Retry-After, unprocessed, never counted by the limiter (no 418)", async () => {
  const t = await setup({ storm429: { calls: 30, retryAfterS: 9 } }, { weightPerMinute: 1000, banAfter: 1 });
  for (let i = 0; i < 30; i++) {
    const r = await t.rest("POST", "/api/v3/order", `${PLACE}&newClientOrderId=s-${i}`);
    assert.deepEqual([r.status, r.headers.get("retry-after"), (await r.json()).code], [429, "9", -1003]);
  }
  assert.equal(t.v.engine.orders.all.length, 0);
  const after = await t.rest("POST", "/api/v3/order", `${PLACE}&newClientOrderId=s-after`);
  assert.equal(after.status, 200, "the storm is over; the limiter saw no violation");
  // The WebSocket API subscribe (2) and this order (1): none of the 30 storm calls.
  assert.equal(after.headers.get("x-mbx-used-weight-1m"), "3");
  assert.equal(t.log.length, 30);
  assert.deepEqual(t.log[0], {
    kind: "storm_429",
    venue: "binance",
    route: "POST /binance/api/v3/order",
    call: 0,
    clientOrderId: "s-0",
    retryAfterS: 9,
  });
});

Deno.test("orphans: placed once each (web_<id>), in the truth and on the user stream; re-reads add none", async () => {
  const cfg: TradingChaosConfig = {
    orphans: [{ id: "o1", symbol: "BTCUSDT", side: "BUY", price: "1000", quantity: "0.01" }],
  };
  const t = await setup(cfg);
  await t.rest("GET", "/api/v3/openOrders", "");
  await t.rest("GET", "/api/v3/openOrders", "");
  const open = await (await t.rest("GET", "/api/v3/openOrders", "")).json();
  assert.deepEqual(open.map((o: { clientOrderId: string; status: string }) => [o.clientOrderId, o.status]), [
    ["web_o1", "NEW"],
  ]);
  await t.settle();
  assert.deepEqual(t.frames.filter((f) => f.event).map((f) => [f.event!.e, f.event!.c, f.event!.X]), [
    ["executionReport", "web_o1", "NEW"],
    ["outboundAccountPosition", undefined, undefined],
  ]);
  assert.deepEqual(t.truth.map((l) => [l.event, l.clientOrderId]), [["NEW", "web_o1"]]);
  assert.deepEqual(t.log, [{
    kind: "orphan_order",
    venue: "binance",
    id: "o1",
    clientOrderId: "web_o1",
    orderId: 1,
  }]);
});

Deno.test("orphans: a venue restored from its state file does not place them again", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cfg: TradingChaosConfig = {
      orphans: [{ id: "o2", symbol: "BTCUSDT", side: "BUY", price: "1000", quantity: "0.01" }],
    };
    const first = await setup(cfg, undefined, `${dir}/state.json`);
    await first.rest("GET", "/api/v3/openOrders", "");
    await first.v.close();
    const again = await setup(cfg, undefined, `${dir}/state.json`);
    const open = await (await again.rest("GET", "/api/v3/openOrders", "")).json();
    assert.deepEqual(open.map((o: { clientOrderId: string }) => o.clientOrderId), ["web_o2"]);
    assert.deepEqual([first.log.length, again.log.length, again.truth.length], [1, 0, 0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("vanishClientOrderIds: the listed open order expires with no user event, logged once", async () => {
  const cfg: TradingChaosConfig = {};
  const t = await setup(cfg);
  assert.equal((await t.rest("POST", "/api/v3/order", `${PLACE}&newClientOrderId=v-1`)).status, 200);
  await t.settle();
  const before = t.frames.length;
  cfg.vanishClientOrderIds = ["v-1"];
  const q = await (await t.rest("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=v-1")).json();
  await t.rest("GET", "/api/v3/openOrders", "");
  await t.settle();
  assert.deepEqual([q.status, t.frames.length], ["EXPIRED", before], "no event");
  assert.deepEqual(t.truth.map((l) => [l.event, l.clientOrderId]), [["NEW", "v-1"], ["EXPIRED", "v-1"]]);
  assert.deepEqual(t.log, [{ kind: "vanish", venue: "binance", clientOrderId: "v-1", orderId: 1 }]);
});

Deno.test("cancelFillRaceRate 1: the fill wins, the cancel answers -2011, the fill is in myTrades", async () => {
  const t = await setup({ cancelFillRaceRate: 1 });
  await t.rest("POST", "/api/v3/order", `${PLACE}&newClientOrderId=r-1`);
  const c = await t.rest("DELETE", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=r-1");
  assert.deepEqual([c.status, await c.json()], [400, { code: -2011, msg: "Unknown order sent." }]);
  const trades = await (await t.rest("GET", "/api/v3/myTrades", "symbol=BTCUSDT")).json();
  assert.deepEqual(trades.map((x: { id: number; price: string; qty: string }) => [x.id, x.price, x.qty]), [
    [1, "60000.00000000", "0.01000000"],
  ]);
  assert.deepEqual(t.log, [{
    kind: "cancel_fill_race",
    venue: "binance",
    clientOrderId: "r-1",
    orderId: 1,
    fills: [{ orderId: 1, tradeId: 1 }],
  }]);
});

Deno.test("ackConnectionClosedRate 1: REST body breaks after the headers; WS order.place closes with no reply", async () => {
  const t = await setup({ ackConnectionClosedRate: 1 });
  const r = await t.rest("POST", "/api/v3/order", `${PLACE}&newClientOrderId=x-1`);
  // In-process the half body reads fine; over HTTP the server closes the connection mid-body.
  const half = await r.text();
  assert.deepEqual([r.status, Number(r.headers.get("content-length")) > half.length], [200, true]);
  assert.ok(half.startsWith('{"symbol":"BTCUSDT","orderId":1,'), half);
  assert.equal(t.v.engine.orders.all[0].clientOrderId, "x-1", "placed");
  t.send(7, "order.place", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.01",
    price: "60000",
    newClientOrderId: "x-2",
  });
  await t.settle();
  assert.deepEqual(t.frames.filter((f) => f.id === 7), [], "no reply");
  assert.deepEqual(t.closed, [[1011, "simulated connection loss"]]);
  assert.equal(t.v.engine.orders.all[1].clientOrderId, "x-2", "placed");
  assert.deepEqual(t.log.map((l) => [l.kind, l.route, l.clientOrderId, l.orderId]), [
    ["ack_connection_closed", "POST /binance/api/v3/order", "x-1", 1],
    ["ack_connection_closed", "WS order.place", "x-2", 2],
  ]);
});
