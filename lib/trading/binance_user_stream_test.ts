// The user stream's lifecycle against a real loopback WebSocket API (testing/binance_trade_double.ts):
// stream_up after the signed subscription, order events, and stream_down + reconnect on each way a
// session ends. Waits have deadlines; no assertion depends on elapsed time.
import assert from "node:assert/strict";
import { waitFor } from "../async/poll.ts";
import { realTimers, type Timers } from "../async/sleep.ts";
import { BinanceTradeDouble } from "../../testing/binance_trade_double.ts";
import { wsKnobs } from "../../testing/binance_trade_double_ws.ts";
import { BinanceSpot } from "./binance_spot.ts";
import { ApiCredentials } from "./credentials.ts";
import type { UserEvent } from "./venue.ts";

const KEY = "streamKey0123456789streamKey0123456789streamKey0123456789stream";
const SECRET = "streamSecret0123456789streamSecret0123456789streamSecret01234567";

interface StartOptions {
  readonly secret?: string;
  readonly pingEveryMs?: number;
  readonly answerTimeoutMs?: number;
  readonly maxConnectionMs?: number;
  /** The loop's sink throws after taking each event (it must not take the stream down). */
  readonly sinkThrows?: boolean;
  readonly timers?: Timers;
}

function start(o: StartOptions = {}) {
  const venue = new BinanceTradeDouble(KEY, SECRET);
  const bad: string[] = [];
  const spot = new BinanceSpot(
    {
      rest: { baseUrl: venue.baseUrl },
      userStream: {
        wsApiUrl: venue.wsApiUrl,
        pingEveryMs: o.pingEveryMs ?? 30_000,
        answerTimeoutMs: o.answerTimeoutMs ?? 10_000,
        maxConnectionMs: o.maxConnectionMs,
        backoff: { baseMs: 10, maxMs: 50, jitter: "none" },
      },
    },
    new ApiCredentials(KEY, o.secret ?? SECRET),
    {
      rest: { fetch, now: () => Date.now() },
      userStream: {
        connect: (u) => new WebSocket(u),
        now: () => Date.now(),
        onBadFrame: (d) => bad.push(d),
        timers: o.timers,
      },
    },
  );
  const events: UserEvent[] = [];
  const stop = new AbortController();
  const running = spot.userEvents((e) => {
    events.push(e);
    if (o.sinkThrows) throw new Error("the loop's bug");
  }, stop.signal);
  const lifecycle = () =>
    events.filter((e) => e.type === "stream_up" || e.type === "stream_down")
      .map((e) => e.type === "stream_down" ? `down: ${e.cause}` : "up");
  const ups = () => events.filter((e) => e.type === "stream_up").length;
  const end = async () => {
    stop.abort();
    await running;
    await venue.close();
  };
  return { venue, spot, events, bad, lifecycle, ups, end };
}

Deno.test("stream_up after the signed subscription; order events keyed by the order's own client id", async () => {
  const s = start();
  try {
    await waitFor("stream_up", () => s.ups() === 1, { timeoutMs: 10_000 });
    await s.spot.place({
      symbol: "BTCUSDT",
      side: "SELL",
      type: "LIMIT",
      clientOrderId: "u-1",
      quantity: "1",
      price: "2",
    });
    s.venue.fill("u-1", "0.5");
    await s.spot.cancel({ symbol: "BTCUSDT", clientOrderId: "u-1" });
    const orders = () =>
      s.events.flatMap((e) =>
        e.type === "order"
          ? [`${e.execType} ${e.order.clientOrderId} ${e.order.status}${e.fill ? ` fill ${e.fill.qty}` : ""}`]
          : []
      );
    await waitFor("three order events", () => orders().length === 3, { timeoutMs: 10_000 });
    assert.deepEqual(orders(), [
      "NEW u-1 NEW",
      "TRADE u-1 PARTIALLY_FILLED fill 0.50000000",
      "CANCELED u-1 CANCELED",
    ]);
    assert.deepEqual(wsKnobs(s.venue).methods, ["userDataStream.subscribe.signature"]);
  } finally {
    await s.end();
  }
  assert.deepEqual(s.lifecycle(), ["up", "down: stopped"]);
});

Deno.test("eventStreamTerminated and a dropped socket: stream_down, then a fresh subscription", async () => {
  const s = start();
  try {
    await waitFor("stream_up", () => s.ups() === 1, { timeoutMs: 10_000 });
    s.venue.push({ e: "eventStreamTerminated", E: 1 });
    await waitFor("second stream_up", () => s.ups() === 2, { timeoutMs: 10_000 });
    for (const sock of s.venue.sockets) sock.close();
    await waitFor("third stream_up", () => s.ups() === 3, { timeoutMs: 10_000 });
    s.venue.push({ e: "serverShutdown", E: 2 });
    await waitFor("fourth stream_up", () => s.ups() === 4, { timeoutMs: 10_000 });
  } finally {
    await s.end();
  }
  const l = s.lifecycle();
  assert.deepEqual(l.slice(0, 3), ["up", "down: eventStreamTerminated", "up"]);
  assert.match(l[3], /^down: closed \d+$/);
  assert.deepEqual(l.slice(4), ["up", "down: serverShutdown", "up", "down: stopped"]);
});

