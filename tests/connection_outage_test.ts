// An outage with many failed connect attempts is one reconnect; the failed attempts are counted
// apart (feed_connect_failures_total), so a short recovered blip does not trip FeedReconnectsHigh.
import assert from "node:assert/strict";
import { startConnection } from "../lib/venues/connection.ts";
import { ADAPTERS } from "../lib/venues/registry.ts";
import { collector, count, options, send } from "../testing/loopback_venue.ts";

const trade = (id: string) =>
  JSON.stringify({
    arg: { channel: "trades", instId: "BTC-USDT" },
    data: [{ instId: "BTC-USDT", tradeId: id, px: "30000", sz: "0.1", side: "buy", ts: "1000" }],
  });

Deno.test("an outage of many refused attempts counts one reconnect and each failed attempt", async () => {
  const refuseFor = 6;
  let opened = 0, refused = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    // The venue is down between the first link's loss and `refuseFor` refused attempts.
    if (opened === 1 && refused < refuseFor) {
      refused++;
      return new Response("down", { status: 503 });
    }
    const { socket, response } = Deno.upgradeWebSocket(req);
    const n = opened++;
    socket.onmessage = (e) => {
      if (!String(e.data).includes('"subscribe"')) return;
      send(socket, trade(String(n + 1)));
      if (n === 0) socket.close(1011, "crash");
    };
    socket.onerror = (e) => e.preventDefault();
    return response;
  });
  const c = collector();
  const ac = new AbortController();
  const subs = [{ channel: "trades", symbol: "BTC-USDT" }] as const;
  const url = `ws://127.0.0.1:${server.addr.port}/ws`;
  const conn = startConnection(options(ADAPTERS.okx, url, subs, c.sink, ac.signal));
  await c.until((e) => count(e, "connect") === 2 && count(e, "events") === 2, "the second link's trade");
  ac.abort();
  await conn.done;
  await server.shutdown();

  assert.equal(refused, refuseFor);
  assert.deepEqual(
    [conn.stats.connects, conn.stats.reconnects, conn.stats.failedConnects],
    [2, 1, refuseFor],
    "connects, reconnects (one outage), failed attempts",
  );
  // Downstream still hears of every failed attempt (the feed keeps its gap open meanwhile).
  assert.equal(count(c.events, "disconnect"), 1 + refuseFor + 1);
});
