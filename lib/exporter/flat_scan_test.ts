// Differential tests: the flat-line fast path (FlatScan inside LineClassifier.classify) against the
// reference JSON.parse + check, on generated files and on tens of thousands of mutated lines.
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeBenchFile } from "../../testing/event_file.ts";
import {
  type FastEvent,
  LineClassifier,
  MAX_LINE_BYTES,
  OVERSIZE,
  PARSE_ERROR,
  Rejected,
} from "./classify_line.ts";
import { FlatScan } from "./flat_scan.ts";
import { type LineSink, LineSplitter } from "./line_splitter.ts";
import { sampleEvent, seededRandom } from "../events/sample_events.ts";

/** The reference: exactly the pre-fast-path classify (JSON.parse, then the contract check). */
function reference(c: LineClassifier, line: string): FastEvent | Rejected {
  if (new TextEncoder().encode(line).length > MAX_LINE_BYTES) return OVERSIZE;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return PARSE_ERROR;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return PARSE_ERROR;
  return c.check(v as Record<string, unknown>);
}

const FIELDS = ["ts", "type", "run_id", "component", "source", "latency_ms"] as const;

/** Runs a fast and a reference classifier side by side over lines; both keep their memos warm. */
class Pair {
  readonly fast = new LineClassifier();
  readonly ref = new LineClassifier();
  accepted = 0;

  compare(line: string, got: FastEvent | Rejected): void {
    const want = reference(this.ref, line);
    const msg = JSON.stringify(line);
    if (want instanceof Rejected) {
      assert.equal(got, want, msg);
      return;
    }
    assert.ok(!(got instanceof Rejected), `${msg}: got ${(got as Rejected).reason}`);
    for (const f of FIELDS) assert.ok(Object.is(got[f], want[f]), `${msg}: ${f} ${got[f]} vs ${want[f]}`);
    assert.ok(Object.is(this.fast.tsMs, this.ref.tsMs), msg);
    assert.equal(this.fast.sameIds, this.ref.sameIds, msg);
    this.accepted++;
  }

  line(line: string): void {
    this.compare(line, this.fast.classify(line));
  }
}

/** What the scanner must report for a field of the parsed object (see FlatScan's doc). */
function expected(v: unknown, kind: "ts" | "type" | "id" | "lat" | "str"): unknown {
  if (v === undefined) return undefined;
  if (kind === "ts") return typeof v === "string" || typeof v === "number" ? v : null;
  if (kind === "type") {
    if (typeof v !== "string") return null;
    return v === "decision" || v === "action" || v === "heartbeat" ? v : "";
  }
  if (kind === "id") return typeof v === "string" ? v : null;
  if (kind === "lat") return typeof v === "number" ? v : null;
  return typeof v === "string" ? "" : null;
}

/** When scan() accepts a line, JSON.parse must too, with the same field values. Returns scan(). */
function checkScan(s: FlatScan, line: string): boolean {
  if (!s.scan(line)) return false;
  const o = JSON.parse(line);
  assert.ok(typeof o === "object" && o !== null && !Array.isArray(o), line);
  const pairs: [unknown, unknown][] = [
    [s.ts, expected(o.ts, "ts")],
    [s.type, expected(o.type, "type")],
    [s.run, expected(o.run_id, "id")],
    [s.comp, expected(o.component, "id")],
    [s.src, expected(o.source, "id")],
    [s.lat, expected(o.latency_ms, "lat")],
    [s.sym, expected(o.symbol, "str")],
    [s.dec, expected(o.decision, "str")],
    [s.act, expected(o.action, "str")],
  ];
  for (const [got, want] of pairs) assert.ok(Object.is(got, want), `${line}: ${got} vs ${want}`);
  return true;
}

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

