// A local verify folder built with the proof's own writers (stack gates judged by httpGate against a
// real HTTP server, componentsGate, evaluateGate; the note, the key scan), then checked offline.
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { EvidenceFolder } from "../evidence/folder.ts";
import { renderScanReport, scanDirs, selfTest } from "../evidence/key_scan.ts";
import { buildManifest, MANIFEST_NAME } from "../evidence/manifest.ts";
import { parseQueryAnswer } from "../prom/client.ts";
import { evaluateGate } from "../verify/gates.ts";
import { renderOperatorNote, wholeVerdict } from "../verify/operator_note.ts";
import type { ComponentStatus } from "../verify/stack.ts";
import { HTTP_BODY_OK, httpGate, type JudgedGate, stackPromGates } from "../verify/stack_gates.ts";
import { componentsGate, writeStackEvidence } from "../verify/stack_judge.ts";
import { checkFolder } from "./check.ts";

const T0 = Date.UTC(2026, 11, 2, 6, 0, 0);
const answer = (v: string) =>
  JSON.stringify({
    status: "success",
    data: { resultType: "vector", result: [{ metric: {}, value: [1, v] }] },
  });

/** The web page, and the live loop's /health saying ready (what live_loop_ready accepts). */
const site = (req: Request) =>
  new URL(req.url).pathname === "/health"
    ? Response.json({
      status: "ready",
      components: { reconciliation: { status: "ok" }, risk_manager: { kill_switch: "ACTIVE" } },
    })
    : new Response("<html><body>tickproof</body></html>");

async function sealed(root: string, kind: string, ms: number, verdict: string) {
  const ev = await EvidenceFolder.create(kind, { root, now: () => ms });
  await ev.writeJson("summary.json", { verdict });
  return await ev.finalize();
}

async function localFolder(root: string, url: string, deadUrl: string): Promise<string> {
  const activity = await sealed(root, "ai_live_activity_demo", T0, "PASS");
  const ops = await sealed(root, "ai_live_ops_verify", T0 + 1000, "PASS");
  const statuses: ComponentStatus[] = [
    { name: "feed", port: 1, state: "started", detail: "pid 1" },
    { name: "prometheus", port: 2, state: "already_running", detail: url },
  ];
  const gates: JudgedGate[] = [
    componentsGate(statuses),
    ...stackPromGates(["binance"], true).map((g) => {
      const v: Record<string, string> = {
        feed_up: "1",
        live_loop_up: "1",
        live_loop_kill_switch_active: "0",
      };
      const raw = answer(v[g.key] ?? "7");
      return { result: evaluateGate(g, parseQueryAnswer(raw, g.promql)), raw };
    }),
    await httpGate("live_loop_ready", `${url}/health`, HTTP_BODY_OK.live_loop_ready),
    await httpGate("alertmanager_ready", `${deadUrl}/-/ready`, HTTP_BODY_OK.alertmanager_ready),
    await httpGate("web_page", `${url}/`, HTTP_BODY_OK.web_page),
  ];
  const ev = await EvidenceFolder.create("ai_live_local_verify", { root, now: () => T0 + 2000 });
  await writeStackEvidence(ev, gates);
  await ev.write(
    "LATEST_DIRS.txt",
    `activity_demo=${activity}\nops_verify=${ops}\nlocal_verify=${ev.intended}\n`,
  );
  const scan = renderScanReport([basename(ev.intended)], await scanDirs([ev.staging], "."), selfTest());
  await ev.write("KEY_MATERIAL_SCAN.txt", scan.text);
  const verdict = wholeVerdict("PASS", "PASS", gates, scan.clean);
  const summaryText = "failed_gates=none\n";
  await ev.write(
    "OPERATOR_NOTE.txt",
    renderOperatorNote({
      started: T0,
      verdict,
      activity: { verdict: "PASS", dir: activity },
      ops: { verdict: "PASS", dir: ops, summaryText },
      stackGates: gates,
      scanClean: scan.clean,
      flow: {},
      statuses,
    }),
  );
  return await ev.finalize();
}

