import assert from "node:assert/strict";
import { bestSample, offsetSample, VenueClock } from "./clock_offset.ts";

Deno.test("the offset is server time minus the local midpoint of the round trip", () => {
  assert.deepEqual(offsetSample(1000, 5050, 1100), { offsetMs: 4000, rttMs: 100, takenAtMs: 1100 });
  assert.deepEqual(offsetSample(1000, 900, 1010), { offsetMs: -105, rttMs: 10, takenAtMs: 1010 });
  assert.equal(
    bestSample([offsetSample(0, 10, 100), offsetSample(0, 7, 4), offsetSample(0, 9, 50)])?.offsetMs,
    5,
  );
  assert.equal(bestSample([]), null);
});

Deno.test("timestamps carry the offset; a sample goes stale with age or on invalidate", () => {
  const clock = new VenueClock(60_000);
  assert.equal(clock.stale(0), true);
  assert.equal(clock.timestamp(1000), 1000, "no sample: local time");
  clock.set(offsetSample(1000, 5050, 1100));
  assert.equal(clock.timestamp(2000), 6000);
  assert.equal(clock.stale(61_100), false);
  assert.equal(clock.stale(61_101), true);
  clock.invalidate();
  assert.equal(clock.stale(1200), true);
  assert.equal(clock.offsetMs, 0);
});
