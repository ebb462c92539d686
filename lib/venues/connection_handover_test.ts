// Make-before-break handovers against a real loopback WebSocket venue: the successor is subscribed
// before the old connection closes (server-side timeline), nothing is reported downstream as a
// disconnect, overlap frames are flagged for de-duplication, and failed handovers fall back.
import assert from "node:assert/strict";
import type { ConnectionEvent } from "./connection_events.ts";
import { startConnection } from "./connection.ts";
import { ADAPTERS } from "./registry.ts";
import { collector, count, options, send, startVenue } from "../../testing/loopback_venue.ts";
import { waitFor } from "../async/poll.ts";

const LINGER_MS = 777_000; // never fires on its own: the test fires the linger timer itself
const subs = [{ channel: "trades", symbol: "BTC-USDT" }] as const;
const binanceTrade = (id: number) =>
  `{"e":"trade","E":5,"s":"BTCUSDT","t":${id},"p":"1.5","q":"2","T":4,"m":true,"M":true}`;
const okxTrade = (id: string) =>
  JSON.stringify({
    arg: { channel: "trades", instId: "BTC-USDT" },
    data: [{ instId: "BTC-USDT", tradeId: id, px: "30000", sz: "0.1", side: "buy", ts: "1000" }],
  });
const okxAck = '{"event":"subscribe","arg":{"channel":"trades","instId":"BTC-USDT"}}';
const NOTICE = '{"event":"notice","code":"64008","msg":"service upgrade"}';

/** Real timers, except the handover linger, which the test fires when it wants the old link gone. */
function lingerControl() {
  const fns: (() => void)[] = [];
  return {
    fire: () => fns.splice(0).forEach((f) => f()),
    pending: () => fns.length,
    effects: {
      random: () => 0,
      setTimeout: (fn: () => void, ms: number) => {
        if (ms === LINGER_MS) fns.push(fn);
        return setTimeout(fn, ms);
      },
    },
  };
}

/** A Binance lifecycle on `url` whose handover linger the test fires. */
function binanceLink(url: string) {
  const linger = lingerControl();
  const c = collector();
  const ac = new AbortController();
  const conn = startConnection(
    options(ADAPTERS.binance, url, subs, c.sink, ac.signal, {
      handoverLingerMs: LINGER_MS,
      effects: linger.effects,
    }),
  );
  return { linger, c, ac, conn };
}

const kinds = (evs: ConnectionEvent[]) => evs.map((e) => e.type);
const trades = (evs: ConnectionEvent[]) =>
  evs.flatMap((e) =>
    e.type === "events" ? e.events.map((t) => [t.kind === "trade" && t.tradeId, e.snapshot]) : []
  );

Deno.test("handover: Binance serverShutdown subscribes a successor before the old link closes", async () => {
  const sockets: WebSocket[] = [];
  const venue = startVenue({
    onMessage(ws, _text, n) {
      sockets[n] = ws;
      send(ws, '{"result":null,"id":1}');
      send(ws, binanceTrade(7)); // both connections deliver trade 7: one copy is a duplicate
      if (n === 0) send(ws, '{"e":"serverShutdown","E":1770123456789}');
      else send(ws, binanceTrade(8));
    },
  });
  const { linger, c, ac, conn } = binanceLink(venue.url);
  await c.until((e) => count(e, "handover") === 1, "the handover");
  assert.equal(linger.pending(), 1, "the old link waits for the linger");
  assert.deepEqual(venue.closeCodes, [], "nothing closed before the linger");
  linger.fire();
  // The successor's frames are held until the old link is gone, then delivered in order.
  await c.until((e) => count(e, "events") === 3, "trade 7 twice and trade 8");
  await waitFor("the venue to see the old link close", () => venue.closeCodes.length > 0, { everyMs: 5 });
  ac.abort();
  await conn.done;
  await venue.close();

  // The successor was subscribed (recv 1) before the old connection closed (close 0).
  assert.deepEqual(venue.timeline, ["open 0", "recv 0", "open 1", "recv 1", "close 0 1000", "close 1 1000"]);
  assert.deepEqual(kinds(c.events), ["connect", "events", "handover", "events", "events", "disconnect"]);
  const ho = c.events[2];
  assert.deepEqual(ho.type === "handover" && [ho.reason, ho.ok], ["shutdown", true]);
  const last = c.events[5];
  assert.deepEqual(last.type === "disconnect" && last.reason, "aborted");
  // While two links deliver, frames are flagged for de-duplication by trade id.
  assert.deepEqual(trades(c.events), [["7", false], ["7", true], ["8", true]]);
  assert.deepEqual(
    [conn.stats.connects, conn.stats.reconnects, conn.stats.handovers, conn.stats.handoverFailures],
    [2, 0, 1, 0],
  );
});

Deno.test("handover: max connection age hands over on the injected clock, no disconnect", async () => {
  const venue = startVenue({
    onMessage(ws) {
      send(ws, '{"result":null,"id":1}');
      send(ws, binanceTrade(7));
    },
  });
  let clock = 1_000_000;
  const linger = lingerControl();
  const c = collector();
  const ac = new AbortController();
  const conn = startConnection(
    options(ADAPTERS.binance, venue.url, subs, c.sink, ac.signal, {
      maxConnectionMs: 23.5 * 3_600_000,
      staleTimeoutMs: 24 * 3_600_000,
      handoverLingerMs: LINGER_MS,
      effects: { ...linger.effects, now: () => clock },
    }),
  );
  await c.until((e) => count(e, "events") === 1, "first trade");
  clock += 23.5 * 3_600_000;
  await c.until((e) => count(e, "handover") === 1, "the handover");
  linger.fire();
  await waitFor("the venue to see the old link close", () => venue.closeCodes.length > 0, { everyMs: 5 });
  ac.abort();
  await conn.done;
  await venue.close();
  assert.deepEqual(venue.timeline.slice(0, 5), ["open 0", "recv 0", "open 1", "recv 1", "close 0 1000"]);
  const ho = c.events.find((e) => e.type === "handover");
  assert.deepEqual(ho?.type === "handover" && [ho.reason, ho.ok, ho.atMs], ["max_age", true, 85_600_000]);
  assert.equal(count(c.events, "connect"), 1);
  assert.equal(count(c.events, "disconnect"), 1); // the final "aborted" only
  assert.deepEqual([conn.stats.connects, conn.stats.reconnects, conn.stats.handovers], [2, 0, 1]);
});

