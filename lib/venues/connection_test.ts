// Lifecycle tests against a real WebSocket server on 127.0.0.1:0 that behaves like a venue: resubscribe
// after a close, reconnect on shutdown or max age, backoff, abort (liveness: connection_liveness_test.ts).
// Timeouts are tens of ms; the only wall-clock guard fails a hung test instead of waiting forever.
import assert from "node:assert/strict";
import { startConnection } from "./connection.ts";
import { ADAPTERS } from "./registry.ts";
import { collector, count, options, send, startVenue } from "../../testing/loopback_venue.ts";
import { waitFor } from "../async/poll.ts";

const okxTrade = (id: string, ts: string) =>
  JSON.stringify({
    arg: { channel: "trades", instId: "BTC-USDT" },
    data: [{ instId: "BTC-USDT", tradeId: id, px: "30000", sz: "0.1", side: "buy", ts }],
  });

Deno.test("lifecycle: resubscribes after a server-side close; OKX first trade per subscribe flagged", async () => {
  const venue = startVenue({
    onMessage(ws, text, n) {
      if (!text.includes('"subscribe"')) return;
      if (n === 0) {
        send(ws, okxTrade("1", "1000")); // the replayed latest trade, possibly hours old
        send(ws, "{not json");
        send(ws, okxTrade("2", "2000"));
        ws.close(1001, "restart");
      } else send(ws, okxTrade("3", "3000"));
    },
  });
  const c = collector();
  const ac = new AbortController();
  const subs = [{ channel: "trades", symbol: "BTC-USDT" }] as const;
  const conn = startConnection(options(ADAPTERS.okx, venue.url, subs, c.sink, ac.signal));
  await c.until((e) => count(e, "events") === 3, "three trade frames");
  ac.abort();
  await conn.done;
  await venue.close();

  const sub = '{"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"}]}';
  assert.deepEqual(venue.received, [[sub], [sub]]);
  const types = c.events.map((e) => e.type);
  assert.deepEqual(types, [
    "connect",
    "events",
    "frame_dropped",
    "events",
    "disconnect",
    "connect",
    "events",
    "disconnect",
  ]);
  const batches = c.events.flatMap((e) =>
    e.type === "events" ? [[e.events[0].kind === "trade" && e.events[0].tradeId, e.snapshot]] : []
  );
  assert.deepEqual(batches, [["1", true], ["2", false], ["3", true]]);
  const cut = c.events[4];
  // A planned cut (1001) of a link that delivered data reconnects at once.
  assert.deepEqual(cut.type === "disconnect" && [cut.reason, cut.code, cut.retryInMs], ["closed", 1001, 0]);
  const last = c.events[7];
  assert.deepEqual(last.type === "disconnect" && [last.reason, last.retryInMs], ["aborted", null]);
  assert.equal(conn.stats.framesIn, 4);
  assert.equal(conn.stats.handled + conn.stats.dropped, conn.stats.framesIn);
  assert.deepEqual(conn.stats.droppedByReason, { malformed_json: 1 });
  assert.deepEqual([conn.stats.connects, conn.stats.reconnects, conn.stats.events], [2, 1, 3]);
});

Deno.test("lifecycle: without make-before-break, Binance serverShutdown reconnects at once and subscribes again", async () => {
  const venue = startVenue({
    onMessage(ws, _text, n) {
      send(ws, '{"result":null,"id":1}');
      send(ws, '{"e":"trade","E":5,"s":"BTCUSDT","t":7,"p":"1.5","q":"2","T":4,"m":true,"M":true}');
      if (n === 0) send(ws, '{"e":"serverShutdown","E":1770123456789}');
    },
  });
  const c = collector();
  const ac = new AbortController();
  const subs = [{ channel: "trades", symbol: "BTC-USDT" }] as const;
  const conn = startConnection(
    options(ADAPTERS.binance, venue.url, subs, c.sink, ac.signal, { makeBeforeBreak: false }),
  );
  await c.until((e) => count(e, "events") === 2, "a trade on the second connection");
  ac.abort();
  await conn.done;
  await venue.close();
  const sub = '{"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}';
  assert.deepEqual(venue.received, [[sub], [sub]]);
  const cut = c.events.find((e) => e.type === "disconnect");
  assert.deepEqual(cut?.type === "disconnect" && [cut.reason, cut.retryInMs], ["shutdown", 0]);
  assert.deepEqual(venue.closeCodes, [1000, 1000]); // we closed both cleanly
  assert.deepEqual([conn.stats.byKind.shutdown, conn.stats.byKind.ack, conn.stats.reconnects], [1, 2, 1]);
});

