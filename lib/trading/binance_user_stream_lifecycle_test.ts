// The WebSocket API connection's lifecycle (binance_trading.md §5, §6) between the connector and the
// venue simulator (testing/user_stream_sim.ts), with the connector's exact events: serverShutdown is
// a prompt reconnect, a connection whose pongs are lost is dropped by the venue, our 23.5 h age limit
// hands over before the venue's 24 h cut, and that cut is a stream_down when nothing hands over. 24 h
// pass on manual timers and a manual wall.
import assert from "node:assert/strict";
import { waitFor } from "../async/poll.ts";
import { ManualWall } from "../sim/clock.ts";
import { HOUR, manualTimers, startUserStream as start } from "../../testing/user_stream_sim.ts";

const WAIT = { timeoutMs: 10_000 };

Deno.test("serverShutdown: stream_down and at once a fresh connection, without the backoff", async () => {
  // A one-minute backoff: only a prompt reconnect comes back within the wait's deadline.
  const s = await start({ backoff: { baseMs: 60_000, maxMs: 60_000, jitter: "none" } });
  try {
    await waitFor("stream_up", () => s.ups() === 1, WAIT);
    assert.equal(await s.t.venue.shutdownStreams(0), 1);
    await waitFor("second stream_up", () => s.ups() === 2, WAIT);
  } finally {
    await s.end();
  }
  assert.deepEqual(s.lifecycle(), ["up", "down: serverShutdown", "up", "down: stopped"]);
});

Deno.test("a connection whose pongs stop reaching the venue is dropped 1001: stream_down, then back up", async () => {
  // The venue's pings after 1 s of silence, the drop 1 s later (idleTimeout 2 s instead of 40 s).
  const s = await start({ server: { privateIdleTimeoutS: 2 } });
  try {
    await waitFor("stream_up", () => s.ups() === 1, WAIT);
    s.relay.muteOpen("up"); // this connection's pongs (and anything else it sends) are lost
    await waitFor("second stream_up", () => s.ups() === 2, WAIT);
  } finally {
    await s.end();
  }
  assert.deepEqual(s.lifecycle(), ["up", "down: closed 1001", "up", "down: stopped"]);
});

Deno.test("our connection age limit (23.5 h) hands over before the venue's 24 h cut", async () => {
  const { manual, timers } = manualTimers();
  const wall = new ManualWall(1_000_000);
  // No ping requests in 24 h (the manual timers jump there at once, no answer could come between).
  const s = await start({ timers, venueWall: wall.now, pingEveryMs: 48 * HOUR });
  try {
    await waitFor("stream_up", () => s.ups() === 1, WAIT);
    wall.advance(23.5 * HOUR);
    manual.advance(23.5 * HOUR);
    await waitFor("stream_down", () => s.lifecycle().length === 2, WAIT);
    manual.advance(10); // the backoff
    await waitFor("second stream_up", () => s.ups() === 2, WAIT);
    wall.advance(0.5 * HOUR);
    s.t.venue.housekeeping(wall.now()); // the first connection's 24 h: it is gone already
    assert.equal(s.t.venue.conns.size, 1, "the fresh connection is not cut");
  } finally {
    await s.end();
  }
  assert.deepEqual(s.lifecycle(), ["up", "down: connection age limit", "up", "down: stopped"]);
});

Deno.test("without our age limit the venue cuts at 24 h (1001): stream_down, then a fresh connection", async () => {
  const { manual, timers } = manualTimers();
  const wall = new ManualWall(1_000_000);
  const s = await start({ timers, venueWall: wall.now, maxConnectionMs: 48 * HOUR, pingEveryMs: 48 * HOUR });
  try {
    await waitFor("stream_up", () => s.ups() === 1, WAIT);
    wall.advance(24 * HOUR);
    s.t.venue.housekeeping(wall.now());
    await waitFor("stream_down", () => s.lifecycle().length === 2, WAIT);
    manual.advance(10); // the backoff
    await waitFor("second stream_up", () => s.ups() === 2, WAIT);
  } finally {
    await s.end();
  }
  assert.deepEqual(s.lifecycle(), ["up", "down: closed 1001", "up", "down: stopped"]);
});
