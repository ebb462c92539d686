import assert from "node:assert/strict";
import { type Clock, pollUntil, waitFor, waitForValue, withDeadline } from "./poll.ts";

/** A clock that only moves when slept on: no wall time passes in these tests. */
function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

Deno.test("pollUntil returns the first defined value and stops at the deadline", async () => {
  const clock = fakeClock();
  let n = 0;
  assert.equal(await pollUntil(() => Promise.resolve(++n === 3 ? "x" : undefined), 1000, 100, clock), "x");
  assert.deepEqual(clock.slept, [100, 100]);
  const late = fakeClock();
  assert.equal(await pollUntil(() => Promise.resolve(undefined), 250, 100, late), undefined);
  assert.deepEqual(late.slept, [100, 100, 50], "the last sleep ends at the deadline");
});

Deno.test("waitFor and waitForValue name what they waited for when the deadline passes", async () => {
  await assert.rejects(
    waitFor("the moon", () => false, { timeoutMs: 60, everyMs: 20, clock: fakeClock() }),
    { message: "timed out after 60 ms waiting for the moon" },
  );
  await assert.rejects(
    waitForValue("a value", () => undefined, { timeoutMs: 5, clock: fakeClock() }),
    { message: "timed out after 5 ms waiting for a value" },
  );
  let calls = 0;
  await waitFor("three calls", () => ++calls === 3, { clock: fakeClock() });
  assert.equal(calls, 3);
  assert.equal(await waitForValue("zero", () => 0, { clock: fakeClock() }), 0, "0 is a value");
});

Deno.test("withDeadline passes a settled promise through and names what never settled", async () => {
  assert.equal(await withDeadline("a number", Promise.resolve(7), 1000), 7);
  await assert.rejects(withDeadline("a failure", Promise.reject(new Error("boom")), 1000), {
    message: "boom",
  });
  await assert.rejects(withDeadline("forever", new Promise(() => {}), 1), {
    message: "timed out after 1 ms waiting for forever",
  });
});
