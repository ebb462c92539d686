import assert from "node:assert/strict";
import type { QueryOutcome, Sample } from "../prom/client.ts";
import { evaluateGate, OPS_GATES, overallVerdict, renderSeriesTsv, renderSummary } from "./gates.ts";

const ok = (promql: string, samples: Sample[]): QueryOutcome => ({ promql, raw: "{}", ok: true, samples });
const gate = (key: string) => OPS_GATES.find((g) => g.key === key)!;

Deno.test("up_jobs_rc counts jobs at 1 and names the ones down or missing", () => {
  const g = gate("up_jobs_rc");
  assert.equal(g.promql, 'up{job=~"ai_live|peak_trade_web|shadow_mvs"}');
  const one = evaluateGate(
    g,
    ok(g.promql, [{ metric: { job: "ai_live" }, value: 1 }, { metric: { job: "shadow_mvs" }, value: 0 }]),
  );
  assert.equal(one.status, "FAIL");
  assert.equal(one.value, 1);
  assert.equal(one.detail, "not up: peak_trade_web(missing),shadow_mvs(down)");
  const all = evaluateGate(
    g,
    ok(g.promql, ["ai_live", "peak_trade_web", "shadow_mvs"].map((job) => ({ metric: { job }, value: 1 }))),
  );
  assert.equal(all.status, "PASS");
  assert.equal(all.value, 3);
});

Deno.test("an empty result is NO_DATA and a failed query is ERROR, never a pass", () => {
  const g = gate("decisions_sum");
  assert.deepEqual(evaluateGate(g, ok(g.promql, [])), {
    key: "decisions_sum",
    promql: "sum(peaktrade_ai_decisions_total)",
    want: ">0",
    status: "NO_DATA",
    value: null,
    detail: "empty result",
  });
  const err = evaluateGate(g, {
    promql: g.promql,
    raw: "",
    ok: false,
    error: "connection refused",
    samples: [],
  });
  assert.equal(err.status, "ERROR");
  assert.equal(overallVerdict([err]), "FAIL");
  assert.equal(overallVerdict([]), "FAIL");
});

Deno.test("value gates: decisions_sum > 0, counts >= 1, heartbeat exactly 1", () => {
  assert.equal(evaluateGate(gate("decisions_sum"), ok("", [{ metric: {}, value: 0 }])).status, "FAIL");
  assert.equal(evaluateGate(gate("decisions_sum"), ok("", [{ metric: {}, value: 15 }])).status, "PASS");
  assert.equal(evaluateGate(gate("run_id_count"), ok("", [{ metric: {}, value: 2 }])).status, "PASS");
  assert.equal(
    evaluateGate(gate("last_event_ts_by_run_id_count"), ok("", [{ metric: {}, value: 1 }])).status,
    "PASS",
  );
  assert.equal(evaluateGate(gate("heartbeat_rc"), ok("", [{ metric: {}, value: 1 }])).status, "PASS");
  assert.equal(evaluateGate(gate("heartbeat_rc"), ok("", [{ metric: {}, value: 0 }])).status, "FAIL");
});

Deno.test("summary: key=value with values shown, failing gate named, verdict last", () => {
  const results = [
    evaluateGate(gate("up_jobs_rc"), ok("", [{ metric: { job: "ai_live" }, value: 1 }])),
    evaluateGate(gate("decisions_sum"), ok("", [{ metric: {}, value: 42 }])),
    evaluateGate(gate("heartbeat_rc"), ok("", [])),
  ];
  const text = renderSummary({ prometheus_url: "http://127.0.0.1:9092" }, results);
  const lines = text.trimEnd().split("\n");
  assert.equal(lines[0], "prometheus_url=http://127.0.0.1:9092");
  assert.ok(lines.includes("up_jobs_rc=1"));
  assert.ok(lines.includes("decisions_sum=42"));
  assert.ok(lines.includes("heartbeat_rc=NO_DATA"));
  assert.ok(
    lines.includes(
      "gate.up_jobs_rc=FAIL (want =3, got 1; not up: peak_trade_web(missing),shadow_mvs(missing))",
    ),
  );
  assert.equal(lines.at(-2), "failed_gates=up_jobs_rc,heartbeat_rc");
  assert.equal(lines.at(-1), "verdict=FAIL");
  for (const l of lines) assert.match(l, /^[a-z_.]+=/);
});

Deno.test("series TSV: name, PromQL, result_count, values", () => {
  const tsv = renderSeriesTsv([
    { name: "decisions_sum", outcome: ok("sum(x)", [{ metric: {}, value: 2.5 }]) },
    { name: "up", outcome: ok("up", [{ metric: { job: "b", instance: "a" }, value: 1 }]) },
    { name: "bad", outcome: { promql: "y", raw: "", ok: false, error: "boom", samples: [] } },
  ]);
  assert.equal(
    tsv,
    "name\tpromql\tresult_count\tvalues\n" +
      "decisions_sum\tsum(x)\t1\t{}=2.5\n" +
      'up\tup\t1\t{instance="a",job="b"}=1\n' +
      "bad\ty\tERROR\tERROR: boom\n",
  );
});
