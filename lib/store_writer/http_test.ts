import assert from "node:assert/strict";
import { writerHandler, writerHealth, writerMetrics } from "./http.ts";
import type { WriterStats } from "./writer.ts";

const S: WriterStats = {
  appliedSeq: 40,
  streamLastSeq: 50,
  rows: 38,
  batches: 4,
  badMessages: 2,
  writeErrors: 0,
  failing: false,
  lastError: null,
  started: true,
};

Deno.test("writer /health: 503 starting, 200 ok with the lag, 503 while a write is retried", () => {
  assert.deepEqual(writerHealth(null), { code: 503, body: { status: "starting" } });
  const ok = writerHealth(S);
  assert.deepEqual([ok.code, ok.body.status, ok.body.lag], [200, "ok", 10]);
  const bad = writerHealth({ ...S, failing: true, lastError: "connection refused" });
  assert.deepEqual([bad.code, bad.body.status, bad.body.lastError], [503, "failing", "connection refused"]);
});

Deno.test("writer /metrics before the writer exists; GET only", async () => {
  const h = writerHandler(() => null, writerMetrics(() => null));
  const m = await h(new Request("http://x/metrics"));
  assert.equal(m.status, 200);
  assert.match(await m.text(), /^# TYPE store_writer_batch_seconds histogram$/m);
  assert.equal((await h(new Request("http://x/health"))).status, 503);
  assert.equal((await h(new Request("http://x/metrics", { method: "POST" }))).status, 405);
});
