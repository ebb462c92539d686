import assert from "node:assert/strict";
import { join } from "node:path";
import type { Clock } from "../async/poll.ts";
import { fileLines, untilLine } from "./file_lines.ts";

/** A clock that moves only when slept on; each sleep first runs the next of `writes` (another writer). */
function writerClock(writes: (() => void)[]): Clock {
  let now = 0;
  return {
    now: () => now,
    sleep: (ms) => {
      writes.shift()?.();
      now += ms;
      return Promise.resolve();
    },
  };
}

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tp_file_lines_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("fileLines: none while the file is missing; a last line still being appended is left out", async () => {
  await withDir(async (dir) => {
    const p = join(dir, "log.jsonl");
    assert.deepEqual(await fileLines(p), []);
    await Deno.writeTextFile(p, '{"a":1}\n{"b":2}\n{"c":');
    assert.deepEqual(await fileLines(p), ['{"a":1}', '{"b":2}']);
    await Deno.writeTextFile(p, "");
    assert.deepEqual(await fileLines(p), []);
  });
});

Deno.test("untilLine: the first complete line from fromLine on that passes the test, as another writer appends", async () => {
  await withDir(async (dir) => {
    const p = join(dir, "log.jsonl");
    const add = (t: string) => () => Deno.writeTextFileSync(p, t, { append: true });
    // An old match before fromLine, then a match still being written, then it completes.
    Deno.writeTextFileSync(p, '{"kind":"held","n":0}\n');
    const clock = writerClock([add('{"kind":"other"}\n'), add('{"kind":"held","n":1'), add("}\n")]);
    const got = await untilLine(p, "a new held line", (l) => l.includes('"kind":"held"'), {
      fromLine: 1,
      clock,
    });
    assert.equal(got, '{"kind":"held","n":1}');
  });
});

Deno.test("untilLine: created late, the file is waited for; the deadline names what was awaited", async () => {
  await withDir(async (dir) => {
    const p = join(dir, "late.jsonl");
    const clock = writerClock([() => {}, () => Deno.writeTextFileSync(p, "x\n")]);
    assert.equal(await untilLine(p, "x", (l) => l === "x", { clock }), "x");
    await assert.rejects(
      untilLine(p, "the venue's 429", (l) => l === "y", { timeoutMs: 100, clock: writerClock([]) }),
      { message: "timed out after 100 ms waiting for the venue's 429" },
    );
  });
});
