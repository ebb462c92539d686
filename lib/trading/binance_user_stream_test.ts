// The user stream's lifecycle against the venue simulator's WebSocket API on loopback
// (testing/user_stream_sim.ts): stream_up after the signed subscription, order events, and stream_down
// + reconnect on eventStreamTerminated, a drop, a silent stall, a refusal, a clock jump, bad frames and
// a rate-limited refusal. The connection lifecycle (serverShutdown, pongs, 24 h) is in
// binance_user_stream_lifecycle_test.ts. Waits have deadlines; no assertion depends on elapsed time.
import assert from "node:assert/strict";
import { waitFor } from "../async/poll.ts";
import { realTimers, type Timers } from "../async/sleep.ts";
import { SECRET, startUserStream as start } from "../../testing/user_stream_sim.ts";

const WAIT = { timeoutMs: 10_000 };

Deno.test("stream_up after the signed subscription; order events keyed by the order's own client id", async () => {
  const s = await start();
  try {
    await waitFor("stream_up", () => s.ups() === 1, WAIT);
    const placed = await s.spot.place({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      clientOrderId: "u-1",
      quantity: "0.0001",
      price: "70000",
    });
    assert.equal(placed.kind, "confirmed");
    // One simulated sell print of 50 lots (0.00005 BTC) at 69000 reaches the resting buy.
    s.t.venue.onTrade({
      venue: "binance",
      inst: s.t.sim.instruments[0],
      tradeId: "1",
      idNum: 1,
      crossSeq: 1,
      priceTicks: 6_900_000,
      sizeLots: 50,
      side: "sell",
      timeMs: s.t.sim.clock.nowMs(),
    });
    await s.spot.cancel({ symbol: "BTCUSDT", clientOrderId: "u-1" });
    const orders = () =>
      s.events.flatMap((e) =>
        e.type === "order"
          ? [`${e.execType} ${e.order.clientOrderId} ${e.order.status}${e.fill ? ` fill ${e.fill.qty}` : ""}`]
          : []
      );
    await waitFor("three order events", () => orders().length === 3, WAIT);
    assert.deepEqual(orders(), [
      "NEW u-1 NEW",
      "TRADE u-1 PARTIALLY_FILLED fill 0.00005000",
      "CANCELED u-1 CANCELED",
    ]);
    assert.deepEqual(s.t.wsMethods, ["userDataStream.subscribe.signature"]);
  } finally {
    await s.end();
  }
  assert.deepEqual(s.lifecycle(), ["up", "down: stopped"]);
});

Deno.test("the venue's eventStreamTerminated and a dropped socket: stream_down, then a fresh subscription", async () => {
  const s = await start();
  try {
    await waitFor("stream_up", () => s.ups() === 1, WAIT);
    assert.equal(s.t.venue.terminateStreams(), 1);
    await waitFor("second stream_up", () => s.ups() === 2, WAIT);
    assert.equal(s.t.venue.dropStreams(), 1);
    await waitFor("third stream_up", () => s.ups() === 3, WAIT);
  } finally {
    await s.end();
  }
  assert.deepEqual(s.lifecycle(), [
    "up",
    "down: eventStreamTerminated",
    "up",
    "down: closed 1011",
    "up",
    "down: stopped",
  ]);
  assert.equal(s.subs(), 3);
});

Deno.test("a silent stall (pings unanswered) is a stream_down; the stream comes back on a fresh connection", async () => {
  // Only here is a deadline short: an unanswered ping must end the session (it never gets answered).
  const s = await start({ pingEveryMs: 50, answerTimeoutMs: 300 });
  try {
    await waitFor("stream_up", () => s.ups() === 1, WAIT);
    await waitFor("a ping answered", () => s.t.wsMethods.includes("ping"), WAIT);
    // The answer is an `alive` event (the loop's venue heartbeat), before any stream_down.
    await waitFor("alive", () => s.events.some((e) => e.type === "alive"), WAIT);
    assert.equal(s.lifecycle().length, 1);
    s.relay.muteOpen("down"); // nothing from the venue reaches this connection any more
    await waitFor("second stream_up", () => s.ups() === 2, WAIT);
  } finally {
    await s.end();
  }
  assert.deepEqual(s.lifecycle().slice(0, 3), ["up", "down: no answer to ping within 300 ms", "up"]);
});

