import assert from "node:assert/strict";
import { join } from "node:path";
import { ManualTimers } from "../../../testing/manual_timers.ts";
import { BTC } from "../../../testing/sim_trading.ts";
import type { AckFault } from "./ack_faults.ts";
import { hmacHex, wsPayload } from "./signing.ts";
import { TradingVenue, type TradingVenueOptions } from "./venue.ts";

const KEY = "v".repeat(60) + "0001", SECRET = "venue-test-secret";
const NOW = 1_700_000_000_000;

function options(statePath: string, orders: unknown[]): TradingVenueOptions {
  return {
    symbols: [BTC],
    accounts: { paper: { balances: { USDT: 1e12 }, makerRate: 100_000, takerRate: 200_000 } },
    keys: [{ key: KEY, secret: SECRET, account: "paper" }],
    slippageBps: 0,
    takerLiquidity: "unlimited",
    now: () => NOW,
    statePath,
    ordersTruth: { write: (r) => orders.push(...r) },
  };
}

/** Subscribes a WebSocket API attachment to the user data stream (request id 1). */
function subscribe(c: { onMessage(text: string): void }): void {
  const sub = { apiKey: KEY, timestamp: NOW };
  c.onMessage(JSON.stringify({
    id: 1,
    method: "userDataStream.subscribe.signature",
    params: { ...sub, signature: hmacHex(SECRET, wsPayload(sub)) },
  }));
}

function place(clientId: string): Request {
  const q = `symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=60000` +
    `&newClientOrderId=${clientId}&timestamp=${NOW}`;
  return new Request("http://127.0.0.1/binance/api/v3/order", {
    method: "POST",
    headers: { "X-MBX-APIKEY": KEY },
    body: `${q}&signature=${hmacHex(SECRET, q)}`,
  });
}