const WEIRD_NUMBERS = [
  "1e400",
  "-1e400",
  "-0",
  "-0.0",
  "0",
  "01",
  "-01",
  "1.",
  ".5",
  "-",
  "1e",
  "1e+",
  "1E-5",
  "1e+2",
  "+1",
  "0.1",
  "00",
  "1.5e",
  "123456789012345678901234567890",
  "0.1000000000000000055511151231257827",
  "9007199254740993",
  "1.7976931348623157e308",
  "1.7976931348623159e308",
  "5e-324",
  "2e-324",
  "123.456789012345",
  "123.4567890123456",
  "1e-7",
  "0.000001",
  "12.50",
  "-5",
  "1767225600000",
  "253402300799999",
  "253402300800000",
  "0x10",
  "Infinity",
  "NaN",
  "1_000",
  "0e0",
  "-0e-0",
  "1234567890123456.7",
  "0.12345678901234567",
  "9007199254740993.5",
  "98765432109876543.21",
  "-0.000000000000000000001",
];
const WEIRD_VALUES = [
  ...WEIRD_NUMBERS,
  "true",
  "false",
  "null",
  "tru",
  "nul",
  "True",
  '"x"',
  '""',
  '"\\u0041"',
  '"a\\nb"',
  '"\\""',
  '"\\\\"',
  '"\\/"',
  '"é"',
  '"😀"',
  '"\u0001"',
  '"\t"',
  "{}",
  '{"a":1}',
  "[]",
  "[1,2]",
  '"decision"',
  '"action"',
  '"heartbeat"',
  '"2026-01-01T00:00:00Z"',
  '"r1"',
  '"a b"',
  '"\ud800"',
  " 1",
  "1 ",
  "",
];
const KEYS = [
  "ts",
  "type",
  "run_id",
  "component",
  "source",
  "latency_ms",
  "symbol",
  "decision",
  "action",
  "x",
];
const ALPHABET = '{}[]",:\\ \t\r\n-+.eE0123456789tfnulrasx_\u0000\u001f\u007f\f\v\u00a0é€😀\ud800\ufeff'
  .split(""); // code units: lone surrogates too

/** 12-22 random digits, maybe with a point and a sign. */
function longDecimal(rand: () => number): string {
  const n = 12 + Math.floor(rand() * 11);
  let d = String(1 + Math.floor(rand() * 9));
  for (let i = 1; i < n; i++) d += Math.floor(rand() * 10);
  const dot = Math.floor(rand() * (n + 2));
  if (dot < n) d = dot === 0 ? "0." + d : d.slice(0, dot) + "." + d.slice(dot);
  return (rand() < 0.2 ? "-" : "") + d;
}

/** One random mutation of a line (inserts, deletes, replacements, truncation, keys, values, spaces). */
function mutate(line: string, rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const at = Math.floor(rand() * (line.length + 1));
  switch (Math.floor(rand() * 11)) {
    case 0:
      return line.slice(0, at) + pick(ALPHABET) + line.slice(at);
    case 1:
      return line.slice(0, at) + line.slice(at + 1);
    case 2:
      return line.slice(0, at) + pick(ALPHABET) + line.slice(at + 1);
    case 3:
      return line.slice(0, at);
    case 4: // a (maybe repeated) key with a weird value, added at the front or the back
      return rand() < 0.5
        ? `{"${pick(KEYS)}":${pick(WEIRD_VALUES)},` + line.slice(1)
        : line.slice(0, -1) + `,"${pick(KEYS)}":${pick(WEIRD_VALUES)}}`;
    case 5: { // replace one existing value
      const k = pick(KEYS);
      const m = new RegExp(`"${k}":("[^"]*"|[^,}]*)`).exec(line);
      return m ? line.replace(m[0], `"${k}":${pick(WEIRD_VALUES)}`) : line;
    }
    case 6: // whitespace somewhere structural
      return line.replace(
        pick([",", ":", "{", "}"]),
        (c) => pick([" ", "\t", "\r", "\n", "\f", "\v", "\u00a0", ""]) + c + pick([" ", ""]),
      );
    case 7: // escaped or odd key
      return line.replace(
        `"${pick(KEYS)}"`,
        pick(['"typ\\u0065"', '"ts "', '"TS"', '"run_id"', '""', '"é"']),
      );
    case 8:
      return pick([" ", "\ufeff", "", "[", "\n"]) + line + pick([" ", "\r", "x", "}", ",", "\n", ""]);
    case 9: // a long decimal for a number the check reads (digit counts around 2^53)
      return line.slice(0, -1) + `,"${pick(["latency_ms", "ts"])}":${longDecimal(rand)}}`;
    default:
      return line.replace(pick(KEYS), pick(["ts", "type", "run_id", "source"]));
  }
}

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
