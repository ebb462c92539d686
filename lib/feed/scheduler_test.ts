import assert from "node:assert/strict";
import { ManualTimers } from "../../testing/manual_timers.ts";
import { Scheduler } from "./scheduler.ts";

Deno.test("periodic jobs run once per period of driven time; a throwing job is reported and runs again", () => {
  const timers = new ManualTimers();
  const errors: string[] = [];
  const s = new Scheduler((err) => errors.push(String(err)), timers);
  const runs: string[] = [];
  s.every(200, () => runs.push(`a@${timers.nowMs}`));
  s.every(500, () => {
    runs.push(`b@${timers.nowMs}`);
    throw new Error("boom");
  });
  timers.advance(199);
  assert.deepEqual(runs, []);
  timers.advance(901); // to 1100
  assert.deepEqual(runs, ["a@200", "a@400", "b@500", "a@600", "a@800", "a@1000", "b@1000"]);
  assert.deepEqual(errors, ["Error: boom", "Error: boom"]);
  assert.equal(s.active, 2);
});

Deno.test("a one-shot fires once unless cancelled; stop() clears periodic jobs and pending one-shots", () => {
  const timers = new ManualTimers();
  const s = new Scheduler((err) => assert.fail(String(err)), timers);
  const fired: string[] = [];
  s.after(5_000, () => fired.push("cutoff"));
  const cancel = s.after(1_000, () => fired.push("cancelled"));
  s.every(100, () => fired.push("tick"));
  cancel();
  cancel(); // twice is harmless
  assert.equal(s.active, 2);
  timers.advance(250);
  assert.deepEqual(fired, ["tick", "tick"]);
  timers.advance(5_000);
  assert.equal(fired.filter((f) => f === "cutoff").length, 1);
  assert.ok(!fired.includes("cancelled"));
  assert.equal(s.active, 1, "the fired one-shot is forgotten");
  s.after(1_000, () => fired.push("late"));
  s.stop();
  assert.equal(s.active, 0);
  assert.equal(timers.size, 0, "every timer handed back to the source");
  const before = fired.length;
  timers.advance(10_000);
  assert.equal(fired.length, before);
});
