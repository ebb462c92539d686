import assert from "node:assert/strict";
import { join } from "node:path";
import { GatedFile } from "../../testing/gated_file.ts";
import { waitFor } from "../async/poll.ts";
import { EventLog } from "./event_log.ts";
import { readLog } from "./log_record.ts";

const dec = new TextDecoder();
let clock = 0;
const opts = { now: () => ++clock };

Deno.test("group commit: 50 appends of one tick share one write and one sync, none durable before it", async () => {
  const f = new GatedFile({ hold: true });
  const syncs: number[] = [];
  const log = new EventLog("mem", f, { ...opts, onSync: (_ms, n) => void syncs.push(n) });
  let resolved = 0;
  const all = Array.from({ length: 50 }, (_, i) =>
    log.append("order_intent", { i }, `c-${i}`).then((r) => {
      resolved++;
      return r;
    }));
  await waitFor("a sync to start", () => f.waiting > 0, { everyMs: 1 });
  assert.deepEqual([f.writes.length, f.syncs, resolved, log.durableSeq, log.lastSeq], [1, 1, 0, 0, 50]);
  f.release();
  const recs = await Promise.all(all);
  assert.deepEqual(recs.map((r) => r.seq), Array.from({ length: 50 }, (_, i) => i + 1));
  assert.deepEqual([f.writes.length, f.synced, log.durableSeq, syncs], [1, 1, 50, [50]]);
  assert.equal(dec.decode(f.bytes()).split("\n").length, 51);
});

Deno.test("appends made while a sync runs wait for the next one: 1 + 9 records, two syncs", async () => {
  const f = new GatedFile({ hold: true });
  const log = new EventLog("mem", f, opts);
  const first = log.append("a", 0);
  await waitFor("the first sync to start", () => f.waiting > 0, { everyMs: 1 });
  const more = Array.from({ length: 9 }, (_, i) => log.append("b", i + 1));
  f.release();
  assert.equal((await first).seq, 1);
  assert.equal(log.durableSeq, 1, "the nine are not durable yet");
  await waitFor("the second sync to start", () => f.waiting > 0, { everyMs: 1 });
  f.release();
  assert.deepEqual((await Promise.all(more)).map((r) => r.seq), [2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual([f.writes.length, f.syncs], [2, 2]);
  assert.equal(readLog(f.bytes()).status, "crashed_recovered");
});

Deno.test("a failed sync fails the log: its group and every later append reject with that error", async () => {
  const f = new GatedFile();
  f.failNext = new Error("EIO");
  const log = new EventLog("mem", f, opts);
  const a = log.append("a", 1), b = log.append("b", 2);
  await assert.rejects(a, /EIO/);
  await assert.rejects(b, /EIO/);
  await assert.rejects(log.append("c", 3), /EIO/);
  assert.equal(log.failed?.message, "EIO");
  assert.equal(log.durableSeq, 0);
});

Deno.test("close appends the clean-end marker and closes; the log reads clean; later appends refused", async () => {
  const f = new GatedFile();
  const log = new EventLog("mem", f, opts);
  await log.append("run_start", { runId: "r1" });
  const end = await log.close({ open: [] });
  assert.deepEqual([end.seq, end.type, f.closed], [2, "run_end", true]);
  await assert.rejects(log.append("x", 1), /event log is closed/);
  const r = readLog(f.bytes());
  assert.deepEqual([r.status, r.records.map((x) => x.type)], ["clean", ["run_start", "run_end"]]);
});

Deno.test("on disk: create refuses an existing run file; what was appended reads back whole", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const p = join(dir, "log", "run-000001.jsonl");
    const log = await EventLog.create(p, opts);
    await Promise.all([log.append("run_start", {}), log.append("order_intent", { id: "a" }, "c-9")]);
    assert.ok(log.lastSyncAtMs !== null);
    await log.close();
    const r = readLog(await Deno.readFile(p));
    assert.deepEqual([r.status, r.records.map((x) => [x.seq, x.type, x.corr])], [
      "clean",
      [[1, "run_start", null], [2, "order_intent", "c-9"], [3, "run_end", null]],
    ]);
    await assert.rejects(EventLog.create(p, opts), Deno.errors.AlreadyExists);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("durable: false resolves once written, never before an earlier record, and rides on the next sync", async () => {
  const f = new GatedFile({ hold: true });
  const syncs: number[] = [];
  const log = new EventLog("mem", f, { ...opts, onSync: (_ms, n) => void syncs.push(n) });
  const order: string[] = [];
  const track = (p: Promise<{ seq: number }>, name: string) =>
    p.then((r) => void order.push(`${name}${r.seq}`));
  // Alone in its group: written and resolved, no sync of its own.
  await track(log.append("ack", 1, null, { durable: false }), "ack");
  assert.deepEqual([order, log.durableSeq, f.writes.length, f.syncs], [["ack1"], 0, 1, 0]);
  // Behind a durable record: waits for that record's sync, then resolves in seq order.
  const intent = track(log.append("intent", 2), "intent");
  const dup = track(log.append("dup", 3, null, { durable: false }), "dup");
  await waitFor("the intent's sync", () => f.waiting > 0, { everyMs: 1 });
  assert.deepEqual([order, log.durableSeq], [["ack1"], 0]);
  f.release();
  await Promise.all([intent, dup]);
  assert.deepEqual([order, log.durableSeq, f.synced, syncs], [["ack1", "intent2", "dup3"], 3, 1, [3]]);
  // settled() makes a trailing early record durable by a sync of its own.
  await log.append("ack", 4, null, { durable: false });
  const settled = log.settled();
  await waitFor("settled's sync", () => f.waiting > 0, { everyMs: 1 });
  f.release();
  await settled;
  assert.deepEqual([log.durableSeq, f.synced, syncs], [4, 2, [3, 1]]);
});

Deno.test("durable: false records resolved before a failed sync stay resolved; the rest reject", async () => {
  const f = new GatedFile();
  f.failNext = new Error("EIO");
  const log = new EventLog("mem", f, opts);
  const early = log.append("ack", 1, null, { durable: false });
  const late = log.append("fill", 2);
  assert.equal((await early).seq, 1);
  await assert.rejects(late, /EIO/);
  assert.equal(log.failed?.message, "EIO");
});
