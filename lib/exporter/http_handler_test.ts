import assert from "node:assert/strict";
import { Ingest } from "./line_ingest.ts";
import { ExporterState } from "./metrics_state.ts";
import type { TailSnapshot } from "./tailer.ts";
import { exporterHandler } from "./http_handler.ts";
import { METRICS_CONTENT_TYPE, renderMetrics } from "./render_metrics.ts";

const snap: TailSnapshot = {
  path: "/x/events.jsonl",
  filePresent: true,
  caughtUp: true,
  offset: 123,
  lagBytes: 0,
  partialBytes: 0,
  bytesRead: 123,
  renames: 0,
  truncations: 0,
  pollErrors: 0,
};
const identity = { runId: "local", component: "ai_live_exporter" };

function stateWith(lines: string[]): ExporterState {
  const state = new ExporterState();
  const ingest = new Ingest(state);
  for (const l of lines) ingest.line(l);
  return state;
}

Deno.test("GET /metrics and /health answer; other paths 404, other methods 405", async () => {
  const state = stateWith([
    '{"ts":"2026-01-01T00:00:01.5Z","type":"decision","run_id":"r","component":"c","source":"s","latency_ms":7}',
    "nope",
  ]);
  const h = exporterHandler({ state, tailer: { snapshot: () => snap }, identity });
  const m = await h(new Request("http://x/metrics"));
  assert.equal(m.status, 200);
  assert.equal(m.headers.get("content-type"), METRICS_CONTENT_TYPE);
  assert.equal(METRICS_CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
  const body = await m.text();
  assert.ok(body.includes('\npeaktrade_ai_decisions_total{run_id="r",component="c"} 1\n'));
  assert.ok(body.includes('\npeaktrade_ai_last_event_timestamp_seconds{source="s"} 1767225601.5\n'));
  const health = await (await h(new Request("http://x/health"))).json();
  assert.deepEqual(
    [health.ok, health.caught_up, health.lines, health.parse_errors, health.identity],
    [true, true, 2, 1, { run_id: "local", component: "ai_live_exporter" }],
  );
  const post = await h(new Request("http://x/metrics", { method: "POST", body: "x" }));
  assert.equal(post.status, 405);
  await post.body?.cancel();
  const other = await h(new Request("http://x/other"));
  assert.equal(other.status, 404);
  await other.body?.cancel();
});

Deno.test("renderMetrics: every drop reason pre-initialised, histogram cumulative, sorted series", () => {
  const text = renderMetrics(new ExporterState(), snap, identity);
  for (const r of ["invalid", "unknown_type", "oversize", "cardinality", "truncated"]) {
    assert.ok(text.includes(`\npeaktrade_ai_events_dropped_total{reason="${r}"} 0\n`), r);
  }
  assert.ok(text.startsWith("# HELP peaktrade_ai_live_heartbeat "));
  assert.ok(text.includes('\npeaktrade_ai_live_heartbeat{run_id="local",component="ai_live_exporter"} 1\n'));
  assert.ok(text.includes("\npeaktrade_ai_events_parse_errors_total 0\n"));

  const s = stateWith([
    '{"ts":2000,"type":"decision","run_id":"b","component":"c","source":"s","latency_ms":3}',
    '{"ts":1000,"type":"decision","run_id":"a","component":"c","source":"s","latency_ms":3000}',
  ]);
  const t = renderMetrics(s, snap, identity);
  const dec = t.split("\n").filter((l) => l.startsWith("peaktrade_ai_decisions_total{"));
  assert.deepEqual(dec, [
    'peaktrade_ai_decisions_total{run_id="a",component="c"} 1',
    'peaktrade_ai_decisions_total{run_id="b",component="c"} 1',
  ]);
  const buckets = t.split("\n").filter((l) => l.startsWith("peaktrade_ai_decision_latency_ms_bucket"));
  assert.deepEqual(buckets.map((l) => Number(l.split(" ")[1])), [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2]);
  assert.ok(t.includes("\npeaktrade_ai_decision_latency_ms_sum 3003\n"));
  assert.ok(t.includes('\npeaktrade_ai_last_event_timestamp_seconds_by_run_id{run_id="a"} 1\n'));
  assert.ok(t.includes('\npeaktrade_ai_last_event_timestamp_seconds{source="s"} 2\n'));
});
