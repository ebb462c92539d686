import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { writeStateDir } from "../../testing/backup_fixture.ts";
import { bootOms, runPath } from "../oms/boot.ts";
import { EventLog } from "../oms/event_log.ts";
import { copyStateDir, replayState, summarizeLog } from "./state_copy.ts";

async function withDirs(body: (live: string, copy: string) => Promise<void>) {
  const root = await Deno.makeTempDir();
  try {
    await body(join(root, "live"), join(root, "copy"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("state dir copy: the log ends at its last whole record, the chain verifies, the copy boots to the live book", async () => {
  await withDirs(async (live, copy) => {
    await writeStateDir(live);
    const liveBytes = await Deno.readFile(runPath(live, 2));
    await Deno.writeTextFile(join(live, ".0f0f.tmp"), "half of an atomic write"); // never copied
    const c = await copyStateDir(live, copy);
    assert.equal(c.files, 4); // snapshot.json, kill_switch.json and two run logs
    assert.deepEqual(c.eventLog.runs.map((r) => [r.run, r.records, r.status, r.cut_bytes]), [
      [1, 6, "clean", 0],
      [2, 3, "crashed_recovered", 25],
    ]);
    const copied = await Deno.readFile(runPath(copy, 2));
    assert.equal(copied.length, liveBytes.length - 25);
    assert.deepEqual(copied, liveBytes.subarray(0, copied.length));
    await assert.rejects(Deno.stat(join(copy, ".0f0f.tmp")), Deno.errors.NotFound);
    // The copy replays to the book the live dir boots to (boot of a second copy: it cuts torn tails).
    const again = join(copy, "..", "again");
    await copyStateDir(live, again);
    const want = await bootOms(again);
    const got = await replayState(copy);
    assert.deepEqual(got.last, want.last);
    const book = JSON.stringify(want.book.toJSON());
    assert.equal(got.book_sha256, createHash("sha256").update(book).digest("hex"));
    assert.equal(got.orders, 2);
    assert.equal(got.classification, "crashed_recovered");
    assert.deepEqual((await summarizeLog(copy)).last, want.last);
    // The live dir itself was left as it was (the torn tail is the loop's to cut at its next boot).
    assert.deepEqual(await Deno.readFile(runPath(live, 2)), liveBytes);
  });
});

Deno.test("state dir copy: a live log whose chain is broken is refused, naming its file", async () => {
  await withDirs(async (live, copy) => {
    await writeStateDir(live);
    const text = await Deno.readTextFile(runPath(live, 1));
    await Deno.writeTextFile(runPath(live, 1), text.replace('"venueOrderId":11', '"venueOrderId":12'));
    await assert.rejects(
      copyStateDir(live, copy),
      (err: Error) =>
        err.message.includes("run-000001.jsonl: the event log does not verify (line 4: hash mismatch"),
    );
  });
});

Deno.test("state dir copy while the log is being appended to: every copy verifies and is a prefix of the log", async () => {
  await withDirs(async (live, copy) => {
    const log = await EventLog.create(runPath(live, 1), { now: () => 1 });
    let appending = true;
    const writer = (async () => {
      for (let i = 0; appending && i < 5000; i++) {
        await log.append("note", { i, pad: "x".repeat(i % 200) }, null, { durable: i % 10 === 0 });
      }
      await log.settled();
    })();
    const counts: number[] = [];
    for (let k = 0; k < 4; k++) {
      const c = await copyStateDir(live, `${copy}_${k}`);
      assert.equal(c.eventLog.runs.length, 1);
      assert.notEqual(c.eventLog.runs[0].status, "quarantined");
      counts.push(c.eventLog.records);
      const copied = await Deno.readFile(runPath(`${copy}_${k}`, 1));
      assert.deepEqual(copied, (await Deno.readFile(runPath(live, 1))).subarray(0, copied.length));
    }
    appending = false;
    await writer;
    log.abandon();
    assert.deepEqual(counts, [...counts].sort((a, b) => a - b), "later copies hold at least as much");
  });
});
