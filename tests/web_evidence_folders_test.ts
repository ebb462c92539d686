// The page's evidence panel against real folders: proofs written by the product's own EvidenceFolder
// (the local verify's OPERATOR_NOTE.txt says `VERDICT: PASS`; the activity demo's summary says
// `verdict=FAIL`), beside the working folders real Prometheus and Alertmanager runs leave in the same
// root (TSDB, storage, `--check-only` configs). Only the proofs are listed, with their verdicts.
import assert from "node:assert/strict";
import { join } from "node:path";
import { startAlertStack } from "../testing/alert_stack.ts";
import { RULES_DIR } from "../lib/alerting/rule_files.ts";
import { EvidenceFolder } from "../lib/evidence/folder.ts";
import { runActivityDemo } from "../lib/verify/activity_demo.ts";
import { listEvidence } from "../lib/web/evidence.ts";
import { testApp } from "../testing/web_upstreams.ts";
import { freePort } from "../testing/net.ts";
import { runScript } from "../testing/script_proc.ts";

const T0 = Date.UTC(2026, 11, 2, 5, 0, 0);

Deno.test("evidence panel: local verify and demo verdicts parsed, Prometheus/Alertmanager working folders not listed", async () => {
  const root = await Deno.makeTempDir({ prefix: "tickproof_web_folders_" });
  try {
    const verify = await EvidenceFolder.create("ai_live_local_verify", { root, now: () => T0 });
    await verify.write(
      "OPERATOR_NOTE.txt",
      "tickproof local verify — 2026-12-02T05:00:00.000Z\n\nVERDICT: PASS\n  activity demo: PASS   (x)\n",
    );
    await verify.write("LATEST_DIRS.txt", "activity_demo=x\n");
    const verifyDir = await verify.finalize();
    // The real demo against nothing running: a FAIL proof, written at once.
    const demo = await runActivityDemo({
      promUrl: `http://127.0.0.1:${freePort()}`,
      exporterUrl: `http://127.0.0.1:${freePort()}`,
      eventsFile: join(root, "never_written.jsonl"),
      runId: "demo_for_page",
      n: 4,
      waitMs: 0,
      evidenceRoot: root,
      clock: { now: () => T0 + 1000, sleep: () => Promise.resolve() },
    });
    // Working folders with proof-like names: a real Prometheus + Alertmanager run, and --check-only.
    const work = join(root, "prometheus_20261202T050002Z");
    const stack = await startAlertStack({
      workDir: work,
      targets: { live_connector: "127.0.0.1:9" },
      rulesDir: RULES_DIR,
      interval: "1s",
    });
    await stack.stop();
    assert.ok((await Deno.stat(join(work, "tsdb"))).isDirectory, "Prometheus wrote its TSDB");
    for (
      const [script, dir] of [
        ["scripts/prom.ts", "prometheus_20261202T050003Z"],
        ["scripts/alertmanager.ts", "alertmanager_20261202T050004Z"],
      ]
    ) {
      const r = await runScript(script, ["--check-only", "--work-dir", join(root, dir)]);
      assert.equal(r.code, 0, r.stderr);
    }

    const view = await listEvidence(root, 20);
    assert.equal(view.total, 2);
    assert.deepEqual(view.folders.map((f) => [f.dir, f.verdict, f.verdictFile, f.hasManifest]), [
      [demo.dir.slice(root.length + 1), "FAIL", "ACTIVITY_DEMO_SUMMARY.txt", true],
      [verifyDir.slice(root.length + 1), "PASS", "OPERATOR_NOTE.txt", true],
    ]);
    // Nor are working folders' files served.
    const { handler } = testApp({}, { evidenceDir: root });
    const res = await handler(
      new Request(`http://web.test/api/evidence/prometheus_20261202T050003Z/prometheus.yml`),
    );
    assert.equal(res.status, 404);
    await res.body?.cancel();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
