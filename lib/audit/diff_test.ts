import assert from "node:assert/strict";
import { diffGates, gateCell } from "./diff.ts";

Deno.test("diff: status changes, value deltas, gates added and removed", () => {
  const a = [
    { key: "up", status: "PASS", value: 3 },
    { key: "hb", status: "PASS", value: 1 },
    { key: "lat", status: "PASS", value: 12.5 },
    { key: "gone", status: "NO_DATA", value: null },
  ];
  const b = [
    { key: "up", status: "FAIL", value: 2 },
    { key: "hb", status: "PASS", value: 1 },
    { key: "lat", status: "PASS", value: 12 },
    { key: "new", status: "PASS", value: 0 },
  ];
  assert.deepEqual(diffGates(a, b).map((c) => [c.key, c.change]), [
    ["up", "PASS -> FAIL, -1"],
    ["hb", "same"],
    ["lat", "-0.5"],
    ["gone", "removed"],
    ["new", "added"],
  ]);
  assert.equal(gateCell(null), "-");
  assert.equal(gateCell({ key: "x", status: "NO_DATA", value: null }), "NO_DATA");
  assert.equal(gateCell({ key: "x", status: "PASS", value: 0.25 }), "PASS 0.25");
});
