import assert from "node:assert/strict";
import { parseFolderName } from "../evidence/kinds.ts";
import { parseAge, planPrune, type PruneCandidate, stampMs } from "./prune.ts";

const f = (dir: string, verdict: "PASS" | "FAIL" | null): PruneCandidate => ({
  ...parseFolderName(dir)!,
  verdict,
});
const NOW = Date.UTC(2026, 11, 10, 0, 0, 0);

Deno.test("ages and stamps", () => {
  assert.equal(parseAge("30d"), 30 * 86_400_000);
  assert.equal(parseAge("90s"), 90_000);
  assert.equal(parseAge("1w"), null);
  assert.equal(parseAge("-1d"), null);
  assert.equal(stampMs("20261210T000000Z"), NOW);
});

Deno.test("prune: beyond the newest N and older than D go, the newest PASS of each kind never does", () => {
  const folders = [
    f("oncall_20261209T000000Z", "FAIL"), // newest
    f("oncall_20261208T000000Z", "FAIL"),
    f("oncall_20261201T000000Z", "PASS"), // newest PASS: stays although old
    f("oncall_20261130T000000Z", "PASS"),
    f("oncall_20261129T000000Z", "FAIL"),
    f("ai_live_ops_verify_20261209T230000Z", "FAIL"), // within 1d: stays
    f("ai_live_ops_verify_20261209T230000Z_2", "FAIL"), // newest of its kind
    f("ai_live_ops_verify_20261101T000000Z", null),
  ];
  const plan = planPrune(folders, NOW, 1, parseAge("1d")!);
  assert.deepEqual(plan.remove, [
    "ai_live_ops_verify_20261101T000000Z",
    "oncall_20261129T000000Z",
    "oncall_20261130T000000Z",
    "oncall_20261208T000000Z",
  ]);
  assert.deepEqual(plan.keep, [
    { dir: "ai_live_ops_verify_20261209T230000Z", why: "younger than the age limit" },
    { dir: "ai_live_ops_verify_20261209T230000Z_2", why: "newest 1" },
    { dir: "oncall_20261201T000000Z", why: "newest PASS" },
    { dir: "oncall_20261209T000000Z", why: "newest 1" },
  ]);
  assert.deepEqual(planPrune(folders, NOW, 0, 0).remove.includes("oncall_20261201T000000Z"), false);
});

Deno.test("prune: the folders a kept local verify judged stay with it", () => {
  const local = { ...f("ai_live_local_verify_20261209T000000Z", "PASS"), refs: ["oncall_20261101T000000Z"] };
  const plan = planPrune(
    [local, f("oncall_20261102T000000Z", "FAIL"), f("oncall_20261101T000000Z", "FAIL")],
    NOW,
    1,
    0,
  );
  assert.deepEqual(plan.remove, []);
  assert.deepEqual(plan.keep.find((k) => k.dir === "oncall_20261101T000000Z"), {
    dir: "oncall_20261101T000000Z",
    why: "judged by ai_live_local_verify_20261209T000000Z",
  });
});
