// Rotation while a writer appends: rename rotation with the real emitter as a separate process, and
// copytruncate with an in-process writer. Exact totals: every line counted once, none lost.
import assert from "node:assert/strict";
import { join } from "node:path";
import { appendJsonl } from "../lib/fs/jsonl_append.ts";
import { sleep } from "../lib/async/sleep.ts";
import { Ingest } from "../lib/exporter/line_ingest.ts";
import { ExporterState } from "../lib/exporter/metrics_state.ts";
import { Tailer } from "../lib/exporter/tailer.ts";
import { waitFor, withDeadline } from "../lib/async/poll.ts";
import { startScript } from "../testing/script_proc.ts";

const EMIT = new URL("../scripts/emit_events.ts", import.meta.url).pathname;
const tick = () => sleep(5);

/** Waits until cond() holds; fails naming `what` after 20 s instead of hanging. */
const until = (what: string, cond: () => boolean) => waitFor(what, cond, { timeoutMs: 20_000, everyMs: 5 });

/** A tailer on events.jsonl in a fresh temp dir, polling every 5 ms into a fresh ExporterState. */
async function tailTempFile() {
  const dir = await Deno.makeTempDir({ prefix: "rotation_test_" });
  const path = join(dir, "events.jsonl");
  const state = new ExporterState();
  const tailer = new Tailer({ path, sink: new Ingest(state), pollMs: 5 });
  const stop = new AbortController();
  const loop = tailer.run(stop.signal);
  return { dir, path, state, tailer, stop, loop };
}

async function countLines(paths: string[]): Promise<number> {
  let n = 0;
  for (const p of paths) n += (await Deno.readTextFile(p)).split("\n").length - 1;
  return n;
}

Deno.test("rename rotation x3 while the emitter (another process) appends: exact totals", async () => {
  const { dir, path, state, tailer, stop, loop } = await tailTempFile();
  // The writer runs until the test stops it, so its speed never decides whether three rotations
  // happen while it appends; the totals are then the lines actually in the files.
  const writer = startScript(EMIT, ["--out", path, "--n", "1000000", "--interval-ms", "1", "--seed", "5"]);
  let writerDone = false;
  const exited = writer.finished().finally(() => writerDone = true);
  const files = [path];
  try {
    for (let k = 1; k <= 3; k++) {
      const seen = state.lines;
      await until("lines after the previous rotation", () => {
        if (writerDone) throw new Error("the emitter exited before the rotations were done");
        return state.lines > seen + 50 && tailer.filePresent;
      });
      await Deno.rename(path, `${path}.${k}`);
      files.push(`${path}.${k}`);
      await until(`rotation ${k}`, () => tailer.renames === k);
    }
    const seen = state.lines;
    await until("lines after the last rotation", () => state.lines > seen + 50);
    writer.kill("SIGKILL");
    await withDeadline("the emitter to exit", exited, 20_000);
    const total = await countLines(files);
    assert.ok(total > 200, `${total} lines written`);
    await until(`all ${total} lines`, () => state.lines >= total);
    // A few more polls: nothing may be counted twice.
    for (let i = 0; i < 10; i++) await tick();
    assert.equal(state.lines, total);
    assert.equal(state.accepted, total);
    assert.equal(state.parseErrors + Object.values(state.dropped).reduce((a, b) => a + b, 0), 0);
    assert.equal(tailer.renames, 3);
    assert.equal(tailer.truncations, 0);
  } finally {
    stop.abort();
    await loop;
    tailer.close();
    await writer.close();
    await exited;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("copytruncate x3 while a writer appends: exact totals", async () => {
  const { dir, path, state, tailer, stop, loop } = await tailTempFile();
  const N = 3000;
  let written = 0;
  // The test holds the writer at each truncation, so it cannot finish before all three happened.
  let hold = false;
  const writer = (async () => {
    for (; written < N; written++) {
      while (hold) await tick();
      const ev = { ts: 1767225600000 + written, type: "decision", run_id: "w", component: "c", source: "s" };
      await appendJsonl(path, [ev]);
      if (written % 20 === 0) await tick();
    }
  })();
  const copies: string[] = [];
  try {
    for (let k = 1; k <= 3; k++) {
      const seen = state.lines;
      await until(`lines before truncation ${k}`, () => state.lines > seen + 100);
      hold = true;
      // copytruncate loses the lines written between copy and truncate unless the reader already has
      // them: truncate only when the tailer has read to the end, in one synchronous step.
      await until(`caught up before truncation ${k}`, () => {
        if (tailer.snapshot().offset !== Deno.statSync(path).size) return false;
        Deno.copyFileSync(path, `${path}.${k}`);
        Deno.truncateSync(path, 0);
        copies.push(`${path}.${k}`);
        return true;
      });
      hold = false;
      await until(`truncation ${k}`, () => tailer.truncations === k);
    }
    assert.ok(written < N, "the writer was still appending at the last truncation");
    await withDeadline(`the writer to append all ${N} lines`, writer);
    await until("all lines", () => state.lines >= N);
    for (let i = 0; i < 10; i++) await tick();
    assert.equal(await countLines([...copies, path]), N);
    assert.equal(state.lines, N);
    assert.equal(state.accepted, N);
    assert.equal(state.runs.get("w")!.pairs.get("c")!.decisions, N);
    assert.equal(state.dropped.truncated, 0);
    assert.deepEqual([tailer.truncations, tailer.renames], [3, 0]);
  } finally {
    hold = false;
    stop.abort();
    await loop;
    tailer.close();
    await writer.catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
