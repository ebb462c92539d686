import assert from "node:assert/strict";
import { feedGate } from "./feed_gate.ts";

Deno.test("feedGate: disconnected beats stale beats feed_not_ok; stale only strictly after the limit", () => {
  const v = { connected: true, lastSeenMs: 1000, feedOk: true };
  assert.deepEqual(feedGate(v, 31_000, 30_000), { ok: true, reason: "ok" });
  assert.deepEqual(feedGate(v, 31_001, 30_000), { ok: false, reason: "stale" });
  assert.deepEqual(feedGate({ ...v, feedOk: false }, 1000, 30_000), { ok: false, reason: "feed_not_ok" });
  assert.deepEqual(feedGate({ ...v, feedOk: false }, 99_000, 30_000), { ok: false, reason: "stale" });
  assert.deepEqual(feedGate({ ...v, connected: false, feedOk: false }, 99_000, 30_000), {
    ok: false,
    reason: "disconnected",
  });
});
