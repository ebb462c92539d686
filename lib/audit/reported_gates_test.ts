import assert from "node:assert/strict";
import { join } from "node:path";
import { renderJunit } from "../evidence/junit.ts";
import { checkReportedGates, junitGates, recomputedGates } from "./reported_gates.ts";
import type { CheckRow } from "./rows.ts";

const r = (check: string, recomputed: string, verdict: CheckRow["verdict"] = "AGREE"): CheckRow => ({
  check,
  stored: recomputed,
  recomputed,
  verdict,
  note: "",
});
const ROWS = [
  r("gate up", "PASS 1"),
  r("gate gaps", "FAIL 3"),
  r("gate lat", "NO_DATA"),
  r("verdict", "FAIL"),
];
const gate = (key: string, status: "PASS" | "FAIL" | "NO_DATA") => ({
  key,
  promql: "q",
  want: ">0",
  status,
  value: status === "PASS" ? 1 : null,
  detail: "",
});

Deno.test("reported gates: recomputed statuses per kind (local verify parts, activity counts)", () => {
  assert.deepEqual([...recomputedGates("oncall", ROWS)], [["up", true], ["gaps", false], ["lat", false]]);
  const local = [
    r("key scan", "CLEAN"),
    r("ops_verify verdict", "FAIL"),
    r("activity_demo verdict", "-", "SKIP"),
  ];
  assert.deepEqual([...recomputedGates("ai_live_local_verify", local)], [["key_material_scan", true], [
    "ops_verify",
    false,
  ]]);
  const activity = [
    r("gate decisions_emitted", "5"),
    r("gate decisions_seen_in_prometheus", "4"),
    r("gate run_scoped_last_event_series", "1"),
  ];
  assert.deepEqual([...recomputedGates("ai_live_activity_demo", activity)], [
    ["decisions_seen_in_prometheus", false],
    ["run_scoped_last_event_series", true],
  ]);
});

Deno.test("reported gates: JUnit and attestation lists held to the recomputed gates", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const write = (gates: ReturnType<typeof gate>[]) =>
      Deno.writeTextFile(
        join(dir, "gates.junit.xml"),
        renderJunit({ name: "oncall", timestamp: "t", seconds: 1, gates }),
      );
    await write([gate("up", "PASS"), gate("gaps", "FAIL"), gate("lat", "NO_DATA")]);
    assert.deepEqual([...junitGates(await Deno.readTextFile(join(dir, "gates.junit.xml")))], [
      ["up", true],
      ["gaps", false],
      ["lat", false],
    ]);
    assert.deepEqual((await checkReportedGates(dir, "oncall", ROWS)).map((x) => x.verdict), ["AGREE"]);
    await write([gate("up", "PASS"), gate("gaps", "PASS")]);
    const [bad] = await checkReportedGates(dir, "oncall", ROWS);
    assert.equal(bad.verdict, "DISAGREE");
    assert.equal(bad.note, "gates.junit.xml: gaps says pass; lat missing");
    await Deno.writeTextFile(
      join(dir, "attestation.intoto.json"),
      JSON.stringify({ predicate: { passedTests: ["up", "gaps", "lat"], failedTests: [] } }),
    );
    const rows = await checkReportedGates(dir, "oncall", ROWS);
    assert.equal(rows[1].note, "attestation.intoto.json tests: gaps says pass; lat says pass");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
