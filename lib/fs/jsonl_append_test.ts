import assert from "node:assert/strict";
import { join } from "node:path";
import { withDeadline } from "../async/poll.ts";
import { type AppendFile, appendJsonl, JsonlAppender, ShortWriteError } from "./jsonl_append.ts";

const dec = new TextDecoder();

/** An in-memory file that takes at most `limit` bytes per write (to provoke a short write). */
function memFile(limit = Infinity) {
  const writes: string[] = [];
  const calls: string[] = [];
  const file: AppendFile = {
    writeSync(p) {
      const n = Math.min(p.length, limit);
      writes.push(dec.decode(p.subarray(0, n)));
      return n;
    },
    syncSync: () => void calls.push("fsync"),
    syncDataSync: () => void calls.push("fdatasync"),
    close: () => void calls.push("close"),
  };
  return { file, writes, calls };
}

Deno.test("append: one record, one line, one write; a batch is whole lines in one write", () => {
  const m = memFile();
  const a = new JsonlAppender("mem", m.file);
  a.append({ a: 1, s: "x\ny" });
  a.appendBatch([{ b: 2 }, [3], "s"]);
  a.appendBatch([]);
  assert.deepEqual(m.writes, ['{"a":1,"s":"x\\ny"}\n', '{"b":2}\n[3]\n"s"\n']);
  assert.throws(() => a.append(undefined), TypeError);
  a.close("data");
  a.close("all");
  assert.deepEqual(m.calls, ["fdatasync", "close"], "closed once, after the sync asked for");
  assert.throws(() => a.append({}), /appender is closed/);
});

Deno.test("a short write throws ShortWriteError and is never finished by a second write", () => {
  const m = memFile(5);
  const a = new JsonlAppender("short.jsonl", m.file);
  assert.throws(() => a.append({ long: "record" }), (err) => {
    assert.ok(err instanceof ShortWriteError);
    assert.equal(err.message, "short write to short.jsonl: 5 of 18 bytes");
    assert.deepEqual([err.wrote, err.of], [5, 18]);
    return true;
  });
  assert.deepEqual(m.writes, ['{"lon'], "one write call only");
});

Deno.test("appendJsonl creates and appends to a real file, byte for byte", async () => {
  const dir = await Deno.makeTempDir({ prefix: "jsonl_append_test_" });
  try {
    const path = join(dir, "x.jsonl");
    await appendJsonl(path, [{ ts: 1, type: "decision" }]);
    await appendJsonl(path, [{ ts: 2 }, { ts: 3 }]);
    assert.equal(await Deno.readTextFile(path), '{"ts":1,"type":"decision"}\n{"ts":2}\n{"ts":3}\n');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("two appenders on one file: separate opens never overwrite each other", async () => {
  const dir = await Deno.makeTempDir({ prefix: "jsonl_append_test_" });
  try {
    const path = join(dir, "x.jsonl");
    const a = JsonlAppender.openSync(path), b = JsonlAppender.openSync(path);
    for (let i = 0; i < 3; i++) (a.append({ a: i }), b.append({ b: i }));
    a.close();
    b.close("all");
    const want = '{"a":0}\n{"b":0}\n{"a":1}\n{"b":1}\n{"a":2}\n{"b":2}\n';
    assert.equal(await Deno.readTextFile(path), want, "each write lands at the end (O_APPEND)");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("two appenders writing in parallel (two workers) leave only whole lines", async () => {
  const dir = await Deno.makeTempDir({ prefix: "jsonl_append_test_" });
  const url = new URL("../../testing/jsonl_append_worker.ts", import.meta.url);
  const workers = ["a", "b"].map(() => new Worker(url, { type: "module" }));
  try {
    const path = join(dir, "x.jsonl");
    const N = 400, PAD = 4000; // lines of ~4 KB: a torn write would show as a broken line
    await withDeadline(
      "both append workers to finish",
      Promise.all(workers.map((w, k) =>
        new Promise<void>((resolve, reject) => {
          w.onmessage = () => resolve();
          w.onerror = (e) => (e.preventDefault(), reject(new Error(e.message)));
          w.postMessage({ path, who: "ab"[k], n: N, pad: PAD });
        })
      )),
    );
    const lines = (await Deno.readTextFile(path)).split("\n");
    assert.equal(lines.pop(), "", "the file ends with a newline");
    assert.equal(lines.length, 2 * N);
    const seen = { a: [] as number[], b: [] as number[] };
    for (const l of lines) {
      const o = JSON.parse(l) as { who: "a" | "b"; i: number; pad: string };
      assert.equal(o.pad, o.who.repeat(PAD));
      seen[o.who].push(o.i);
    }
    const inOrder = Array.from({ length: N }, (_, i) => i);
    assert.deepEqual(seen, { a: inOrder, b: inOrder }, "every line whole, each writer's in its order");
  } finally {
    for (const w of workers) w.terminate();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("syncData: the async fdatasync when the file has one, else the sync one; refused once closed", async () => {
  const m = memFile();
  const withAsync = { ...m.file, syncData: () => Promise.resolve(void m.calls.push("syncData")) };
  const a = new JsonlAppender("mem", withAsync);
  a.append({ a: 1 });
  await a.syncData();
  const b = new JsonlAppender("mem", m.file);
  await b.syncData();
  assert.deepEqual(m.calls, ["syncData", "fdatasync"]);
  b.close();
  await assert.rejects(() => b.syncData(), /appender is closed/);
});
