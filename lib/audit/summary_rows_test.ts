import assert from "node:assert/strict";
import { join } from "node:path";
import { type GateResult, renderSummary } from "../verify/gates.ts";
import { summaryFileRow, summaryMissing, summaryTextRow, verdictRow } from "./summary_rows.ts";

const pass: GateResult = { key: "up", promql: "up", want: ">0", status: "PASS", value: 3, detail: "" };

Deno.test("summaryMissing and verdictRow: one DISAGREE row each when the summary is absent or its verdict is wrong", () => {
  assert.deepEqual(summaryMissing().map((r) => r.verdict), ["DISAGREE"]);
  assert.equal(verdictRow({ verdict: "PASS" }, [pass], "gates").verdict, "AGREE");
  const bad = verdictRow({ verdict: "FAIL" }, [pass], "checks");
  assert.equal(bad.verdict, "DISAGREE");
  assert.equal(bad.note, "summary verdict differs from the checks");
});

Deno.test("summaryTextRow names the first differing line; summaryFileRow renders the header keys in order", async () => {
  assert.equal(summaryTextRow("S.txt", null, "a").note, "S.txt missing");
  assert.equal(summaryTextRow("S.txt", "a\nb", "a\nb").verdict, "AGREE");
  const diff = summaryTextRow("S.txt", "a\nx", "a\nb");
  assert.deepEqual([diff.stored, diff.recomputed, diff.note], [
    "x",
    "b",
    "S.txt line 2 differs from the recomputed gates",
  ]);
  const dir = await Deno.makeTempDir();
  try {
    const summary = { b: "2", a: 1 };
    await Deno.writeTextFile(join(dir, "S.txt"), renderSummary({ b: "2", a: "1" }, [pass]));
    assert.equal((await summaryFileRow(dir, "S.txt", summary, ["b", "a"], [pass])).verdict, "AGREE");
    assert.equal((await summaryFileRow(dir, "S.txt", summary, ["a", "b"], [pass])).verdict, "DISAGREE");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
