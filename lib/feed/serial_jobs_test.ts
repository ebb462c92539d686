import assert from "node:assert/strict";
import { SerialJobs } from "./serial_jobs.ts";

Deno.test("jobs run one at a time in order; a failing one is reported and the next still runs", async () => {
  const errors: string[] = [];
  const q = new SerialJobs((err) => errors.push(String(err)));
  const log: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  q.push(async () => {
    log.push("1 start");
    await gate;
    log.push("1 end");
  });
  q.push(() => Promise.reject(new Error("boom")));
  q.push(() => {
    log.push("3");
    return Promise.resolve();
  });
  assert.equal(q.backlog, 3);
  await Promise.resolve();
  assert.deepEqual(log, ["1 start"], "the second job waits for the first");
  release();
  await q.drain();
  assert.deepEqual(log, ["1 start", "1 end", "3"]);
  assert.deepEqual(errors, ["Error: boom"]);
  assert.equal(q.backlog, 0);
});