Deno.test("lifecycle: backoff delays follow the injected random, capped, and never give up", async () => {
  const venue = startVenue({ onOpen: (ws) => ws.close(1011, "unavailable") });
  const c = collector();
  const ac = new AbortController();
  const subs = [{ channel: "trades", symbol: "BTC-USDT" }] as const;
  const conn = startConnection(
    options(ADAPTERS.bybit, venue.url, subs, c.sink, ac.signal, {
      backoffBaseMs: 20,
      backoffMaxMs: 60,
      effects: { random: () => 0.5 },
    }),
  );
  await c.until((e) => count(e, "disconnect") === 6, "six disconnects");
  ac.abort();
  await conn.done;
  await venue.close();
  const delays = c.events.flatMap((e) =>
    e.type === "disconnect" && e.reason === "closed" ? [e.retryInMs] : []
  );
  // floor(0.5 * min(60, 20 * 2^n)) for n = 0..5
  assert.deepEqual(delays.slice(0, 6), [10, 20, 30, 30, 30, 30]);
  assert.ok(c.events.every((e) => e.type !== "disconnect" || e.reason === "aborted" || e.code === 1011));
});

Deno.test("lifecycle: abort stops cleanly with a 1000 close and a final disconnect event", async () => {
  const venue = startVenue({
    onMessage: (ws) => send(ws, '{"channel":"heartbeat"}'),
  });
  const c = collector();
  const ac = new AbortController();
  const subs = [{ channel: "trades", symbol: "BTC-USDT" }] as const;
  const conn = startConnection(options(ADAPTERS.kraken, venue.url, subs, c.sink, ac.signal));
  await c.until((e) => count(e, "connect") === 1, "connect");
  await waitFor("the heartbeat frame", () => conn.stats.framesIn === 1, { timeoutMs: 10_000, everyMs: 2 });
  ac.abort();
  await conn.done;
  await venue.close();
  assert.deepEqual(venue.closeCodes, [1000]);
  assert.deepEqual(c.events.map((e) => e.type), ["connect", "disconnect"]);
  assert.deepEqual([conn.stats.connects, conn.stats.reconnects], [1, 0]);
});

Deno.test("lifecycle: without make-before-break, max connection age (Binance 24 h) reconnects at once", async () => {
  const venue = startVenue({
    onMessage: (ws) =>
      send(ws, '{"e":"trade","E":5,"s":"BTCUSDT","t":7,"p":"1.5","q":"2","T":4,"m":true,"M":true}'),
  });
  let clock = 1_000_000;
  const c = collector();
  const ac = new AbortController();
  const subs = [{ channel: "trades", symbol: "BTC-USDT" }] as const;
  const conn = startConnection(
    options(ADAPTERS.binance, venue.url, subs, c.sink, ac.signal, {
      maxConnectionMs: 23.5 * 3_600_000,
      staleTimeoutMs: 24 * 3_600_000,
      makeBeforeBreak: false,
      effects: { random: () => 0, now: () => clock },
    }),
  );
  await c.until((e) => count(e, "events") === 1, "first trade");
  const first = c.events[1];
  assert.equal(first.type === "events" && first.receivedAtMs, 1_000_000); // receive time is the injected clock
  clock += 23.5 * 3_600_000;
  await c.until((e) => count(e, "events") === 2, "trade on the new connection");
  ac.abort();
  await conn.done;
  await venue.close();
  const cut = c.events.find((e) => e.type === "disconnect");
  assert.deepEqual(cut?.type === "disconnect" && [cut.reason, cut.retryInMs, cut.atMs], [
    "max_age",
    0,
    85_600_000,
  ]);
  assert.equal(venue.received.length, 2);
});
