// Differential tests: the flat-line fast path (FlatScan inside LineClassifier.classify) against the
// reference JSON.parse + check (testing/flat_scan_diff.ts), on generated files and on tens of
// thousands of mutated lines (testing/line_mutator.ts).
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeBenchFile } from "../../testing/event_file.ts";
import { checkScan, Pair } from "../../testing/flat_scan_diff.ts";
import { mutate } from "../../testing/line_mutator.ts";
import { FlatScan } from "./flat_scan.ts";
import { type LineSink, LineSplitter } from "./line_splitter.ts";
import { sampleEvent, seededRandom } from "../events/sample_events.ts";

Deno.test("generated files: every line classifies as JSON.parse + check does, every JSON line fast", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "events.jsonl");
    await writeBenchFile(path, 100_000, 7);
    const lines = (await Deno.readTextFile(path)).split("\n").slice(0, -1);
    const rand = seededRandom(3);
    const ids = [{ runId: "r-1", component: "c", source: "s" }, {
      runId: "r-2",
      component: "c",
      source: "s",
    }];
    for (let i = 0; i < 20_000; i++) {
      lines.push(JSON.stringify(sampleEvent(rand, i, 1767225600000 + i * 997, ids[i & 1])));
    }
    const p = new Pair(), s = new FlatScan();
    let fast = 0, json = 0;
    for (const line of lines) {
      p.line(line);
      if (checkScan(s, line)) fast++;
      try {
        JSON.parse(line);
        json++;
      } catch { /* the generator's malformed lines */ }
    }
    assert.equal(lines.length, 120_000);
    assert.equal(fast, json); // every well-formed line took the fast path
    assert.ok(json > 118_000 && p.accepted > 118_000 && p.accepted < json, `${json} ${p.accepted}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mutated lines: the fast path equals JSON.parse + check, or declines", () => {
  const rand = seededRandom(42);
  const ids = [
    { runId: "run-a.1", component: "shadow_strategy", source: "strategy" },
    { runId: "run-b:2", component: "risk_gate", source: "risk" },
  ];
  const p = new Pair(), s = new FlatScan();
  let fast = 0, declined = 0;
  for (let i = 0; i < 60_000; i++) {
    let line = JSON.stringify(sampleEvent(rand, i, 1767225600000 + i * 1500, ids[i % 7 < 5 ? 0 : 1]));
    const n = 1 + Math.floor(rand() * rand() * 4);
    for (let k = 0; k < n; k++) line = mutate(line, rand);
    p.line(line);
    if (checkScan(s, line)) fast++;
    else declined++;
  }
  // Not vacuous: many mutated lines took the fast path, many were accepted, many declined.
  assert.ok(fast > 15_000 && declined > 10_000 && p.accepted > 10_000, `${fast} ${declined} ${p.accepted}`);
});

Deno.test("hand-picked edges", () => {
  const base = '"type":"decision","run_id":"r","component":"c","source":"s"';
  const cases: [string, boolean][] = [
    [`{"ts":0,${base}}`, true],
    [`{"ts":-0,${base}}`, true], // -0 >= 0: accepted by both
    [`{"ts":01,${base}}`, false],
    [`{"ts":1e400,${base}}`, true],
    [`{"ts":0,${base},"latency_ms":-0}`, true],
    [`{"ts":0,${base},"latency_ms":1e400}`, true],
    [`{"ts":0,${base},"latency_ms":1.}`, false],
    [`{"ts":0,${base},"type":"action"}`, false], // repeated key: JSON.parse keeps the last
    [`{"ts":0,"ty\\u0070e":"decision","run_id":"r","component":"c","source":"s"}`, false],
    [`{"ts":0,${base},"x":{"ts":"no"}}`, false],
    [` { "ts" : 0 , ${base} } `, true],
    [`{"ts":0,${base}}x`, false],
    [`{"ts":0,${base}}\n`, false],
    [`{"ts":0,${base},"symbol":"BTC\u00e9"}`, false],
    [`{}`, true],
  ];
  for (const [line, fast] of cases) {
    const p = new Pair();
    p.line(line);
    assert.equal(new FlatScan().scan(line), fast, line);
    assert.equal(checkScan(new FlatScan(), line), fast, line);
  }
});

/** Splits a byte stream and classifies each line with the splitter's bytes, beside the reference. */
class SplitPair implements LineSink {
  readonly p = new Pair();
  withBytes = 0;
  lines = 0;
  line(text: string, bytes?: Uint8Array, at?: number): void {
    this.lines++;
    if (bytes !== undefined) {
      this.withBytes++;
      assert.equal(bytes[at! + text.length], 10);
    }
    this.p.compare(text, this.p.fast.classify(text, bytes, at));
  }
  reject(): void {}
}

Deno.test("through the LineSplitter (its bytes, no copy): same outcomes, also with non-ASCII bytes", () => {
  const rand = seededRandom(9);
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const id = { runId: "r", component: "c", source: "s" };
  for (let i = 0; i < 20_000; i++) {
    let line = JSON.stringify(sampleEvent(rand, i, 1767225600000 + i, id));
    if (rand() < 0.5) line = mutate(line, rand).replaceAll("\n", " ");
    const b = enc.encode(line + "\n");
    // Some lines get a raw byte that is not valid UTF-8 on its own (decodes to one U+FFFD).
    if (rand() < 0.05) b[Math.floor(rand() * (b.length - 1))] = rand() < 0.5 ? 0xff : 0xc3;
    chunks.push(b);
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((off, c) => (all.set(c, off), off + c.length), 0);
  const sink = new SplitPair();
  const sp = new LineSplitter(4096, 1 << 16, 2048);
  for (let off = 0; off < all.length;) {
    const space = sp.space();
    const n = Math.min(space.length, all.length - off, 1 + Math.floor(rand() * 5000));
    space.set(all.subarray(off, off + n));
    sp.commit(n, sink);
    off += n;
  }
  assert.equal(sink.lines, all.filter((b) => b === 10).length);
  assert.ok(sink.withBytes > 1000 && sink.withBytes < sink.lines, `${sink.withBytes} of ${sink.lines}`);
  assert.ok(sink.p.accepted > 5000, `${sink.p.accepted}`);
});
