import assert from "node:assert/strict";
import { GENESIS, type LogRecord, readLog, RUN_END, sealRecord } from "./log_record.ts";

const enc = new TextEncoder();

/** Sealed records of types `types` (seq 1..n), as the writer makes them. */
function chainOf(types: string[]): LogRecord[] {
  const out: LogRecord[] = [];
  let prev = GENESIS;
  types.forEach((type, i) => {
    const r = sealRecord(prev, { seq: i + 1, type, atMs: 1000 + i, corr: `c-${i}`, data: { n: i } });
    out.push(r);
    prev = r.hash;
  });
  return out;
}
const text = (recs: LogRecord[]) => recs.map((r) => JSON.stringify(r) + "\n").join("");

Deno.test("a sealed chain reads back clean with the end marker, crashed_recovered without", () => {
  const recs = chainOf(["run_start", "order_intent", RUN_END]);
  const clean = readLog(enc.encode(text(recs)));
  assert.deepEqual(clean, {
    status: "clean",
    records: recs,
    validBytes: enc.encode(text(recs)).length,
    tornBytes: 0,
    problem: null,
    lastSeq: 3,
    lastHash: recs[2].hash,
  });
  const crashed = readLog(enc.encode(text(recs.slice(0, 2))));
  assert.deepEqual([crashed.status, crashed.records.length, crashed.problem], ["crashed_recovered", 2, null]);
  assert.deepEqual(readLog(new Uint8Array()), {
    status: "crashed_recovered",
    records: [],
    validBytes: 0,
    tornBytes: 0,
    problem: null,
    lastSeq: 0,
    lastHash: GENESIS,
  });
});

Deno.test("a torn last line is cut and reported, the records before it stand", () => {
  const recs = chainOf(["run_start", "order_intent", "order_event"]);
  const good = text(recs.slice(0, 2));
  const torn = JSON.stringify(recs[2]).slice(0, 40);
  const r = readLog(enc.encode(good + torn));
  assert.deepEqual([r.status, r.records, r.validBytes, r.tornBytes, r.problem, r.lastSeq], [
    "crashed_recovered",
    recs.slice(0, 2),
    enc.encode(good).length,
    40,
    null,
    2,
  ]);
  // The whole JSON without its newline is torn too: its append never completed.
  const noNl = readLog(enc.encode(good + JSON.stringify(recs[2])));
  assert.deepEqual([noNl.status, noNl.records.length], ["crashed_recovered", 2]);
});

Deno.test("a flipped byte in the middle quarantines the run at that line", () => {
  const recs = chainOf(["run_start", "order_intent", "order_event", RUN_END]);
  const bytes = enc.encode(text(recs));
  const at = enc.encode(text(recs.slice(0, 1))).length + JSON.stringify(recs[1]).indexOf('"n":1') + 4;
  assert.equal(bytes[at], "1".charCodeAt(0));
  bytes[at] = "7".charCodeAt(0);
  const r = readLog(bytes);
  assert.deepEqual([r.status, r.problem, r.records, r.lastSeq], [
    "quarantined",
    "line 2: hash mismatch at seq 2",
    recs.slice(0, 1),
    1,
  ]);
  const broken = enc.encode(text(recs));
  broken[at - 2] = "}".charCodeAt(0);
  assert.equal(readLog(broken).problem, "line 2: not a JSON line");
});

Deno.test("an edited line with a recomputed hash still breaks the chain at the next line", () => {
  const recs = chainOf(["run_start", "order_intent", "order_event"]);
  const forged = sealRecord(recs[0].hash, { ...recs[1], data: { n: 99 } });
  const r = readLog(enc.encode(text([recs[0], forged, recs[2]])));
  assert.deepEqual([r.status, r.problem, r.records.length], [
    "quarantined",
    "line 3: hash mismatch at seq 3",
    2,
  ]);
});

Deno.test("a sequence gap, a record after the end marker and a foreign line quarantine", () => {
  const recs = chainOf(["run_start", "order_intent", "order_event"]);
  const gap = readLog(enc.encode(text([recs[0], recs[2]])));
  assert.deepEqual([gap.status, gap.problem], ["quarantined", "line 2: sequence gap: expected 2, found 3"]);
  const ended = chainOf(["run_start", RUN_END, "order_intent"]);
  assert.equal(readLog(enc.encode(text(ended))).problem, "line 3: a record after the clean-end marker");
  const foreign = readLog(enc.encode(text([recs[0]]) + '{"seq":2}\n'));
  assert.equal(foreign.problem, "line 2: not a log record (seq, type, atMs, corr, data, hash)");
  const blank = readLog(enc.encode(text([recs[0]]) + "\n"));
  assert.equal(blank.problem, "line 2: not a JSON line");
});
