import assert from "node:assert/strict";
import type { GateRecord } from "./gate_record.ts";
import { statementProblems, TEST_RESULT_TYPE, testResultStatement } from "./intoto.ts";

const H = "a".repeat(64), K = "b".repeat(64);
const gate = (key: string, status: GateRecord["status"]): GateRecord => ({
  key,
  promql: "q",
  want: ">0",
  status,
  value: 1,
  detail: "",
});

const make = (gates: GateRecord[]) =>
  testResultStatement({
    files: new Map([["summary.txt", H], ["a/raw.json", K]]),
    gates,
    command: "./tp verify",
    config: new Map([["config/ports.json", K]]),
  });

Deno.test("in-toto: subjects are the files sorted with sha256, predicate lists gates by outcome", () => {
  const s = make([gate("a", "PASS"), gate("b", "FAIL"), gate("c", "NO_DATA"), gate("d", "WARN")]);
  assert.deepEqual(s.subject, [{ name: "a/raw.json", digest: { sha256: K } }, {
    name: "summary.txt",
    digest: { sha256: H },
  }]);
  assert.equal(s.predicateType, TEST_RESULT_TYPE);
  assert.equal(s.predicate.result, "FAILED");
  assert.deepEqual([s.predicate.passedTests, s.predicate.warnedTests, s.predicate.failedTests], [
    ["a"],
    ["d"],
    ["b", "c"],
  ]);
  assert.deepEqual(s.predicate.configuration, [
    { uri: "tickproof:command", annotations: { command: "./tp verify" } },
    { name: "config/ports.json", digest: { sha256: K } },
  ]);
  assert.deepEqual(statementProblems(JSON.parse(JSON.stringify(s))), []);
});

Deno.test("in-toto: result is PASSED only when every gate passed, WARNED with warnings, FAILED with none", () => {
  assert.equal(make([gate("a", "PASS")]).predicate.result, "PASSED");
  assert.equal(make([gate("a", "PASS"), gate("b", "WARN")]).predicate.result, "WARNED");
  assert.equal(make([]).predicate.result, "FAILED");
});

Deno.test("in-toto: the structural rules of Statement v1 and test-result v0.1 catch each break", () => {
  const good = () => JSON.parse(JSON.stringify(make([gate("a", "PASS")])));
  // deno-lint-ignore no-explicit-any -- the cases break a parsed JSON document on purpose
  const cases: [string, (s: Record<string, any>) => void, string][] = [
    [
      "_type",
      (s) => (s._type = "https://in-toto.io/Statement/v0.1"),
      "_type is not https://in-toto.io/Statement/v1",
    ],
    ["predicateType", (s) => (s.predicateType = "x"), `predicateType is not ${TEST_RESULT_TYPE}`],
    ["empty subject", (s) => (s.subject = []), "subject is not a non-empty list"],
    [
      "subject without digest",
      (s) => (s.subject = [{ name: "x", uri: "file:x" }]),
      "subject[0] has no digest",
    ],
    [
      "bad digest",
      (s) => (s.subject[0].digest.sha256 = "xyz"),
      "subject[0].digest.sha256 is not a sha256 hex value",
    ],
    ["result", (s) => (s.predicate.result = "OK"), "predicate.result is not PASSED, WARNED or FAILED"],
    ["configuration", (s) => delete s.predicate.configuration, "predicate.configuration is not a list"],
    [
      "empty descriptor",
      (s) => s.predicate.configuration.push({ name: "x" }),
      "predicate.configuration[2] has none of uri, digest, content",
    ],
    ["failedTests", (s) => (s.predicate.failedTests = [1]), "predicate.failedTests is not a list of strings"],
  ];
  for (const [what, breakIt, want] of cases) {
    const s = good();
    breakIt(s);
    assert.deepEqual(statementProblems(s), [want], what);
  }
  assert.deepEqual(statementProblems([]), ["the statement is not a JSON object"]);
});
