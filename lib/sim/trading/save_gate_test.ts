import assert from "node:assert/strict";
import { SaveGate } from "./save_gate.ts";

/** A save the test completes or fails by hand. */
function manualSaves() {
  const calls: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const save = () => new Promise<void>((resolve, reject) => calls.push({ resolve, reject }));
  return { calls, save };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

Deno.test("save gate: effects wait for the save that starts after them, in order; none without a state file", async () => {
  const ran: string[] = [];
  const none = new SaveGate(null);
  none.after(() => ran.push("at once"));
  assert.deepEqual(ran, ["at once"]);

  const { calls, save } = manualSaves();
  const g = new SaveGate(save);
  g.changed();
  g.after(() => ran.push("a"));
  g.after(() => ran.push("b"));
  const first = g.flush();
  g.after(() => ran.push("c (queued during the save)"));
  await settle();
  assert.equal(calls.length, 1);
  assert.deepEqual(ran, ["at once"], "nothing before the save completes");
  calls[0].resolve();
  await first;
  assert.deepEqual(ran, ["at once", "a", "b"], "c waits: it was queued after that save began");
  await g.flush(); // nothing changed since: released after the save in flight (none) without a new save
  assert.equal(calls.length, 1);
  assert.deepEqual(ran, ["at once", "a", "b", "c (queued during the save)"]);
});

Deno.test("save gate: a failed save keeps its effects and the change; the next successful save releases them", async () => {
  const ran: string[] = [];
  const { calls, save } = manualSaves();
  const g = new SaveGate(save);
  g.changed();
  g.after(() => ran.push("ack"));
  const failed = g.flush();
  await settle();
  calls[0].reject(new Error("disk full"));
  await assert.rejects(failed, /disk full/);
  assert.deepEqual(ran, [], "an ack the state file does not hold never leaves");
  const retry = g.flush(); // still dirty: saves again
  await settle();
  assert.equal(calls.length, 2);
  calls[1].resolve();
  await retry;
  assert.deepEqual(ran, ["ack"]);
});
