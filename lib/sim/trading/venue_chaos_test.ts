// The venue's stream chaos driven by the trading chaos config (the chaos file's `trading` key), each
// injected fault logged once with the orders it hit.
import assert from "node:assert/strict";
import { instrument } from "../instruments.ts";
import { ManualTimers } from "../../../testing/manual_timers.ts";
import { BTC } from "../../../testing/sim_trading.ts";
import type { ChaosEvent } from "../chaos.ts";
import { hmacHex, wsPayload } from "./signing.ts";
import { TradingChaos, type TradingChaosConfig } from "./trading_chaos.ts";
import { TradingVenue } from "./venue.ts";

const KEY = "c".repeat(60) + "0002", SECRET = "venue-chaos-secret";
const NOW = 1_700_000_000_000;

async function setup(cfg: TradingChaosConfig) {
  const timers = new ManualTimers();
  const log: ChaosEvent[] = [];
  const wall = 5_000;
  const v = await TradingVenue.open({
    symbols: [BTC],
    accounts: { paper: { balances: { USDT: 1e12 }, makerRate: 100_000, takerRate: 200_000 } },
    keys: [{ key: KEY, secret: SECRET, account: "paper" }],
    slippageBps: 0,
    takerLiquidity: "unlimited",
    now: () => NOW,
    chaos: new TradingChaos(() => cfg),
    chaosLog: (e) => log.push(e),
    wallNow: () => wall,
    schedule: (f, ms) => timers.setTimeout(f, ms),
  });
  const frames: { id?: number; event?: { e: string } }[] = [], closed: [number, string][] = [];
  const c = v.attach((t) => frames.push(JSON.parse(t)), (code, reason) => closed.push([code, reason]));
  const signed = (p: Record<string, unknown>) => ({ ...p, signature: hmacHex(SECRET, wsPayload(p)) });
  const send = (id: number, method: string, p: Record<string, unknown>) =>
    c.onMessage(JSON.stringify({ id, method, params: signed({ ...p, apiKey: KEY, timestamp: NOW }) }));
  send(1, "userDataStream.subscribe.signature", {});
  const place = (id: number, clientOrderId: string) =>
    send(id, "order.place", {
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      timeInForce: "GTC",
      quantity: "0.01",
      price: "60000",
      newClientOrderId: clientOrderId,
    });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { v, log, frames, closed, timers, send, place, settle };
}

Deno.test("trading chaos userStreamStall: the socket goes silent, requests never reach the venue, one log line each", async () => {
  const cfg: TradingChaosConfig = {};
  const t = await setup(cfg);
  assert.deepEqual(t.frames.map((f) => f.id), [1], "subscribed before the stall");
  cfg.userStreamStall = true;
  t.send(2, "ping", {});
  t.place(3, "stall-1");
  await t.settle();
  assert.deepEqual(t.frames.map((f) => f.id), [1], "no reply, no event");
  assert.equal(t.v.engine.orders.all.length, 0, "the place never reached the venue");
  assert.deepEqual(t.log, [
    { kind: "user_stream_stall", venue: "binance", request: "ping" },
    { kind: "user_stream_stall", venue: "binance", request: "order.place" },
  ]);
  const logged = JSON.stringify(t.log);
  assert.ok(
    !logged.includes(KEY) && !/signature|[0-9a-f]{64}/i.test(logged),
    "the method, never key or signature",
  );
  delete cfg.userStreamStall;
  t.place(4, "after-1");
  await t.settle();
  assert.deepEqual(t.frames.map((f) => f.id), [1, 4, undefined, undefined], "reply, then NEW and balances");
  await t.v.close();
});

Deno.test("trading chaos tradesBeforeStreamMs: events held that long, logged when held", async () => {
  const t = await setup({ tradesBeforeStreamMs: 500 });
  t.place(2, "held-1");
  await t.settle();
  assert.deepEqual(t.log, [{
    kind: "user_stream_delay",
    venue: "binance",
    ms: 500,
    orders: [{ clientOrderId: "held-1", orderId: 1 }],
  }]);
  t.timers.advance(499);
  assert.deepEqual(t.frames.map((f) => f.id), [1, 2]);
  t.timers.advance(1);
  assert.deepEqual(t.frames.slice(2).map((f) => f.event!.e), ["executionReport", "outboundAccountPosition"]);
  await t.v.close();
});

