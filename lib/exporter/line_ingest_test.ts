// The byte path (LineSplitter.block -> Ingest.block: lines counted without becoming strings) against
// the string path (each line decoded, as before) and against the generic reference (JSON.parse + the
// contract check on every line): the rendered /metrics must be byte-for-byte the same, on a generated
// file with every event type and adversarial lines, read in chunks of several sizes.
import assert from "node:assert/strict";
import { join } from "node:path";
import { LineClassifier, MAX_LINE_BYTES, OVERSIZE, PARSE_ERROR, Rejected } from "./classify_line.ts";
import { Ingest } from "./line_ingest.ts";
import type { LineSink } from "./line_splitter.ts";
import { ExporterState } from "./metrics_state.ts";
import { renderMetrics } from "./render_metrics.ts";
import { Tailer, type TailSnapshot } from "./tailer.ts";
import { sampleEvent, seededRandom } from "../events/sample_events.ts";

const ID = { runId: "local", component: "ai_live_exporter" };
const MAX_RUN_IDS = 6;
const T = '"ts":"2026-01-01T00:00:01.5Z"';
const IDS = '"run_id":"r1","component":"c","source":"s"';

/** Lines a real writer would not produce, each a case the fast path must get exactly right or decline. */
const ADVERSARIAL: string[] = [
  `{${T},"type":"decision",${IDS},"symbol":"BT\\"C","latency_ms":2}`, // escaped quote
  `{${T},"type":"action","run_id":"r\\u0031","component":"c","source":"s"}`, // escaped id
  `{${T},"type":"decision",${IDS},"symbol":"BTC€😀","decision":"kaufen ü"}`, // unicode
  `{${T},"type":"decision","run_id":"ré","component":"c","source":"s"}`, // non-ASCII id: invalid
  `{"source":"s","latency_ms":3,"component":"c","run_id":"r2","type":"decision",${T}}`, // reordered
  `{${T},"type":"decision",${IDS},"latency_ms":1.5e2}`, // exponents
  `{${T},"type":"decision",${IDS},"latency_ms":2E-3}`,
  `{"ts":1.7672256e12,"type":"heartbeat",${IDS}}`,
  `{"ts":-0,"type":"heartbeat",${IDS},"latency_ms":-0}`,
  `{"ts":1e400,"type":"heartbeat",${IDS}}`, // out of range
  `{${T},"type":"decision",${IDS},"latency_ms":-1}`,
  `{${T},"type":"decision",${IDS},"latency_ms":"5"}`,
  `{${T},"type":"deci`, // truncated
  `{${T},"type":"decision",${IDS}`,
  `{${T},"type":"decision",${IDS}}\r`, // CRLF: the \r is JSON whitespace
  `\ufeff{${T},"type":"decision",${IDS}}`, // a byte order mark inside the file is part of its line
  ``,
  `   `,
  `[1,2]`,
  `"just a string"`,
  `{}`,
  `{${T},"type":"action",${IDS},"type":"decision"}`, // repeated key: the last wins
  `{${T},"type":"decision",${IDS},"extra":{"a":[1,{"ts":0}]}}`, // nested
  `{"ts":"2026-02-30T00:00:00Z","type":"decision",${IDS}}`, // no such day
  // Each odd ts right after a valid one of the same minute: the minute memo hits, the tail decides.
  ...[
    "z",
    "ZZ",
    "",
    ".Z",
    ".1234567891Z",
    ".999999999Z",
    "+00:00",
    "+01:00",
    ".5+00:0",
    "\\u005a",
  ].map((tail) =>
    `{${T},"type":"action",${IDS}}\n{"ts":"2026-01-01T00:00:07${tail}","type":"action",${IDS}}`
  ),
  `{${T},"type":"action",${IDS}}\n{"ts":"2026-01-01T00:00:60Z","type":"action",${IDS}}`,
  `{${T},"type":"action",${IDS}}\n{"ts":"2026-01-01T00:00:0aZ","type":"action",${IDS}}`,
  `{${T},"type":"order_fill",${IDS}}`,
  `{${T},"type":7,${IDS}}`,
  `{${T},"type":"decision","run_id":"","component":"c","source":"s"}`,
  `{${T},"type":"decision","run_id":"${"x".repeat(65)}","component":"c","source":"s"}`,
  `{${T},"type":"decision",${IDS},"symbol":null}`,
  `{${T},"type":"decision",${IDS},"decision":true}`,
  `{ "ts" : "2026-01-01T00:00:02Z" , "type" : "action" , ${IDS} }`,
  `{${T},"type":"decision",${IDS}} trailing`,
  `{${T},"type":"decision","run_id":"r1\\t","component":"c","source":"s"}`,
  `{${T},"type":"decision",${IDS},"symbol":"tab\there"}`, // raw control char: not JSON
  ...Array.from(
    { length: 9 },
    (_, i) => `{${T},"type":"action","run_id":"many-${i}","component":"c","source":"s"}`,
  ),
  `{${T},"type":"decision",${IDS},"symbol":"${"L".repeat(MAX_LINE_BYTES)}"}`, // oversize, ASCII
];

