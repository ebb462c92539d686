// The WebSocket API connection lifecycle at the venue (binance_trading.md §5, §6), on a manual wall
// clock and manual timers: the 24 h cut, and serverShutdown then the close after the grace.
import assert from "node:assert/strict";
import { ManualWall } from "../clock.ts";
import { ManualTimers } from "../../../testing/manual_timers.ts";
import { BTC } from "../../../testing/sim_trading.ts";
import { hmacHex, wsPayload } from "./signing.ts";
import { TradingVenue } from "./venue.ts";
import { MAX_CONNECTION_AGE_MS } from "./ws_connections.ts";

const KEY = "d".repeat(60) + "0003", SECRET = "ws-lifecycle-secret";
const NOW = 1_700_000_000_000;

async function setup() {
  const timers = new ManualTimers();
  const wall = new ManualWall(50_000);
  const v = await TradingVenue.open({
    symbols: [BTC],
    accounts: { paper: { balances: { USDT: 1e12 }, makerRate: 100_000, takerRate: 200_000 } },
    keys: [{ key: KEY, secret: SECRET, account: "paper" }],
    slippageBps: 0,
    takerLiquidity: "unlimited",
    now: () => NOW,
    wallNow: wall.now,
    schedule: (f, ms) => timers.setTimeout(f, ms),
  });
  const conn = (name: string, log: string[]) => {
    const c = v.attach(
      (t) => log.push(`${name} ${t}`),
      (code, reason) => log.push(`${name} close ${code} ${reason}`),
    );
    const p = { apiKey: KEY, timestamp: NOW };
    const params = { ...p, signature: hmacHex(SECRET, wsPayload(p)) };
    c.onMessage(JSON.stringify({ id: 1, method: "userDataStream.subscribe.signature", params }));
    return c;
  };
  return { v, wall, timers, conn };
}

Deno.test("a WebSocket API connection is cut at 24 h of age (1001), each on its own age", async () => {
  const t = await setup();
  const log: string[] = [];
  t.conn("a", log);
  t.wall.advance(3_600_000);
  t.conn("b", log);
  log.length = 0;
  t.v.housekeeping(t.wall.now() - 3_600_000 + MAX_CONNECTION_AGE_MS - 1);
  assert.deepEqual(log, [], "a is 1 ms short of 24 h");
  t.v.housekeeping(t.wall.now() - 3_600_000 + MAX_CONNECTION_AGE_MS);
  assert.deepEqual(log, ["a close 1001 connection max age"]);
  t.v.housekeeping(t.wall.now() + MAX_CONNECTION_AGE_MS);
  assert.deepEqual(log, [
    "a close 1001 connection max age",
    "b close 1001 connection max age",
  ]);
  t.v.housekeeping(t.wall.now() + 2 * MAX_CONNECTION_AGE_MS);
  assert.equal(log.length, 2, "a cut connection is gone");
  await t.v.close();
});

Deno.test("serverShutdown goes to every connection at once; they are closed (1001) after the grace", async () => {
  const t = await setup();
  const log: string[] = [];
  t.conn("a", log);
  const gone = t.conn("b", log);
  t.conn("c", log);
  gone.close(); // b's socket closed on its own before the shutdown
  log.length = 0;
  const done = t.v.shutdownStreams(5_000);
  const shutdown = `{"event":{"e":"serverShutdown","E":${NOW}}}`;
  assert.deepEqual(log, [`a ${shutdown}`, `c ${shutdown}`]);
  t.timers.advance(4_999);
  assert.equal(log.length, 2, "open until the grace has passed");
  t.timers.advance(1);
  assert.equal(await done, 2);
  assert.deepEqual(log.slice(2), ["a close 1001 server shutdown", "c close 1001 server shutdown"]);
  t.v.housekeeping(t.wall.now() + MAX_CONNECTION_AGE_MS);
  assert.equal(log.length, 4, "closed connections are gone");
  await t.v.close();
});

Deno.test("the venue ends the subscriptions: eventStreamTerminated per subscription, the socket stays", async () => {
  const t = await setup();
  const log: string[] = [];
  const a = t.conn("a", log);
  log.length = 0;
  assert.equal(t.v.terminateStreams(), 1);
  assert.deepEqual(log, [`a {"subscriptionId":0,"event":{"e":"eventStreamTerminated","E":${NOW}}}`]);
  assert.equal(t.v.terminateStreams(), 0, "nothing left to end");
  const p = { apiKey: KEY, timestamp: NOW };
  a.onMessage(JSON.stringify({
    id: 2,
    method: "userDataStream.subscribe.signature",
    params: { ...p, signature: hmacHex(SECRET, wsPayload(p)) },
  }));
  assert.deepEqual(
    JSON.parse(log[1].slice(2)),
    { id: 2, status: 200, result: { subscriptionId: 1 } },
    "resubscribed",
  );
  await t.v.close();
});

Deno.test("chaos planned cut: serverShutdown once the connection is cutEveryS old, the close after the notice", async () => {
  const timers = new ManualTimers();
  const wall = new ManualWall(50_000);
  const log: unknown[] = [];
  const v = await TradingVenue.open({
    symbols: [BTC],
    accounts: { paper: { balances: { USDT: 1e12 }, makerRate: 100_000, takerRate: 200_000 } },
    keys: [],
    slippageBps: 0,
    takerLiquidity: "unlimited",
    now: () => NOW,
    wallNow: wall.now,
    schedule: (f, ms) => timers.setTimeout(f, ms),
    chaosLog: (e) => log.push(e),
    plannedCut: () => ({ everyS: 60, noticeS: 5 }),
  });
  const got: string[] = [];
  v.attach((t) => got.push(t), (code, reason) => got.push(`close ${code} ${reason}`));
  v.housekeeping(wall.now() + 59_999);
  assert.deepEqual([got, log], [[], []]);
  v.housekeeping(wall.now() + 60_000);
  assert.deepEqual(got, [`{"event":{"e":"serverShutdown","E":${NOW}}}`]);
  assert.deepEqual(log, [{ kind: "cut", venue: "binance", api: "ws-api", ageMs: 60_000, noticeMs: 5_000 }]);
  v.housekeeping(wall.now() + 64_999);
  assert.equal(got.length, 1, "announced once; open during the notice");
  v.housekeeping(wall.now() + 65_000);
  assert.deepEqual(got.slice(1), ["close 1001 server shutdown"]);
  await v.close();
});
