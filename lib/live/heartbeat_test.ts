// The venue's heartbeat age (/health's dependency:<venue>, live_loop_venue_heartbeat_age_seconds) is the
// time since the venue last proved alive: a quiet but healthy user stream answers the connector's ping
// every 30 s, and that answer resets the age; without it a quiet stream would look stale. Venue simulator
// over loopback; the sim's clock and the stream's timers move only when the test moves them.
import assert from "node:assert/strict";
import { startLoopRig } from "../../testing/live_loop.ts";

Deno.test("heartbeat: a ping answered on a quiet stream resets the venue's heartbeat age; time without one ages it", async () => {
  const r = await startLoopRig();
  try {
    const loop = r.make();
    assert.equal((await loop.start()).status, "ready");
    await r.pump("stream up", () => loop.snapshot().stream.state === "up");
    await r.step(loop, 20_000); // no event, no ping yet (every 30 s)
    assert.equal(loop.snapshot().stream.heartbeatAgeMs, 20_000);
    await r.step(loop, 10_000); // the ping at 30 s (its answer is due within 10 s)
    await r.pump("the ping answered", () => loop.snapshot().stream.heartbeatAgeMs === 0);
    await r.step(loop, 10_000);
    const v = loop.snapshot().stream;
    assert.deepEqual([v.state, v.heartbeatAgeMs, v.reconnects], ["up", 10_000, 0]);
  } finally {
    await r.close();
  }
});
