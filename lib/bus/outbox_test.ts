// The outbox against a send function the test drives: ordered delivery, resends of the same message
// after failures, a refusal when full that is counted, definite refusals that do not block the queue,
// and a close that reports what it could not send.
import assert from "node:assert/strict";
import { waitFor } from "../async/poll.ts";
import { Outbox, OutboxClosedError, OutboxFullError } from "./outbox.ts";

const retry = { baseMs: 1, maxMs: 2, jitter: "none" as const };

/** A send that fails while `down` is set and records every attempt. */
function flakySend() {
  const attempts: string[] = [];
  const state = { down: false };
  const send = (m: string) => {
    attempts.push(m);
    return state.down ? Promise.reject(new Error("no ack")) : Promise.resolve(`ack:${m}`);
  };
  return { attempts, state, send };
}

Deno.test("outbox: sends in order; a failed send is sent again, the same message, until taken", async () => {
  const t = flakySend();
  t.state.down = true;
  const retries: number[] = [];
  const box = new Outbox(t.send, { capacity: 10, retry, onRetry: (_e, n) => retries.push(n) });
  const a = box.publish("a"), b = box.publish("b");
  assert.equal(box.depth, 2);
  await waitFor("three failed attempts of a", () => t.attempts.length >= 3);
  t.state.down = false;
  assert.deepEqual([await a, await b], ["ack:a", "ack:b"]);
  assert.deepEqual(new Set(t.attempts.slice(0, -1)), new Set(["a"]), "b waits until a is taken");
  assert.equal(t.attempts.at(-1), "b");
  const s = box.stats();
  assert.deepEqual({ ...s, retries: 0 }, {
    depth: 0,
    full: 0,
    retries: 0,
    acked: 2,
    rejected: 0,
    abandoned: 0,
  });
  assert.equal(s.retries, t.attempts.length - 2);
  assert.deepEqual(retries, Array.from({ length: s.retries }, (_, i) => i + 1));
  await box.close();
});

Deno.test("outbox: a full outbox refuses the publish at once and counts it; nothing queued is lost", async () => {
  const t = flakySend();
  t.state.down = true;
  const box = new Outbox(t.send, { capacity: 2, retry });
  const a = box.publish("a"), b = box.publish("b");
  await assert.rejects(box.publish("c"), OutboxFullError);
  await assert.rejects(box.publish("d"), {
    name: "OutboxFullError",
    message: /full \(2 publishes waiting\)/,
  });
  assert.deepEqual([box.depth, box.stats().full], [2, 2]);
  t.state.down = false;
  assert.deepEqual([await a, await b], ["ack:a", "ack:b"]);
  assert.equal(await box.publish("e"), "ack:e", "room again once drained");
  assert.equal(t.attempts.includes("c") || t.attempts.includes("d"), false);
  await box.close();
});

Deno.test("outbox: a definite refusal fails that publish alone and the queue moves on", async () => {
  const box = new Outbox(
    (m: string) => m === "bad" ? Promise.reject(new RangeError("too large")) : Promise.resolve(m),
    { capacity: 5, retry, retryable: (e) => !(e instanceof RangeError) },
  );
  const bad = box.publish("bad"), good = box.publish("good");
  await assert.rejects(bad, RangeError);
  assert.equal(await good, "good");
  assert.deepEqual({ ...box.stats() }, {
    depth: 0,
    full: 0,
    retries: 0,
    acked: 1,
    rejected: 1,
    abandoned: 0,
  });
  await box.close();
});

Deno.test("outbox: close drains what it can, then rejects the rest as abandoned and refuses new publishes", async () => {
  const t = flakySend();
  const box = new Outbox(t.send, { capacity: 5, retry });
  assert.equal(await box.publish("a"), "ack:a");
  t.state.down = true;
  const b = box.publish("b");
  const closed = box.close(50);
  await assert.rejects(b, {
    name: "OutboxClosedError",
    message: "bus outbox closed with 1 publishes unsent",
  });
  assert.equal(await closed, 1);
  await assert.rejects(box.publish("c"), OutboxClosedError);
  assert.equal(box.stats().abandoned, 1);
});

Deno.test("outbox: a publish made from an ack's continuation is still sent (the worker never stalls)", async () => {
  const box = new Outbox((m: number) => Promise.resolve(m), { capacity: 1, retry });
  let n = 0;
  for (let i = 0; i < 100; i++) n += await box.publish(1);
  assert.equal(n, 100);
  assert.throws(() => new Outbox((m: number) => Promise.resolve(m), { capacity: 0, retry }), RangeError);
  await box.close();
});
