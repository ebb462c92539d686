// The sample emitter: deterministic with --seed/--start-ms, every line valid under the shared schema,
// decisions first and in the majority, and concurrent writers never interleave.
import assert from "node:assert/strict";
import { join } from "node:path";
import { validateEvent } from "../lib/events/ai_event.ts";
import { emitEvents } from "../lib/events/emitter.ts";
import { runScript } from "../testing/script_proc.ts";

const EMIT = new URL("../scripts/emit_events.ts", import.meta.url).pathname;

const emit = (args: string[]) => runScript(EMIT, args);

Deno.test("same --seed and --start-ms give byte-identical, valid output in new parent folders", async () => {
  const dir = await Deno.makeTempDir({ prefix: "emit_test_" });
  try {
    const a = join(dir, "a", "deep", "e.jsonl"), b = join(dir, "b.jsonl"), c = join(dir, "c.jsonl");
    const common = ["--n", "200", "--interval-ms", "0", "--start-ms", "1767225600000", "--run-id", "run-x"];
    for (const [out, seed] of [[a, "7"], [b, "7"], [c, "8"]]) {
      const r = await emit([...common, "--out", out, "--seed", seed]);
      assert.equal(r.code, 0, r.stderr);
    }
    const ta = await Deno.readTextFile(a);
    assert.equal(ta, await Deno.readTextFile(b));
    assert.notEqual(ta, await Deno.readTextFile(c));
    const lines = ta.split("\n");
    assert.equal(lines.pop(), "");
    assert.equal(lines.length, 200);
    const events = lines.map((l) => validateEvent(JSON.parse(l)));
    for (const v of events) assert.ok(v.ok, JSON.stringify(v));
    const types = events.map((v) => (v.ok ? v.event.type : "bad"));
    assert.equal(types[0], "decision");
    const count = (t: string) => types.filter((x) => x === t).length;
    assert.ok(count("decision") > 100, `decisions ${count("decision")}`);
    assert.ok(count("action") > 0 && count("heartbeat") > 0);
    assert.equal(count("decision") + count("action") + count("heartbeat"), 200);
    for (const v of events) {
      if (v.ok && v.event.type === "decision") assert.equal(typeof v.event.latency_ms, "number");
    }
    assert.equal(JSON.parse(lines[1]).ts, "2026-01-01T00:00:00.001Z"); // start + i * max(interval, 1)
    assert.equal(JSON.parse(lines[0]).run_id, "run-x");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("two emitters appending to one file at once never interleave a line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "emit_test_" });
  try {
    const out = join(dir, "shared.jsonl");
    const rs = await Promise.all(
      ["w1", "w2"].map((id) =>
        emit(["--out", out, "--n", "400", "--interval-ms", "0", "--run-id", id, "--seed", "1"])
      ),
    );
    for (const r of rs) assert.equal(r.code, 0, r.stderr);
    const lines = (await Deno.readTextFile(out)).trimEnd().split("\n");
    assert.equal(lines.length, 800);
    const byRun = { w1: 0, w2: 0 } as Record<string, number>;
    for (const l of lines) {
      const v = validateEvent(JSON.parse(l));
      assert.ok(v.ok, l);
      byRun[v.event.run_id]++;
    }
    assert.deepEqual(byRun, { w1: 400, w2: 400 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("emitEvents uses the injected clock and sleeps between (not after) events", async () => {
  const dir = await Deno.makeTempDir({ prefix: "emit_test_" });
  try {
    const out = join(dir, "e.jsonl");
    const sleeps: number[] = [];
    const n = await emitEvents({
      out,
      n: 4,
      intervalMs: 250,
      identity: { runId: "r", component: "c", source: "s" },
      seed: 3,
      clock: (i) => 1000 * i,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });
    assert.equal(n, 4);
    assert.deepEqual(sleeps, [250, 250, 250]);
    const ts = (await Deno.readTextFile(out)).trimEnd().split("\n").map((l) => JSON.parse(l).ts);
    assert.deepEqual(ts, [
      "1970-01-01T00:00:00.000Z",
      "1970-01-01T00:00:01.000Z",
      "1970-01-01T00:00:02.000Z",
      "1970-01-01T00:00:03.000Z",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