Deno.test("local verify folder: every stack gate, the parts and the whole verdict recomputed offline", async () => {
  const root = await Deno.makeTempDir();
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    site,
  );
  const dead = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, () => new Response(""));
  const deadUrl = `http://127.0.0.1:${dead.addr.port}`;
  await dead.shutdown(); // nothing listens there any more: the gate is an ERROR with the reason
  try {
    const dir = await localFolder(root, `http://127.0.0.1:${server.addr.port}`, deadUrl);
    const report = await checkFolder(dir, null);
    const bad = report.rows.filter((r) => r.verdict === "DISAGREE");
    assert.deepEqual(bad, [], JSON.stringify(bad));
    const byCheck = new Map(report.rows.map((r) => [r.check, r]));
    assert.equal(byCheck.get("gate web_page")?.recomputed, "PASS 200");
    assert.equal(byCheck.get("gate alertmanager_ready")?.recomputed, "ERROR");
    assert.equal(byCheck.get("gate stack_components")?.recomputed, "PASS 2");
    assert.equal(byCheck.get("gate feed_trades_binance")?.recomputed, "PASS 7");
    assert.equal(byCheck.get("gate live_loop_ready")?.recomputed, "PASS 200");
    assert.equal(byCheck.get("gate live_loop_kill_switch_active")?.recomputed, "PASS 0");
    assert.equal(byCheck.get("gate live_loop_reconciled")?.recomputed, "PASS 7");
    assert.equal(byCheck.get("ops_verify verdict")?.verdict, "AGREE");
    assert.equal(byCheck.get("verdict")?.recomputed, "FAIL");

    // A raw answer changed and the manifest rebuilt: the gate is named.
    await Deno.writeTextFile(join(dir, "stack/gate_feed_up.txt"), answer("0"));
    await Deno.writeTextFile(join(dir, MANIFEST_NAME), await buildManifest(dir));
    const again = await checkFolder(dir, null);
    assert.deepEqual(again.rows.filter((r) => r.verdict === "DISAGREE").map((r) => r.note), [
      "feed_up: recomputed from the raw answer differs",
    ]); // the stack verdict was FAIL already (alertmanager_ready), so it still agrees
    assert.equal(again.ok, false);

    // A failing gate dropped from stack_gates.json (its raw answer left), manifest rebuilt: named.
    const json = JSON.parse(await Deno.readTextFile(join(dir, "stack/stack_gates.json")));
    json.gates = json.gates.filter((g: { key: string }) => g.key !== "alertmanager_ready");
    await Deno.writeTextFile(join(dir, "stack/stack_gates.json"), JSON.stringify(json, null, 2) + "\n");
    await Deno.writeTextFile(join(dir, MANIFEST_NAME), await buildManifest(dir));
    const dropped = await checkFolder(dir, null);
    assert.ok(
      dropped.rows.some((r) =>
        r.verdict === "DISAGREE" &&
        r.note === "alertmanager_ready: a stack gate missing from stack/stack_gates.json"
      ),
      JSON.stringify(dropped.rows.filter((r) => r.verdict === "DISAGREE")),
    );
  } finally {
    await server.shutdown();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("local verify folder: a judged folder pruned away is skipped, the note's word used", async () => {
  const root = await Deno.makeTempDir();
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    site,
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    const dir = await localFolder(root, url, url);
    for await (const e of Deno.readDir(root)) {
      if (e.name.startsWith("ai_live_ops_verify_")) {
        await Deno.remove(join(root, e.name), { recursive: true });
      }
    }
    const report = await checkFolder(dir, null);
    assert.equal(report.ok, true, JSON.stringify(report.rows.filter((r) => r.verdict !== "AGREE")));
    const skipped = report.rows.filter((r) => r.verdict === "SKIP").map((r) => r.check);
    assert.deepEqual(skipped, ["signature", "signed claim", "ops_verify verdict"]);
    assert.equal(report.rows.find((r) => r.check === "verdict")?.recomputed, "PASS");
  } finally {
    await server.shutdown();
    await Deno.remove(root, { recursive: true });
  }
});
