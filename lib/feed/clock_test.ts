// Following the simulator's clock over real HTTP: drift within the bound is absorbed (the clock never
// goes back within a timeline), a restart's jump either way is reported once, a failed sync counted.
import assert from "node:assert/strict";
import { ManualWall, SimClock } from "../sim/clock.ts";
import { simClock } from "./clock.ts";

/** GET /sim/clock answered from whichever SimClock `current` holds (a "restart" swaps it). */
function clockServer(first: SimClock) {
  const box = { current: first, down: false };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    if (box.down) return new Response("down", { status: 503 });
    return Response.json(box.current.state());
  });
  return { box, url: `http://127.0.0.1:${server.addr.port}/sim/clock`, close: () => server.shutdown() };
}

Deno.test("followed sim clock: drift absorbed, jumps back and forth reported, failures counted", async () => {
  const wall = new ManualWall(1_000_000);
  const sim = (startSimMs: number, speed = 60) => new SimClock({ startSimMs, speed, wallNow: wall.now });
  const srv = clockServer(sim(50_000_000));
  try {
    const clock = await simClock(srv.url, fetch, wall.now, 2000);
    assert.equal(clock.now(), 50_000_000);
    wall.advance(1000);
    assert.equal(clock.now(), 50_060_000, "extrapolated at 60x");

    // The simulator is 1.5 s (wall) behind our estimate: drift, not a jump; now() waits, never goes back.
    srv.box.current = sim(50_060_000 - 90_000);
    assert.equal(await clock.sync(), null);
    assert.equal(clock.now(), 50_060_000);
    wall.advance(2000);
    assert.equal(clock.now(), 50_090_000, "follows the venue again once it caught up");

    // Restarted 7 h behind: one backward jump, and the clock goes back once.
    srv.box.current = sim(50_000_000 - 7 * 3_600_000);
    const back = await clock.sync();
    assert.deepEqual(back && [back.direction, back.fromMs, back.toMs], ["backward", 50_090_000, 24_800_000]);
    assert.equal(clock.now(), 24_800_000);

    // Restarted ahead, at another speed: a forward jump.
    srv.box.current = sim(90_000_000, 1);
    const fwd = await clock.sync();
    assert.deepEqual(fwd && [fwd.direction, fwd.speedFrom, fwd.speedTo], ["forward", 60, 1]);
    assert.equal(clock.speed, 1);

    srv.box.down = true;
    await assert.rejects(clock.sync(), /HTTP 503/);
    assert.deepEqual([clock.jumps, clock.syncs, clock.syncFailures], [{ backward: 1, forward: 1 }, 3, 1]);
  } finally {
    await srv.close();
  }
});
