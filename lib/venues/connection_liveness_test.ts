// Liveness tests against a real WebSocket server on 127.0.0.1:0 that behaves like a venue: a silent
// link is stale and reconnected; venue heartbeats and our pings keep a quiet one alive.
// Timeouts are tens of ms; the only wall-clock guard fails a hung test instead of waiting forever.
import assert from "node:assert/strict";
import { startConnection } from "./connection.ts";
import { ADAPTERS } from "./registry.ts";
import { collector, count, options, send, startVenue } from "../../testing/loopback_venue.ts";
import { waitFor } from "../async/poll.ts";
import type { VenueAdapter } from "./adapter.ts";

/**
 * A lifecycle clock that only moves when the test's venue speaks: 30 ms per frame the adapter maps
 * (after the lifecycle stamped it), and 30 ms once after each open. Stale and keepalive decisions
 * then follow the frames, never the machine's load.
 */
function framePacedClock(base: VenueAdapter) {
  let ms = 1_000_000;
  return {
    now: () => ms,
    adapter: { ...base, map: (raw: string, at: number) => ((ms += 30), base.map(raw, at)) } as VenueAdapter,
    connect: (url: string) => {
      const ws = new WebSocket(url);
      ws.addEventListener("open", () => setTimeout(() => (ms += 30), 0));
      return ws;
    },
  };
}

/** A BTC-USDT trades link on a frame-paced clock; `clockOnOpen` also moves it once after each open. */
function pacedConnection(
  base: VenueAdapter,
  url: string,
  timing: { staleTimeoutMs: number; keepaliveMs: number },
  clockOnOpen = false,
) {
  const c = collector();
  const ac = new AbortController();
  const clock = framePacedClock(base);
  const effects = { random: () => 0, now: clock.now, ...(clockOnOpen ? { connect: clock.connect } : {}) };
  const conn = startConnection(options(clock.adapter, url, SUBS, c.sink, ac.signal, { ...timing, effects }));
  return { c, ac, conn };
}
const SUBS = [{ channel: "trades", symbol: "BTC-USDT" }] as const;

Deno.test("lifecycle: a silent server is stale and gets reconnected", async () => {
  const venue = startVenue({}); // accepts, never speaks
  const c = collector();
  const ac = new AbortController();
  const conn = startConnection(
    options(ADAPTERS.kraken, venue.url, SUBS, c.sink, ac.signal, { staleTimeoutMs: 60, keepaliveMs: 10_000 }),
  );
  await c.until((e) => count(e, "connect") === 2, "a second connect");
  ac.abort();
  await conn.done;
  await venue.close();
  const cut = c.events.find((e) => e.type === "disconnect");
  assert.deepEqual(cut?.type === "disconnect" && [cut.reason, cut.retryInMs], ["stale", 0]);
  const sub =
    '{"method":"subscribe","params":{"channel":"trade","symbol":["BTC/USDT"],"snapshot":false},"req_id":1}';
  assert.deepEqual(venue.received.slice(0, 2), [[sub], [sub]]);
});

Deno.test("lifecycle: Kraken heartbeats keep a quiet market alive (no stale reconnect)", async () => {
  const venue = startVenue({
    onOpen: (ws) => venue.every(ws, 10, () => send(ws, '{"channel":"heartbeat"}')),
  });
  // The lifecycle's clock moves 30 ms per frame received and never otherwise: 40 heartbeats span
  // ten stale timeouts of 120 ms whatever the machine's load, and only heartbeats keep the link up.
  const { c, ac, conn } = pacedConnection(ADAPTERS.kraken, venue.url, {
    staleTimeoutMs: 120,
    keepaliveMs: 10_000,
  });
  await waitFor("40 heartbeats", () => conn.stats.byKind.heartbeat >= 40, { timeoutMs: 10_000, everyMs: 5 });
  ac.abort();
  await conn.done;
  await venue.close();
  assert.deepEqual(c.events.map((e) => e.type), ["connect", "disconnect"]);
  assert.deepEqual([conn.stats.connects, conn.stats.reconnects, conn.stats.byKind.data], [1, 0, 0]);
});

Deno.test("lifecycle: Bybit pings every keepalive period; pongs keep the link alive", async () => {
  let pongs = 0;
  const venue = startVenue({
    onMessage(ws, text) {
      const m = JSON.parse(text);
      // Ten pongs, then silence: the paced clock stops, so the ping count settles before the check.
      if (m.op === "ping" && pongs++ < 10) {
        send(ws, JSON.stringify({ success: true, ret_msg: "pong", conn_id: "x", op: "ping" }));
      }
    },
  });
  // Time moves 30 ms per frame received (and once after the open, to send the first ping): each pong
  // is due a ping later, and the stale timeout is only reached if pongs stop counting as alive.
  const { ac, conn } = pacedConnection(
    ADAPTERS.bybit,
    venue.url,
    { staleTimeoutMs: 200, keepaliveMs: 20 },
    true,
  );
  await waitFor("10 pongs", () => conn.stats.byKind.pong >= 10, { timeoutMs: 10_000, everyMs: 5 });
  // The tenth pong moves the clock once more: one last ping, unanswered, and then nothing moves.
  await waitFor(
    "the 11th ping at the venue",
    () => conn.stats.pingsSent === 11 && venue.received[0].length === 12,
    {
      timeoutMs: 10_000,
      everyMs: 5,
    },
  );
  ac.abort();
  await conn.done;
  await venue.close();
  assert.equal(conn.stats.reconnects, 0);
  assert.equal(venue.received[0][0], '{"op":"subscribe","args":["publicTrade.BTCUSDT"]}');
  assert.equal(venue.received[0][1], '{"req_id":"ping-1","op":"ping"}');
  assert.equal(venue.received[0].length, 1 + conn.stats.pingsSent);
});
