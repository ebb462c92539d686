import assert from "node:assert/strict";
import { gateJudgement } from "./gate_judgement.ts";
import type { GateResult } from "./gates.ts";

const gate = (key: string, status: GateResult["status"]): GateResult => ({
  key,
  promql: key,
  want: ">0",
  status,
  value: status === "PASS" ? 1 : 0,
  detail: "",
});

Deno.test("gateJudgement: one verdict for the text summary and summary.json, header first, gates under listKey", () => {
  const results = [gate("a", "PASS"), gate("b", "FAIL")];
  const j = gateJudgement("S.txt", { url: "http://x" }, results, "checks");
  assert.equal(j.verdict, "FAIL");
  assert.equal(j.summary.file, "S.txt");
  assert.match(j.summary.text, /^url=http:\/\/x\n/);
  assert.match(j.summary.text, /verdict=FAIL\n?$/);
  assert.deepEqual(Object.keys(j.summaryJson as object), ["url", "checks", "verdict"]);
  assert.equal(j.gates, results);
  assert.equal(gateJudgement("S.txt", {}, [gate("a", "PASS")], "gates").verdict, "PASS");
});
