import assert from "node:assert/strict";
import { type FastEvent, INVALID, PARSE_ERROR } from "./classify_line.ts";
import { ExporterState, LATENCY_BUCKETS_MS, MAX_COMPONENTS_PER_RUN } from "./metrics_state.ts";

const ev = (type: FastEvent["type"], run_id: string, extra: Partial<FastEvent> = {}): FastEvent => ({
  type,
  run_id,
  component: "c",
  source: "s",
  ...extra,
});

Deno.test("apply counts per (run_id, component), keeps the max ts, conserves lines", () => {
  const st = new ExporterState();
  st.apply(ev("decision", "r1", { latency_ms: 3 }), 5000);
  st.apply(ev("decision", "r1", { component: "d" }), 2000);
  st.apply(ev("action", "r1"), 1000);
  st.apply(ev("heartbeat", "r2", { source: "t" }), 7000);
  st.reject(PARSE_ERROR);
  st.reject(INVALID);
  st.reject("truncated");
  const r1 = st.runs.get("r1")!;
  assert.deepEqual([r1.pairs.get("c")!.decisions, r1.pairs.get("c")!.actions, r1.pairs.get("d")!.decisions], [
    1,
    1,
    1,
  ]);
  assert.equal(st.runs.get("r2")!.pairs.get("c")!.heartbeats, 1);
  assert.equal(r1.lastTsMs, 5000);
  assert.equal(st.sources.get("s")!.lastTsMs, 5000);
  assert.equal(st.sources.get("t")!.lastTsMs, 7000);
  assert.deepEqual([st.lines, st.accepted, st.parseErrors, st.dropped.invalid, st.dropped.truncated], [
    7,
    4,
    1,
    1,
    1,
  ]);
});

Deno.test("the run_id cap drops exactly the events of run_ids past it", () => {
  const st = new ExporterState({ maxRunIds: 3 });
  for (let i = 0; i < 10; i++) {
    st.apply(ev("decision", `r${i}`), i); // r0..r2 kept, r3..r9 dropped
    st.apply(ev("action", `r${i % 2}`), i); // known run_ids are never dropped
  }
  assert.equal(st.runs.size, 3);
  assert.equal(st.dropped.cardinality, 7);
  assert.equal(st.accepted, 13);
  assert.equal(st.lines, 20);
  assert.deepEqual([...st.runs.keys()], ["r0", "r1", "r2"]);
});

Deno.test("sources share the cap; components per run are capped", () => {
  const st = new ExporterState({ maxRunIds: 2 });
  for (let i = 0; i < 4; i++) st.apply(ev("decision", "r", { source: `s${i}` }), 1);
  assert.equal(st.sources.size, 2);
  assert.equal(st.dropped.cardinality, 2);
  st.apply(ev("decision", "new-run", { source: "s9" }), 1); // dropped on the source cap: no run created
  assert.deepEqual([...st.runs.keys()], ["r"]);
  assert.equal(st.dropped.cardinality, 3);
  const st2 = new ExporterState();
  for (let i = 0; i < MAX_COMPONENTS_PER_RUN + 5; i++) {
    st2.apply(ev("action", "r", { component: `c${i}` }), 1);
  }
  assert.equal(st2.runs.get("r")!.pairs.size, MAX_COMPONENTS_PER_RUN);
  assert.equal(st2.dropped.cardinality, 5);
});

Deno.test("latency lands in the first bucket whose bound is >= the value; only decisions observe", () => {
  const st = new ExporterState();
  for (const ms of [0, 1, 1.0001, 2.5, 5000, 5000.5, 99999]) {
    st.apply(ev("decision", "r", { latency_ms: ms }), 0);
  }
  st.apply(ev("action", "r", { latency_ms: 7 }), 0);
  const counts = st.latencyCounts;
  assert.equal(counts.length, LATENCY_BUCKETS_MS.length + 1);
  assert.deepEqual(counts, [2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
  assert.equal(st.latencyCount, 7);
  assert.equal(st.latencySum, 0 + 1 + 1.0001 + 2.5 + 5000 + 5000.5 + 99999);
});

Deno.test("the classifier's sameIds hint never reuses cells of an event the cap dropped", async () => {
  const { Ingest } = await import("./line_ingest.ts");
  const st = new ExporterState({ maxRunIds: 1 });
  const ing = new Ingest(st);
  const line = (run: string, source = "s") =>
    JSON.stringify({ ts: 1, type: "decision", run_id: run, component: "c", source });
  ing.line(line("r1"));
  ing.line(line("r2")); // new run_id past the cap: dropped
  ing.line(line("r2")); // same ids as the line before (sameIds): still dropped, not counted under r1
  ing.line(line("r1"));
  ing.line(line("r1"));
  assert.equal(st.runs.get("r1")!.pairs.get("c")!.decisions, 3);
  assert.equal(st.dropped.cardinality, 2);
  assert.deepEqual([st.lines, st.accepted], [5, 3]);
});