Deno.test("handover: OKX 64008 with a successor that cannot subscribe falls back to a reconnect", async () => {
  const venue = startVenue({
    onMessage(ws, text, n) {
      if (text === "ping") return send(ws, "pong");
      if (n === 1) return send(ws, '{"event":"error","code":"60018","msg":"Wrong URL or channel"}');
      send(ws, okxAck);
      send(ws, okxTrade(String(10 + n)));
      if (n === 0) send(ws, NOTICE);
    },
  });
  const c = collector();
  const ac = new AbortController();
  const conn = startConnection(
    options(ADAPTERS.okx, venue.url, subs, c.sink, ac.signal, {
      staleTimeoutMs: 200,
      connectTimeoutMs: 100,
      keepaliveMs: 20, // pongs keep both links alive while the successor waits in vain
    }),
  );
  await c.until((e) => count(e, "events") === 2, "a trade on the third connection");
  ac.abort();
  await conn.done;
  await venue.close();
  assert.deepEqual(kinds(c.events), [
    "connect",
    "events",
    "venue_error",
    "handover",
    "disconnect",
    "connect",
    "events",
    "disconnect",
  ]);
  const ho = c.events[3];
  assert.deepEqual(ho.type === "handover" && [ho.reason, ho.ok, ho.detail], [
    "shutdown",
    false,
    "subscribe_timeout",
  ]);
  const cut = c.events[4];
  assert.deepEqual(cut.type === "disconnect" && [cut.reason, cut.retryInMs], ["shutdown", 0]);
  assert.deepEqual(venue.closeCodes.slice(0, 2), [1000, 1000]);
  assert.deepEqual(
    [conn.stats.connects, conn.stats.reconnects, conn.stats.handovers, conn.stats.handoverFailures],
    [3, 1, 0, 1],
  );
});

Deno.test("handover: the old link closing before the successor subscribed is reported as an outage", async () => {
  let releaseAck: (() => void) | null = null;
  const venue = startVenue({
    onMessage(ws, text, n) {
      if (text === "ping") return send(ws, "pong");
      const reply = () => (send(ws, okxAck), send(ws, okxTrade(String(10 + n))));
      if (n === 0) {
        reply();
        send(ws, NOTICE);
        ws.close(1001, "service upgrade"); // no grace: the venue cuts at once
      } else if (venue.closeCodes.length > 0) reply();
      else releaseAck = reply; // hold the successor's ack until the old link is gone
    },
    onClose: (n) => n === 0 && releaseAck?.(),
  });
  const c = collector();
  const ac = new AbortController();
  const conn = startConnection(options(ADAPTERS.okx, venue.url, subs, c.sink, ac.signal));
  await c.until((e) => count(e, "events") === 2, "a trade on the successor");
  ac.abort();
  await conn.done;
  await venue.close();
  assert.deepEqual(kinds(c.events), ["connect", "events", "disconnect", "connect", "events", "disconnect"]);
  const cut = c.events[2];
  assert.deepEqual(cut.type === "disconnect" && [cut.reason, cut.code, cut.retryInMs], ["closed", 1001, 0]);
  assert.deepEqual(
    [conn.stats.connects, conn.stats.reconnects, conn.stats.handovers, conn.stats.handoverFailures],
    [2, 1, 0, 0],
  );
});

Deno.test("handover: a cut announced to the successor before it took over is handed over next", async () => {
  const venue = startVenue({
    onMessage(ws, _text, n) {
      send(ws, '{"result":null,"id":1}');
      send(ws, binanceTrade(7 + n));
      if (n <= 1) send(ws, '{"e":"serverShutdown","E":1770123456789}'); // the successor is told too
    },
  });
  const { linger, c, ac, conn } = binanceLink(venue.url);
  await c.until((e) => count(e, "handover") === 1, "the first handover");
  // The successor got its own serverShutdown while the old link still lingers.
  await waitFor("the successor's own serverShutdown", () => conn.stats.byKind.shutdown >= 2, { everyMs: 5 });
  linger.fire();
  await c.until((e) => count(e, "handover") === 2, "the second handover, once the successor is the link");
  linger.fire();
  await waitFor("the venue to see both old links close", () => venue.closeCodes.length >= 2, { everyMs: 5 });
  ac.abort();
  await conn.done;
  await venue.close();
  assert.deepEqual(venue.closeCodes, [1000, 1000, 1000]);
  assert.ok(c.events.every((e) => e.type !== "handover" || e.ok));
  assert.deepEqual([count(c.events, "connect"), count(c.events, "disconnect")], [1, 1]);
  assert.deepEqual(trades(c.events).map(([id]) => id), ["7", "8", "9"]);
  assert.deepEqual(
    [conn.stats.connects, conn.stats.reconnects, conn.stats.handovers, conn.stats.handoverFailures],
    [3, 0, 2, 0],
  );
});
