import assert from "node:assert/strict";
import { splitSignedLine, withSignedLine } from "./signed_line.ts";

Deno.test("signed line: just before a closing verdict= line, else last; read back exactly", () => {
  const cases: [string, boolean, string][] = [
    ["a=1\nverdict=PASS\n", false, "a=1\nsigned=no\nverdict=PASS\n"],
    ["VERDICT: FAIL\nnotes\n", true, "VERDICT: FAIL\nnotes\nsigned=yes\n"],
    ["verdict=FAIL\n", true, "signed=yes\nverdict=FAIL\n"],
    ["", false, "signed=no\n"],
  ];
  for (const [text, signed, want] of cases) {
    const out = withSignedLine(text, signed);
    assert.equal(out, want);
    assert.deepEqual(splitSignedLine(out), { body: text, signed: signed ? "yes" : "no" });
  }
});

Deno.test("signed line: a summary without one, or with one elsewhere, has no claim", () => {
  assert.deepEqual(splitSignedLine("a=1\nverdict=PASS\n"), { body: "a=1\nverdict=PASS\n", signed: null });
  const inside = "signed=yes\na=1\nverdict=PASS\n";
  assert.deepEqual(splitSignedLine(inside), { body: inside, signed: null });
});