Deno.test("a silent stall (pings unanswered) is a stream_down; the stream comes back when the venue does", async () => {
  // Only here is a deadline short: an unanswered ping must end the session (it never gets answered).
  const s = start({ pingEveryMs: 50, answerTimeoutMs: 300 });
  const knobs = wsKnobs(s.venue);
  try {
    await waitFor("stream_up", () => s.ups() === 1, { timeoutMs: 10_000 });
    await waitFor("a ping answered", () => knobs.methods.includes("ping"), { timeoutMs: 10_000 });
    knobs.answerPings = false;
    await waitFor("stream_down", () => s.lifecycle().length >= 2, { timeoutMs: 10_000 });
    knobs.answerPings = true;
    await waitFor("stream_up again, pings answered", () => s.ups() >= 2 && s.lifecycle().at(-1) === "up", {
      timeoutMs: 10_000,
    });
  } finally {
    await s.end();
  }
  assert.deepEqual(s.lifecycle().slice(0, 3), ["up", "down: no answer to ping within 300 ms", "up"]);
});

Deno.test("a refused subscription never reports stream_up and keeps retrying with backoff", async () => {
  const s = start({ secret: SECRET.replace("0", "1") });
  const subs = () =>
    wsKnobs(s.venue).methods.filter((m) => m === "userDataStream.subscribe.signature").length;
  try {
    await waitFor("three refused subscriptions", () => subs() >= 3, { timeoutMs: 10_000 });
  } finally {
    await s.end();
  }
  assert.deepEqual(s.lifecycle(), [], "never up, so never down either: submits stay gated");
});

Deno.test("a venue clock that jumped: the subscription's -1021 resyncs the clock and the next attempt comes up", async () => {
  const s = start();
  try {
    await waitFor("stream_up", () => s.ups() === 1, { timeoutMs: 10_000 });
    s.venue.skewMs = 600_000;
    for (const sock of s.venue.sockets) sock.close();
    await waitFor("second stream_up", () => s.ups() === 2, { timeoutMs: 10_000 });
  } finally {
    await s.end();
  }
  const subs = wsKnobs(s.venue).methods.filter((m) => m === "userDataStream.subscribe.signature").length;
  assert.equal(subs, 3, "up, refused with -1021, up after the resync");
  assert.equal(s.venue.requests.filter((r) => r.path === "/api/v3/time").length, 2);
});

Deno.test("the connection age limit hands over to a fresh connection", async () => {
  const s = start({ maxConnectionMs: 200 });
  try {
    await waitFor("second stream_up", () => s.ups() >= 2, { timeoutMs: 10_000 });
  } finally {
    await s.end();
  }
  assert.deepEqual(s.lifecycle().slice(0, 3), ["up", "down: connection age limit", "up"]);
});

Deno.test("a sink that throws and a frame that cannot be read are reported, never fatal", async () => {
  const s = start({ sinkThrows: true });
  try {
    await waitFor("stream_up", () => s.ups() === 1, { timeoutMs: 10_000 });
    s.venue.push({ e: "executionReport", E: 1 });
    await s.spot.place({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      clientOrderId: "t-1",
      quantity: "1",
      price: "2",
    });
    await waitFor("the order event", () => s.events.some((e) => e.type === "order"), { timeoutMs: 10_000 });
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

Deno.test("a rate-limited refusal (429 with data.retryAfter) is waited out before the next attempt", async () => {
  const slept: number[] = [];
  const timers: Timers = {
    setTimeout: (fn, ms) => (slept.push(ms), realTimers.setTimeout(fn, ms)),
    clearTimeout: (id) => realTimers.clearTimeout(id),
  };
  const s = start({ timers });
  const msg = "Too many requests queued.";
  wsKnobs(s.venue).refuse.push({ status: 429, code: -1003, msg, retryAfter: Date.now() + 60_000 });
  try {
    await waitFor(
      "a wait until the venue's retryAfter",
      () => slept.some((ms) => ms > 50_000 && ms <= 60_000),
      {
        timeoutMs: 10_000,
      },
    );
  } finally {
    await s.end();
  }
  assert.deepEqual(wsKnobs(s.venue).methods, ["userDataStream.subscribe.signature"], "no second knock");
  assert.deepEqual(s.lifecycle(), []);
});
