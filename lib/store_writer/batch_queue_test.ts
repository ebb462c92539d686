import assert from "node:assert/strict";
import { ManualTimers } from "../../testing/manual_timers.ts";
import type { Timers } from "../async/sleep.ts";
import { BatchQueue } from "./batch_queue.ts";

Deno.test("BatchQueue: a full batch at once; a partial one when the wait ends; null after the end", async () => {
  const timers = new ManualTimers();
  // ManualTimers hands out numbers for ids; the queue only passes them back.
  const q = new BatchQueue<number>(10, timers as unknown as Timers);
  for (const i of [1, 2, 3]) q.pushNow(i);
  assert.deepEqual(await q.take(2, 1000), [1, 2]);
  const partial = q.take(5, 1000);
  await Promise.resolve();
  timers.advance(1000);
  assert.deepEqual(await partial, [3]);
  q.pushNow(4);
  q.end();
  assert.deepEqual(await q.take(5, 1000), [4]);
  assert.equal(await q.take(5, 1000), null);
});

Deno.test("BatchQueue: push waits while full; the signal ends a wait with []; an error ends the taker", async () => {
  const q = new BatchQueue<number>(2);
  await q.push(1);
  await q.push(2);
  let third = false;
  const p = q.push(3).then(() => (third = true));
  await Promise.resolve();
  assert.equal(third, false);
  assert.deepEqual(await q.take(2, 0), [1, 2]);
  await p;
  assert.deepEqual(await q.take(2, 0), [3]);
  const ctrl = new AbortController();
  const waiting = q.take(2, 0, ctrl.signal);
  ctrl.abort();
  assert.deepEqual(await waiting, []);
  q.end(new Error("bus gone"));
  await assert.rejects(q.take(2, 0), /bus gone/);
});
