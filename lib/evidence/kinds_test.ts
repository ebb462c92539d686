import assert from "node:assert/strict";
import { join } from "node:path";
import { EvidenceFolder } from "./folder.ts";
import {
  isKnownKind,
  listProofFolders,
  newestFirst,
  parseFolderName,
  readFolderSummary,
  readGates,
  SIGNATURE_NAME,
} from "./kinds.ts";

const T0 = Date.UTC(2026, 11, 2, 5, 0, 0);

Deno.test("folder names: kind, stamp and the same second's sequence", () => {
  assert.deepEqual(parseFolderName("ai_live_ops_verify_20261121T010203Z_2"), {
    dir: "ai_live_ops_verify_20261121T010203Z_2",
    kind: "ai_live_ops_verify",
    stamp: "20261121T010203Z",
    seq: 2,
  });
  assert.equal(parseFolderName("oncall_20261121T010203Z")?.seq, 1);
  assert.equal(parseFolderName(".staging"), null);
  assert.equal(parseFolderName("events"), null);
  assert.equal(isKnownKind("oncall"), true);
  assert.equal(isKnownKind("mystery"), false);
  const names = ["a_20260101T000000Z", "a_20260101T000000Z_2", "b_20260102T000000Z"].map((n) =>
    parseFolderName(n)!
  );
  assert.deepEqual(names.sort(newestFirst).map((n) => n.dir), [
    "b_20260102T000000Z",
    "a_20260101T000000Z_2",
    "a_20260101T000000Z",
  ]);
});

async function sealed(root: string, kind: string, ms: number, files: Record<string, unknown>) {
  const ev = await EvidenceFolder.create(kind, { root, now: () => ms });
  for (const [rel, v] of Object.entries(files)) {
    await (typeof v === "string" ? ev.write(rel, v) : ev.writeJson(rel, v));
  }
  return await ev.finalize();
}

Deno.test("listing and summaries: sealed folders only, newest first, verdict, failed gates, signed", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(root, ".staging", "oncall_20261202T060000Z_ab"), { recursive: true });
    await Deno.mkdir(join(root, "events"));
    await Deno.mkdir(join(root, "prometheus_20261202T070000Z")); // a working folder: no manifest
    const ops = await sealed(root, "ai_live_ops_verify", T0, {
      "AI_LIVE_OPS_SUMMARY.txt": "verdict=FAIL\n",
      "summary.json": {
        gates: [{ key: "up_jobs_rc", status: "PASS", value: 3 }, {
          key: "heartbeat_rc",
          status: "NO_DATA",
          value: null,
        }],
        verdict: "FAIL",
      },
    });
    await Deno.writeTextFile(join(ops, SIGNATURE_NAME), "sig");
    await sealed(root, "ai_live_activity_demo", T0 + 1000, {
      "ACTIVITY_DEMO_SUMMARY.txt": "verdict=PASS\n",
      "summary.json": {
        decisions_emitted: "15",
        decisions_seen_in_prometheus: "15",
        run_scoped_last_event_series: "1",
        verdict: "PASS",
      },
    });
    await sealed(root, "ai_live_local_verify", T0 + 2000, {
      "OPERATOR_NOTE.txt": "VERDICT: FAIL\n  activity demo: PASS   (x)\n  ops verify:    FAIL   failed\n" +
        "  key scan:      NOT CLEAN   (KEY_MATERIAL_SCAN.txt)\n",
      "stack/stack_gates.json": { gates: [{ key: "feed_up", status: "PASS", value: 1 }], verdict: "PASS" },
      "LATEST_DIRS.txt":
        `activity_demo=${root}/ai_live_activity_demo_x\nops_verify=.local_tmp/ops_y\nlocal_verify=z\n`,
    });
    await sealed(root, "mystery", T0 + 3000, { "note.txt": "verdict=PASS\n" });
    const { exists, folders } = await listProofFolders(root);
    assert.equal(exists, true);
    assert.deepEqual(folders.map((f) => f.kind), [
      "mystery",
      "ai_live_local_verify",
      "ai_live_activity_demo",
      "ai_live_ops_verify",
    ]);
    const s = await Promise.all(folders.map((f) => readFolderSummary(root, f)));
    assert.deepEqual(s.map((x) => [x.known, x.verdict, x.failed, x.signed]), [
      [false, null, [], false],
      [true, "FAIL", ["ops_verify", "key_material_scan"], false],
      [true, "PASS", [], false],
      [true, "FAIL", ["heartbeat_rc"], true],
    ]);
    assert.deepEqual(s[1].refs, ["ai_live_activity_demo_x", "ops_y"]);
    assert.deepEqual(await readGates(ops, "ai_live_ops_verify"), [
      { key: "up_jobs_rc", status: "PASS", value: 3 },
      { key: "heartbeat_rc", status: "NO_DATA", value: null },
    ]);
    assert.deepEqual(await listProofFolders(join(root, "nope")), { exists: false, folders: [] });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
