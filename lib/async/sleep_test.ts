import assert from "node:assert/strict";
import { sleep, type Timers } from "./sleep.ts";

/** Timers the test fires by hand: no wall time passes. */
function manualTimers() {
  type Id = ReturnType<Timers["setTimeout"]>;
  const pending = new Map<Id, () => void>();
  let next = 1;
  const timers: Timers = {
    setTimeout: (fn, _ms) => {
      const id = next++ as unknown as Id;
      pending.set(id, fn);
      return id;
    },
    clearTimeout: (id) => void pending.delete(id),
  };
  return { timers, pending, fireAll: () => [...pending.values()].forEach((fn) => fn()) };
}

Deno.test("sleep resolves when its timer fires and clears nothing else", async () => {
  const m = manualTimers();
  let done = false;
  const p = sleep(1000, undefined, m.timers).then(() => done = true);
  assert.equal(m.pending.size, 1);
  await Promise.resolve();
  assert.equal(done, false);
  m.fireAll();
  await p;
  assert.equal(done, true);
  assert.equal(m.pending.size, 0);
});

Deno.test("sleep resolves (never rejects) as soon as the signal aborts and leaves no timer behind", async () => {
  const m = manualTimers();
  const c = new AbortController();
  const p = sleep(3_600_000, c.signal, m.timers);
  c.abort(new Error("stop"));
  await p;
  assert.equal(m.pending.size, 0, "the timer was cleared");
});

Deno.test("sleep on an already aborted signal resolves at once without a timer", async () => {
  const m = manualTimers();
  await sleep(3_600_000, AbortSignal.abort(), m.timers);
  assert.equal(m.pending.size, 0);
  // The real timers too: an hour-long sleep that returns means it never started one (Deno's leak check).
  await sleep(3_600_000, AbortSignal.abort());
});
