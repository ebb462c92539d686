// The WebSocket API connection lifecycle on the simulator's own port (binance_trading.md §5, §6), real
// sockets on loopback: ping frames and the drop of a client that never pongs (Deno's idleTimeout, here
// shortened to 2 s: a ping after 1 s of silence, the close 1 s later), and serverShutdown at stop().
import assert from "node:assert/strict";
import { waitFor, withDeadline } from "../lib/async/poll.ts";
import { ManualWall } from "../lib/sim/clock.ts";
import { PRIVATE_WS_PATH } from "../lib/sim/sim_server.ts";
import { OP_CLOSE, OP_PING, rawWebSocket } from "../testing/raw_ws.ts";
import { startTradingSim } from "../testing/trading_sim.ts";

const KEY = "f".repeat(60) + "1f1f", SECRET = "lifecycle-secret";
const START = 1_767_225_600_000;

Deno.test("a WebSocket API client that never pongs is pinged, then dropped 1001; one that pongs stays", async () => {
  const t = await startTradingSim({
    key: KEY,
    secret: SECRET,
    sim: { startSimMs: START, wallNow: new ManualWall(1_000_000).now },
    server: { privateIdleTimeoutS: 2 },
  });
  const raw = await rawWebSocket(t.server.port, PRIVATE_WS_PATH);
  const polite = new WebSocket(`ws://127.0.0.1:${t.server.port}${PRIVATE_WS_PATH}`);
  polite.onerror = (e) => e.preventDefault();
  try {
    await waitFor("the polite client open", () => polite.readyState === WebSocket.OPEN);
    const closed = await withDeadline("the silent client's close", raw.closed);
    assert.deepEqual(closed, { code: 1001, reason: "No response from ping frame." });
    assert.deepEqual(raw.frames.map((f) => f.opcode), [OP_PING, OP_CLOSE], "one ping, then the drop");
    assert.equal(polite.readyState, WebSocket.OPEN, "a client that pongs (Deno's does) is not dropped");
  } finally {
    raw.end();
    polite.close();
    await t.close();
  }
});

Deno.test("stopping the simulator: serverShutdown to each WebSocket API connection, then a 1001 close", async () => {
  const t = await startTradingSim({
    key: KEY,
    secret: SECRET,
    sim: { startSimMs: START, wallNow: new ManualWall(1_000_000).now },
  });
  const got: string[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${t.server.port}${PRIVATE_WS_PATH}`);
  ws.onmessage = (e) => got.push(String(e.data));
  const closed = new Promise<string>((resolve) => ws.onclose = (e) => resolve(`${e.code} ${e.reason}`));
  await waitFor("the connection open", () => ws.readyState === WebSocket.OPEN);
  await waitFor("the venue has it", () => t.venue.conns.size === 1);
  await t.close();
  assert.equal(await withDeadline("the close", closed), "1001 server shutdown");
  assert.deepEqual(got, [`{"event":{"e":"serverShutdown","E":${t.sim.clock.nowMs()}}}`]);
});
