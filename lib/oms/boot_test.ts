import assert from "node:assert/strict";
import { join } from "node:path";
import { ev, fillEv, intent, type Rec, U } from "../../testing/oms_records.ts";
import { OmsBook } from "./book.ts";
import { bootOms, runPath } from "./boot.ts";
import { EventLog } from "./event_log.ts";
import { REC } from "./records.ts";
import { PREVIOUS_FILE, saveSnapshot, SNAPSHOT_FILE } from "./snapshot.ts";

const opts = { now: () => 1_700_000_000_000 };

/** Appends a run's records as the loop would (each durable) and ends it cleanly or as a crash. */
async function writeRun(dir: string, run: number, recs: Rec[], end: "clean" | "crash"): Promise<EventLog> {
  const log = await EventLog.create(runPath(dir, run), opts);
  await log.append(REC.runStart, { runId: `r${run}`, tag: "rs01" });
  for (const r of recs) await log.append(r.type, r.data, r.corr ?? null);
  if (end === "clean") await log.close({ open: [] });
  else log.abandon();
  return log;
}

const RUN1: Rec[] = [
  intent("rs01-1", 1),
  ev("rs01-1", { kind: "submitted" }),
  ev("rs01-1", { kind: "accepted", venueOrderId: 11 }),
  fillEv("rs01-1", 1, U / 4),
  intent("rs01-2", 2, { side: "SELL", price: 130 * U }),
];
const RUN2: Rec[] = [
  ev("rs01-2", { kind: "submitted" }),
  ev("rs01-1", { kind: "cancel_requested" }),
  ev("rs01-1", { kind: "canceled" }),
  fillEv("rs01-1", 2, U / 4), // the fill that raced the cancel
  intent("rs01-3", 3),
  ev("rs01-3", { kind: "expired" }), // refused live and at replay: never submitted
];

