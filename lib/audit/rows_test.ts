import assert from "node:assert/strict";
import { byKey, compareGate, gateText, row, storedOutcome, unexpected } from "./rows.ts";

const result = { key: "k", promql: "q", want: ">0", status: "PASS" as const, value: 2, detail: "d" };

Deno.test("stored answers: the writer's error envelope is the failed query; a body goes through the parser", () => {
  assert.deepEqual(storedOutcome('{"error":"connection refused"}', "q"), {
    promql: "q",
    raw: '{"error":"connection refused"}',
    ok: false,
    error: "connection refused",
    samples: [],
  });
  const ok = storedOutcome('{"status":"success","data":{"resultType":"vector","result":[]}}', "q");
  assert.equal(ok.ok, true);
  assert.equal(storedOutcome("", "q").ok, false);
});

Deno.test("gate comparison: status and value, the detail unless ERROR, NaN as stored", () => {
  assert.equal(compareGate("k", result, result).verdict, "AGREE");
  assert.equal(
    compareGate("k", { ...result, value: 3 }, result).note,
    "k: recomputed from the raw answer differs",
  );
  assert.match(compareGate("k", { ...result, detail: "x" }, result).note, /detail differs/);
  const err = { ...result, status: "ERROR" as const, value: null };
  assert.equal(compareGate("k", { ...err, detail: "then" }, { ...err, detail: "now" }).verdict, "AGREE");
  assert.equal(compareGate("k", { ...result, value: null }, { ...result, value: NaN }).verdict, "AGREE");
  assert.equal(compareGate("k", undefined, result).note, "gate missing from the summary");
  assert.equal(gateText({ status: "FAIL", value: 0.5 }), "FAIL 0.5");
  assert.deepEqual(unexpected(byKey([{ key: "k" }, { key: "planted" }]), ["k"]).map((r) => r.note), [
    "planted: not a gate of this kind",
  ]);
  assert.equal(row("x", "a", "a", "why").note, "");
});