/** The generated file: sampled events of every type from several writers, adversarial lines between. */
function fileBytes(): Uint8Array {
  const rand = seededRandom(14);
  const writers = ["a", "b", "c"].map((k) => ({
    runId: `run-${k}`,
    component: `comp-${k}`,
    source: `src-${k}`,
  }));
  const parts: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (let i = 0, a = 0; i < 12_000; i++) {
    const ev = sampleEvent(rand, i, 1767225600000 + i * 7919, writers[Math.floor(rand() * 3)]);
    parts.push(enc.encode(JSON.stringify(ev) + "\n"));
    if (i % 37 === 0) parts.push(enc.encode(ADVERSARIAL[a++ % ADVERSARIAL.length] + "\n"));
    if (i % 1001 === 0) parts.push(Uint8Array.of(0x7b, 0x22, 0xff, 0xc3, 0x22, 0x3a, 0x31, 0x7d, 0x0a)); // bad UTF-8
  }
  parts.push(enc.encode(`{${T},"type":"heartbeat",${IDS}}`)); // unterminated: waits, never counted
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((off, p) => (out.set(p, off), off + p.length), 0);
  return out;
}

/** The generic path: every complete line decoded, JSON.parse, then the contract check, then counted. */
function reference(bytes: Uint8Array): ExporterState {
  const state = new ExporterState({ maxRunIds: MAX_RUN_IDS });
  const c = new LineClassifier();
  const lines = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes).split("\n").slice(0, -1);
  for (const line of lines) {
    let r: unknown;
    if (new TextEncoder().encode(line).length > MAX_LINE_BYTES) r = OVERSIZE;
    else {
      try {
        const v = JSON.parse(line);
        r = typeof v === "object" && v !== null && !Array.isArray(v) ? c.check(v) : PARSE_ERROR;
      } catch {
        r = PARSE_ERROR;
      }
    }
    if (r instanceof Rejected) state.reject(r);
    else state.apply(r as Parameters<ExporterState["apply"]>[0], c.tsMs, c.sameIds);
  }
  return state;
}

/** Reads the file through the Tailer into an Ingest; `strings` hides block() (the string path). */
async function ingest(path: string, chunkBytes: number, strings: boolean) {
  const state = new ExporterState({ maxRunIds: MAX_RUN_IDS });
  const rejected: string[] = [];
  const ing = new Ingest(state, (_n, why) => rejected.push(why), 1000);
  const sink: LineSink = strings
    ? { line: (t, b, a) => ing.line(t, b, a), reject: (r) => ing.reject(r) }
    : ing;
  const tailer = new Tailer({ path, sink, chunkBytes });
  await tailer.poll();
  const snap = tailer.snapshot();
  tailer.close();
  return { state, snap, rejected };
}

Deno.test("byte path, string path and JSON.parse + check render the same /metrics, any chunk size", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "events.jsonl");
    const bytes = fileBytes();
    await Deno.writeFile(path, bytes);
    const want = reference(bytes);
    // Not vacuous: every outcome occurs.
    assert.ok(
      want.accepted > 11_000 && want.parseErrors > 50 && want.dropped.cardinality > 0,
      `${want.accepted}`,
    );
    assert.ok(want.dropped.invalid > 50 && want.dropped.unknown_type > 0 && want.dropped.oversize > 0);
    for (const chunk of [1 << 20, 65543, 4093]) {
      const byBytes = await ingest(path, chunk, false);
      const byStrings = await ingest(path, chunk, true);
      const snap: TailSnapshot = byBytes.snap;
      assert.equal(snap.partialBytes, byStrings.snap.partialBytes);
      const text = renderMetrics(byBytes.state, snap, ID);
      assert.equal(text, renderMetrics(byStrings.state, snap, ID), `chunk ${chunk}: byte vs string path`);
      assert.equal(text, renderMetrics(want, snap, ID), `chunk ${chunk}: byte path vs JSON.parse + check`);
      assert.deepEqual(byBytes.rejected, byStrings.rejected, "the same lines explained, the same way");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a byte order mark is dropped at the start of the file only, whatever the first read's size", async () => {
  const line = `{${T},"type":"action",${IDS}}\n`;
  const bom = "\ufeff";
  for (const chunk of [1, 2, 3, 64]) {
    const dir = await Deno.makeTempDir();
    try {
      const path = join(dir, "e.jsonl");
      await Deno.writeTextFile(path, bom + line + bom + line + line);
      const { state } = await ingest(path, chunk, false);
      assert.equal(state.accepted, 2, `chunk ${chunk}`);
      assert.equal(state.parseErrors, 1, `chunk ${chunk}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});