async function withDir(body: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The book the live run had: the same records through a fresh book. */
function liveBook(...runs: Rec[][]): OmsBook {
  const b = new OmsBook();
  for (const recs of runs) for (const r of recs) b.apply(r);
  return b;
}

Deno.test("an empty state dir boots fresh, said so; nothing is read as a sound empty book", async () => {
  await withDir(async (dir) => {
    const r = await bootOms(dir);
    assert.deepEqual([r.classification, r.nextRun, r.runs, r.problems, r.last], ["fresh", 1, [], [], null]);
  });
});

Deno.test("clean, then a crash: the replayed book equals the live one; the refusal is reported", async () => {
  await withDir(async (dir) => {
    await writeRun(dir, 1, RUN1, "clean");
    const one = await bootOms(dir);
    assert.deepEqual([one.classification, one.nextRun], ["clean", 2]);
    await writeRun(dir, 2, RUN2, "crash");
    const r = await bootOms(dir);
    assert.equal(r.classification, "crashed_recovered");
    assert.deepEqual(r.book.toJSON(), liveBook(RUN1, RUN2).toJSON());
    assert.deepEqual(r.runs.map((x) => [x.run, x.status, x.records, x.applied, x.tornBytes]), [
      [1, "clean", 7, 7, 0],
      [2, "crashed_recovered", 7, 7, 0],
    ]);
    assert.deepEqual(r.refused, [{ run: 2, seq: 7, reason: "INITIALIZED -> expired is not a transition" }]);
    assert.deepEqual(r.book.order("rs01-1")?.state, "CANCELED");
    assert.deepEqual(r.book.position("BTCUSDT"), { qty: U / 2, cost: 50 * U, realized: 0 });
    assert.deepEqual(r.book.neverSent().map((o) => o.clientOrderId), ["rs01-3"]);
    assert.deepEqual([r.book.idCounter, r.nextRun, r.last?.run, r.last?.seq], [3, 3, 2, 7]);
  });
});

Deno.test("snapshot mid-run + the log tail after it == full replay; the previous copy is kept", async () => {
  await withDir(async (dir) => {
    await writeRun(dir, 1, RUN1, "clean");
    const end1 = await bootOms(dir);
    await saveSnapshot(dir, { ...end1.last!, savedAtMs: 1, book: end1.book.toJSON() });
    const log = await EventLog.create(runPath(dir, 2), opts);
    await log.append(REC.runStart, { runId: "r2", tag: "rs01" });
    for (const rec of RUN2.slice(0, 3)) await log.append(rec.type, rec.data, rec.corr);
    const mid = await bootOms(dir); // run 2 is still being written: its durable part is read
    assert.deepEqual([mid.snapshot, mid.last?.seq], [{ source: "current", run: 1, seq: 7 }, 4]);
    await saveSnapshot(dir, { ...mid.last!, savedAtMs: 2, book: mid.book.toJSON() });
    for (const rec of RUN2.slice(3)) await log.append(rec.type, rec.data, rec.corr);
    log.abandon();

    const fromSnap = await bootOms(dir);
    assert.deepEqual(fromSnap.snapshot, { source: "current", run: 2, seq: 4 });
    assert.deepEqual(fromSnap.runs.map((x) => [x.run, x.records, x.applied]), [[2, 7, 3]]);
    await Deno.rename(join(dir, SNAPSHOT_FILE), join(dir, "away.json"));
    const fromPrev = await bootOms(dir);
    assert.deepEqual(fromPrev.snapshot, { source: "previous", run: 1, seq: 7 });
    await Deno.rename(join(dir, PREVIOUS_FILE), join(dir, "away2.json"));
    const full = await bootOms(dir);
    assert.deepEqual(full.snapshot, { source: "none", run: 0, seq: 0 });
    for (const b of [fromSnap, fromPrev]) {
      assert.deepEqual(b.book.toJSON(), full.book.toJSON());
      assert.equal(b.classification, "crashed_recovered");
    }
    assert.deepEqual(full.book.toJSON(), liveBook(RUN1, RUN2).toJSON());
    assert.deepEqual(fromSnap.refused, full.refused);
  });
});

Deno.test("a torn last line is cut from the file and reported; the run is crashed_recovered", async () => {
  await withDir(async (dir) => {
    await writeRun(dir, 1, RUN1, "crash");
    const path = runPath(dir, 1);
    const whole = (await Deno.stat(path)).size;
    await Deno.writeTextFile(path, '{"seq":7,"type":"order_ev', { append: true });
    const r = await bootOms(dir);
    assert.deepEqual([r.classification, r.runs[0].status, r.runs[0].tornBytes, r.runs[0].records], [
      "crashed_recovered",
      "crashed_recovered",
      25,
      6,
    ]);
    assert.equal((await Deno.stat(path)).size, whole, "the torn bytes are cut");
    assert.deepEqual(r.book.toJSON(), liveBook(RUN1).toJSON());
    const again = await bootOms(dir);
    assert.deepEqual([again.classification, again.runs[0].tornBytes], ["crashed_recovered", 0]);
  });
});

Deno.test("a flipped byte mid-log or a sequence gap quarantines the boot; the file is left as found", async () => {
  await withDir(async (dir) => {
    await writeRun(dir, 1, RUN1, "clean");
    const path = runPath(dir, 1);
    const bytes = await Deno.readFile(path);
    const lines = new TextDecoder().decode(bytes).split("\n");
    const at = lines.slice(0, 3).join("\n").length + 1 + lines[3].indexOf('"venueOrderId":11') + 16;
    bytes[at] = "2".charCodeAt(0);
    await Deno.writeFile(path, bytes);
    const r = await bootOms(dir);
    assert.deepEqual([r.classification, r.runs[0].status, r.runs[0].problem, r.runs[0].records], [
      "quarantined",
      "quarantined",
      "line 4: hash mismatch at seq 4",
      3,
    ]);
    assert.deepEqual(await Deno.readFile(path), bytes);
    await Deno.writeTextFile(path, [...lines.slice(0, 2), ...lines.slice(3)].join("\n"));
    const gap = await bootOms(dir);
    assert.deepEqual([gap.classification, gap.runs[0].problem], [
      "quarantined",
      "line 3: sequence gap: expected 3, found 4",
    ]);
  });
});

Deno.test("quarantined too: a missing run, a log that does not start at run 1, a snapshot the log contradicts", async () => {
  await withDir(async (dir) => {
    await writeRun(dir, 1, RUN1, "clean");
    await writeRun(dir, 3, [], "clean");
    const r = await bootOms(dir);
    assert.deepEqual([r.classification, r.runs.map((x) => [x.run, x.status]), r.nextRun], [
      "quarantined",
      [[1, "clean"], [2, "missing"], [3, "clean"]],
      4,
    ]);
    await Deno.remove(runPath(dir, 1));
    const late = await bootOms(dir);
    assert.deepEqual([late.classification, late.problems], [
      "quarantined",
      ["no snapshot, and the log starts at run 3: runs before it are lost"],
    ]);
  });
  await withDir(async (dir) => {
    await writeRun(dir, 1, RUN1, "clean");
    await saveSnapshot(dir, {
      run: 1,
      seq: 3,
      hash: "f".repeat(64),
      savedAtMs: 1,
      book: new OmsBook().toJSON(),
    });
    const r = await bootOms(dir);
    assert.deepEqual([r.classification, r.problems], [
      "quarantined",
      ["snapshot at run 1 seq 3 does not match the log (7 records)"],
    ]);
  });
});

Deno.test("a corrupt current snapshot is reported and the previous copy loads", async () => {
  await withDir(async (dir) => {
    await writeRun(dir, 1, RUN1, "clean");
    const b = await bootOms(dir);
    await saveSnapshot(dir, { ...b.last!, savedAtMs: 1, book: b.book.toJSON() });
    await saveSnapshot(dir, { ...b.last!, savedAtMs: 2, book: b.book.toJSON() });
    const cur = join(dir, SNAPSHOT_FILE);
    await Deno.writeTextFile(cur, (await Deno.readTextFile(cur)).replace('"savedAtMs":2', '"savedAtMs":3'));
    const r = await bootOms(dir);
    assert.deepEqual([r.classification, r.snapshot.source, r.problems], [
      "crashed_recovered",
      "previous",
      ["snapshot.json: checksum mismatch"],
    ]);
    assert.deepEqual(r.book.toJSON(), b.book.toJSON());
    // A corrupt current file is not rotated over the good previous copy.
    await saveSnapshot(dir, { ...b.last!, savedAtMs: 4, book: b.book.toJSON() });
    const prev = JSON.parse(await Deno.readTextFile(join(dir, PREVIOUS_FILE)));
    assert.equal(prev.snapshot.savedAtMs, 1);
  });
});