Deno.test("trading chaos userStreamDropEveryS: a connection is closed 1011 once that old, and logged", async () => {
  const t = await setup({ userStreamDropEveryS: 2 });
  t.v.housekeeping(6_999);
  assert.deepEqual([t.closed, t.log], [[], []]);
  t.v.housekeeping(7_000);
  assert.deepEqual(t.closed, [[1011, "simulated stream drop"]]);
  assert.deepEqual(t.log, [{ kind: "user_stream_drop", venue: "binance", connections: 1, ageMs: 2000 }]);
  t.v.housekeeping(9_000);
  assert.equal(t.closed.length, 1, "a dropped connection is gone");
  await t.v.close();
});

Deno.test("trading chaos fillStreamBeforeTradesMs: myTrades leaves a fresh fill out, logged with its ids", async () => {
  const t = await setup({ fillStreamBeforeTradesMs: 1000 });
  t.place(2, "lag-1");
  const inst = instrument("BTC-USDT");
  t.v.onTrade({
    venue: "binance",
    inst,
    tradeId: "1",
    idNum: 1,
    crossSeq: 1,
    priceTicks: 6_000_000,
    sizeLots: 10_000,
    side: "sell",
    timeMs: NOW,
  });
  t.send(3, "myTrades", { symbol: "BTCUSDT" });
  await t.settle();
  const reply = t.frames.find((f) => f.id === 3) as { result?: unknown[] };
  assert.deepEqual(reply.result, [], "the fill is on the stream, not yet in myTrades");
  assert.deepEqual(t.log, [{
    kind: "trades_lag",
    venue: "binance",
    ms: 1000,
    fills: [{ orderId: 1, tradeId: 1 }],
  }]);
  await t.v.close();
});

type WsFrame = { id?: number; status?: number; error?: { code: number }; event?: { e: string; c?: string } };
const shape = (frames: WsFrame[]) =>
  frames.map((f) =>
    f.event ? `event ${f.event.e}` : `${f.id} ${f.status}${f.error ? ` ${f.error.code}` : ""}`
  );

Deno.test("trading chaos on WS order.place: lost after placing, 5xx unplaced, a delayed reply after its events", async () => {
  const lost = await setup({ ackLostPlacedRate: 1 });
  lost.place(2, "ws-lost");
  await lost.settle();
  assert.deepEqual(shape(lost.frames), [
    "1 200",
    "2 503 -1007",
    "event executionReport",
    "event outboundAccountPosition",
  ]);
  assert.deepEqual(lost.log, [{
    kind: "ack_lost_placed",
    venue: "binance",
    route: "WS order.place",
    clientOrderId: "ws-lost",
    orderId: 1,
    venueStatus: 200,
  }]);
  await lost.v.close();

  const unplaced = await setup({ ack5xxUnplacedRate: 1 });
  unplaced.place(2, "ws-5xx");
  unplaced.send(3, "order.status", { symbol: "BTCUSDT", origClientOrderId: "ws-5xx" });
  await unplaced.settle();
  assert.deepEqual(shape(unplaced.frames), ["1 200", "2 503 -1007", "3 400 -2013"]);
  assert.deepEqual(unplaced.log, [{
    kind: "ack_5xx_unplaced",
    venue: "binance",
    route: "WS order.place",
    clientOrderId: "ws-5xx",
  }]);
  await unplaced.v.close();

  const slow = await setup({ ackDelayMs: 800 });
  slow.place(2, "ws-slow");
  await slow.settle();
  assert.deepEqual(shape(slow.frames), ["1 200", "event executionReport", "event outboundAccountPosition"]);
  slow.timers.advance(800);
  assert.deepEqual(shape(slow.frames).at(-1), "2 200", "the reply comes after its own events");
  assert.deepEqual(slow.log.map((l) => [l.kind, l.clientOrderId, l.orderId, l.ms]), [[
    "ack_delay",
    "ws-slow",
    1,
    800,
  ]]);
  await slow.v.close();
});
