import assert from "node:assert/strict";
import { ManualWall, minuteAligned, rfc3339Micros, rfc3339Nanos, SimClock } from "./clock.ts";

Deno.test("SimClock runs speed x wall time from the simulated start", () => {
  const wall = new ManualWall(5_000);
  const clock = new SimClock({ startSimMs: 1_000_000, speed: 60, wallNow: wall.now });
  assert.equal(clock.nowMs(), 1_000_000);
  wall.advance(1_000);
  assert.deepEqual(clock.state(), {
    simNowMs: 1_060_000,
    speed: 60,
    wallNowMs: 6_000,
    startSimMs: 1_000_000,
  });
  assert.equal(clock.simAt(4_000), 1_000_000); // never before the start
  assert.throws(() => new SimClock({ startSimMs: 0, speed: 0 }), RangeError);
});

Deno.test("time formats: minute alignment and RFC 3339 with µs / ns", () => {
  assert.equal(minuteAligned(1_767_225_659_999), 1_767_225_600_000);
  assert.equal(rfc3339Micros(1_767_225_600_123), "2026-01-01T00:00:00.123000Z");
  assert.equal(rfc3339Nanos(1_767_225_600_000), "2026-01-01T00:00:00.000000000Z");
});