Deno.test("venue: an acked REST order is in the state file before the reply; a reopened venue keeps it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trading_venue_test_" });
  try {
    const path = join(dir, "state.json");
    const orders: unknown[] = [];
    const v = await TradingVenue.open(options(path, orders));
    const res = (await v.rest(place("keep-me")))!;
    assert.equal(res.status, 200);
    assert.equal((await res.json()).clientOrderId, "keep-me");
    const saved = JSON.parse(await Deno.readTextFile(path));
    assert.deepEqual(saved.orders.map((o: { clientOrderId: string }) => o.clientOrderId), ["keep-me"]);
    await v.close();
    const later: unknown[] = [];
    const again = await TradingVenue.open(options(path, later));
    assert.deepEqual(await (await again.rest(place("keep-me")))!.json(), {
      code: -2010,
      msg: "Duplicate order sent.",
    });
    assert.equal(again.engine.accounts.get("paper")!.balance("USDT").locked, 60_000_000_000);
    assert.deepEqual(orders.map((o) => (o as { event: string }).event), ["NEW"]);
    // The re-sent id is in the truth by the time the refusal is answered (no state change to save).
    assert.deepEqual(
      later.map((o) => [(o as { event: string }).event, (o as { heldByOrderId: number }).heldByOrderId]),
      [[
        "REFUSED",
        saved.orders[0].orderId,
      ]],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("venue: a WebSocket API connection gets its reply, then its user events", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trading_venue_test_" });
  try {
    const v = await TradingVenue.open(options(join(dir, "state.json"), []));
    const got: { id?: unknown; event?: { e: string; x?: string } }[] = [];
    const c = v.attach((t) => got.push(JSON.parse(t)));
    subscribe(c);
    await v.rest(place("via-rest"));
    await v.flush();
    assert.deepEqual(got.map((f) => f.id ?? `${f.event!.e}/${f.event!.x ?? ""}`), [
      1,
      "executionReport/NEW",
      "outboundAccountPosition/",
    ]);
    c.close();
    await v.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("venue chaos: an order that vanishes is EXPIRED in the truth and on query, with no user event", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trading_venue_test_" });
  try {
    const orders: unknown[] = [];
    const v = await TradingVenue.open(options(join(dir, "state.json"), orders));
    const got: unknown[] = [];
    const c = v.attach((t) => got.push(JSON.parse(t)));
    subscribe(c);
    const placed = await (await v.rest(place("gone")))!.json();
    await v.flush();
    const before = got.length;
    assert.equal(v.vanish(placed.orderId, NOW + 1), true);
    assert.equal(v.vanish(placed.orderId, NOW + 2), false, "only open orders vanish");
    await v.flush();
    assert.equal(got.length, before, "no event on the stream");
    assert.deepEqual(orders.map((o) => (o as { event: string }).event), ["NEW", "EXPIRED"]);
    const o = v.engine.orders.all[0];
    assert.deepEqual([o.status, o.expiryReason, o.lockedAtoms], ["EXPIRED", "EXCHANGE_CANCELED", 0]);
    assert.equal(v.engine.accounts.get("paper")!.balance("USDT").locked, 0);
    c.close();
    await v.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ack faults: -1007 with the order placed, -1007 with no order, and a delayed ack", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trading_venue_test_" });
  try {
    const faults: AckFault[] = [{ kind: "lost_after" }, { kind: "fail_before" }, { kind: "delay", ms: 1500 }];
    const waited: number[] = [];
    const orders: unknown[] = [];
    const v = await TradingVenue.open({
      ...options(join(dir, "state.json"), orders),
      ackFault: () => faults.shift() ?? { kind: "none" },
      wait: (ms) => (waited.push(ms), Promise.resolve()),
    });
    const reply = async (r: Response | null) => [r!.status, await r!.json()];
    const unknown = [503, {
      code: -1007,
      msg: "Timeout waiting for response from backend server. Send status unknown; execution status unknown.",
    }];
    assert.deepEqual(await reply(await v.rest(place("lost-ack"))), unknown);
    assert.deepEqual(await reply(await v.rest(place("never-placed"))), unknown);
    const slow = await reply(await v.rest(place("slow-ack")));
    assert.deepEqual([slow[0], (slow[1] as { clientOrderId: string }).clientOrderId, waited], [
      200,
      "slow-ack",
      [1500],
    ]);
    assert.deepEqual(v.engine.orders.all.map((o) => o.clientOrderId), ["lost-ack", "slow-ack"]);
    assert.deepEqual(orders.map((o) => (o as { clientOrderId: string }).clientOrderId), [
      "lost-ack",
      "slow-ack",
    ]);
    await v.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("chaos: a stalled stream sends nothing on open sockets; a drop closes every connection", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trading_venue_test_" });
  try {
    let stalled = false;
    const v = await TradingVenue.open({
      ...options(join(dir, "state.json"), []),
      streamStalled: () => stalled,
    });
    const got: unknown[] = [], closed: [number, string][] = [];
    const c = v.attach((t) => got.push(JSON.parse(t)), (code, reason) => closed.push([code, reason]));
    subscribe(c);
    stalled = true;
    await v.rest(place("stalled"));
    await v.flush();
    assert.equal(got.length, 1, "the subscribe reply, no events");
    stalled = false;
    await v.rest(place("flowing"));
    await v.flush();
    assert.equal(got.length, 3, "events flow again (the stalled ones are lost)");
    assert.equal(v.dropStreams(), 1);
    assert.deepEqual(closed, [[1011, "simulated stream drop"]]);
    await v.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("chaos: user events held back streamDelayMs (the venue already has the order)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trading_venue_test_" });
  try {
    const timers = new ManualTimers();
    const v = await TradingVenue.open({
      ...options(join(dir, "state.json"), []),
      streamDelayMs: () => 500,
      schedule: (f, ms) => timers.setTimeout(f, ms),
    });
    const got: { id?: number; event?: { e: string } }[] = [];
    const c = v.attach((t) => got.push(JSON.parse(t)));
    subscribe(c);
    assert.equal((await v.rest(place("held")))!.status, 200);
    await v.flush();
    assert.deepEqual(got.map((f) => f.id), [1], "only the subscribe reply so far");
    timers.advance(499);
    assert.equal(got.length, 1);
    timers.advance(1);
    assert.deepEqual(got.slice(1).map((f) => f.event!.e), ["executionReport", "outboundAccountPosition"]);
    c.close();
    await v.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