Deno.test("a refused subscription never reports stream_up and keeps retrying with backoff", async () => {
  const s = await start({ secret: SECRET.replace("0", "1") });
  try {
    await waitFor("three refused subscriptions", () => s.subs() >= 3, WAIT);
  } finally {
    await s.end();
  }
  assert.deepEqual(s.lifecycle(), [], "never up, so never down either: submits stay gated");
  const refusal = JSON.parse(s.t.wsSent[0]);
  assert.deepEqual([refusal.status, refusal.error.code], [400, -1022]);
});

Deno.test("a venue clock that jumped: the subscription's -1021 resyncs the clock and the next attempt comes up", async () => {
  const s = await start();
  const times = () => s.t.restCalls.filter((c) => c === "GET /binance/api/v3/time").length;
  try {
    await waitFor("stream_up", () => s.ups() === 1, WAIT);
    s.venueClock.skewMs = 600_000;
    s.t.venue.dropStreams();
    await waitFor("second stream_up", () => s.ups() === 2, WAIT);
  } finally {
    await s.end();
  }
  assert.equal(s.subs(), 3, "up, refused with -1021, up after the resync");
  assert.equal(JSON.parse(s.t.wsSent[1]).error.code, -1021);
  assert.equal(times(), 2);
});

Deno.test("a sink that throws and a frame that cannot be read are reported, never fatal", async () => {
  const s = await start({ sinkThrows: true });
  try {
    await waitFor("stream_up", () => s.ups() === 1, WAIT);
    await s.relay.injectText('{"subscriptionId":0,"event":{"e":"executionReport","E":1}}');
    await waitFor("the bad frame", () => s.bad.length === 2, WAIT);
    await s.spot.place({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      clientOrderId: "t-1",
      quantity: "0.0001",
      price: "70000",
    });
    await waitFor("the order event", () => s.events.some((e) => e.type === "order"), WAIT);
  } finally {
    await s.end();
  }
  assert.deepEqual(s.bad.slice(0, 3), [
    "sink threw on stream_up: the loop's bug",
    "bad executionReport event",
    "sink threw on order: the loop's bug",
  ]);
  assert.deepEqual(s.lifecycle(), ["up", "down: stopped"]);
});

Deno.test("a rate-limited refusal (429 with data.retryAfter) is waited out by the venue's clock", async () => {
  const slept: number[] = [];
  const timers: Timers = {
    setTimeout: (fn, ms) => (slept.push(ms), realTimers.setTimeout(fn, ms)),
    clearTimeout: (id) => realTimers.clearTimeout(id),
  };
  // The stream's clock stands still, 10 min behind the venue's: the wait must come from the refusal's
  // own retryAfter − serverTime, not from retryAfter against our clock (that would be 10 min longer).
  const behind = Date.now() - 600_000;
  // A subscription weighs 2: over a 1-per-minute limit even in a fresh window.
  const limits = { weightPerMinute: 1, ordersPer10s: 50, ordersPerDay: 1000, banAfter: 3, banMs: 120_000 };
  const s = await start({ timers, now: () => behind, limits });
  let waitMs = 0;
  try {
    await waitFor("the refusal", () => s.t.wsSent.length === 1, WAIT);
    const refusal = JSON.parse(s.t.wsSent[0]);
    assert.deepEqual([refusal.status, refusal.error.code], [429, -1003]);
    waitMs = refusal.error.data.retryAfter - refusal.error.data.serverTime;
    await waitFor("a wait until the venue's retryAfter", () => slept.includes(waitMs), WAIT);
  } finally {
    await s.end();
  }
  assert.ok(waitMs >= 1000 && waitMs <= 60_000, "the rest of the venue's minute, longer than any backoff");
  assert.deepEqual(s.t.wsMethods, ["userDataStream.subscribe.signature"], "no second knock");
  assert.deepEqual(s.lifecycle(), []);
});
