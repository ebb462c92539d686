import assert from "node:assert/strict";
import { join } from "node:path";
import { Ingest } from "./line_ingest.ts";
import { ExporterState } from "./metrics_state.ts";
import { Tailer } from "./tailer.ts";

let seq = 0;
/** A valid decision line with a distinct ts (so file heads differ between files). */
function lines(n: number, run = "r"): string {
  let out = "";
  for (let i = 0; i < n; i++) {
    out += JSON.stringify({
      ts: 1767225600000 + seq++,
      type: "decision",
      run_id: run,
      component: "c",
      source: "s",
    }) +
      "\n";
  }
  return out;
}

async function setup() {
  const dir = await Deno.makeTempDir({ prefix: "tailer_test_" });
  const path = join(dir, "events.jsonl");
  const state = new ExporterState();
  const tailer = new Tailer({ path, sink: new Ingest(state) });
  const decisions = () => [...state.runs.values()].reduce((a, r) => a + r.pairs.get("c")!.decisions, 0);
  const cleanup = async () => {
    tailer.close();
    await Deno.remove(dir, { recursive: true });
  };
  return { dir, path, state, tailer, decisions, cleanup };
}

const append = (path: string, text: string) => Deno.writeTextFile(path, text, { append: true });

Deno.test("waits for a missing file, then reads it once it appears", async () => {
  const t = await setup();
  try {
    await t.tailer.poll();
    assert.deepEqual([t.tailer.filePresent, t.tailer.caughtUp, t.state.lines], [false, true, 0]);
    await append(t.path, lines(3));
    await t.tailer.poll();
    assert.deepEqual([t.tailer.filePresent, t.decisions(), t.tailer.snapshot().lagBytes], [true, 3, 0]);
  } finally {
    await t.cleanup();
  }
});

Deno.test("a partial last line waits for its newline and is counted once", async () => {
  const t = await setup();
  try {
    const one = lines(1);
    await append(t.path, lines(2) + one.slice(0, 10));
    await t.tailer.poll();
    assert.deepEqual([t.state.lines, t.tailer.snapshot().partialBytes], [2, 10]);
    await append(t.path, one.slice(10, 30));
    await t.tailer.poll();
    assert.equal(t.state.lines, 2);
    await append(t.path, one.slice(30));
    await t.tailer.poll();
    await t.tailer.poll();
    assert.deepEqual([t.state.lines, t.decisions(), t.state.parseErrors, t.tailer.snapshot().partialBytes], [
      3,
      3,
      0,
      0,
    ]);
  } finally {
    await t.cleanup();
  }
});

Deno.test("rename rotation: old file read to its end (late writes too), then the new one from 0", async () => {
  const t = await setup();
  try {
    await append(t.path, lines(5));
    await t.tailer.poll();
    await append(t.path, lines(2)); // not seen before the rename
    await Deno.rename(t.path, t.path + ".1");
    await t.tailer.poll(); // path missing: keeps reading the renamed file
    assert.deepEqual([t.decisions(), t.tailer.filePresent, t.tailer.renames], [7, false, 0]);
    await append(t.path + ".1", lines(1)); // still the same inode
    await append(t.path, lines(3)); // the new file
    await t.tailer.poll();
    assert.deepEqual([t.decisions(), t.tailer.renames], [11, 1]);
    await append(t.path + ".1", lines(1, "late")); // a writer's late line into the old file
    await t.tailer.poll(); // retiring file read once more
    await t.tailer.poll(); // nothing new there: closed
    await append(t.path + ".1", lines(1, "lost")); // after close: no longer followed
    await append(t.path, lines(2));
    await t.tailer.poll();
    assert.equal(t.decisions(), 14);
    assert.equal(t.state.runs.get("late")!.pairs.get("c")!.decisions, 1);
    assert.equal(t.state.runs.has("lost"), false);
    assert.deepEqual([t.state.lines, t.tailer.renames, t.tailer.truncations], [14, 1, 0]);
  } finally {
    await t.cleanup();
  }
});

Deno.test("copytruncate: a shrunken file is read again from byte 0", async () => {
  const t = await setup();
  try {
    await append(t.path, lines(10));
    await t.tailer.poll();
    await Deno.copyFile(t.path, t.path + ".1");
    await Deno.truncate(t.path, 0);
    await append(t.path, lines(2));
    await t.tailer.poll();
    assert.deepEqual([t.decisions(), t.tailer.truncations, t.tailer.renames], [12, 1, 0]);
  } finally {
    await t.cleanup();
  }
});

Deno.test("copytruncate refilled past our offset before a poll is still noticed (head fingerprint)", async () => {
  const t = await setup();
  try {
    await append(t.path, lines(4));
    await t.tailer.poll();
    await Deno.truncate(t.path, 0);
    await append(t.path, lines(9)); // longer than before: size alone would not tell
    await t.tailer.poll();
    assert.deepEqual([t.decisions(), t.state.lines, t.state.parseErrors, t.tailer.truncations], [
      13,
      13,
      0,
      1,
    ]);
  } finally {
    await t.cleanup();
  }
});

Deno.test("a partial line cut off by a truncation is counted as dropped{truncated}", async () => {
  const t = await setup();
  try {
    await append(t.path, lines(3) + '{"ts":1,"ty');
    await t.tailer.poll();
    await Deno.truncate(t.path, 0);
    await append(t.path, lines(1));
    await t.tailer.poll();
    assert.deepEqual([t.decisions(), t.state.dropped.truncated, t.state.lines], [4, 1, 5]);
  } finally {
    await t.cleanup();
  }
});

Deno.test("run() polls between injected sleeps and stops when the signal aborts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tailer_test_" });
  const path = join(dir, "events.jsonl");
  const state = new ExporterState();
  const stop = new AbortController();
  const sleeps: number[] = [];
  const tailer = new Tailer({
    path,
    sink: new Ingest(state),
    pollMs: 123,
    sleep: async (ms) => {
      sleeps.push(ms);
      if (sleeps.length === 3) stop.abort();
      else await append(path, lines(2));
    },
  });
  try {
    await tailer.run(stop.signal);
    // polls: none, 2 lines, 4 lines; then aborted during the third sleep.
    assert.deepEqual(sleeps, [123, 123, 123]);
    assert.equal(state.lines, 4);
  } finally {
    tailer.close();
    await Deno.remove(dir, { recursive: true });
  }
});
