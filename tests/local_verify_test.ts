// The one-command proof, run once in the suite exactly as an operator runs it (contract ports, the
// whole local stack started by the proof itself): verdict PASS and the evidence contract.
import assert from "node:assert/strict";
import { join } from "node:path";
import { PORTS } from "../lib/config/ports.ts";
import { EVIDENCE_DIR_RE } from "../lib/evidence/stamp.ts";
import { portTaken } from "../lib/proc/child.ts";
import { runScript } from "./support/net.ts";
import { sha256sumCheck } from "./support/sha256sum.ts";

Deno.test({
  name: "task verify: the full local stack comes up, the proof PASSes, and every folder is sealed",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const busy = [];
    for (const [name, port] of Object.entries(PORTS)) {
      if (await portTaken("127.0.0.1", port)) busy.push(`${name}:${port}`);
    }
    assert.deepEqual(
      busy,
      [],
      "this test starts the stack itself: stop whatever holds the contract ports first",
    );
    const root = await Deno.makeTempDir({ prefix: "tp_verify_" });
    try {
      const r = await runScript("verify/local_verify.ts", ["--out-root", root, "--wait-s", "90"]);
      assert.equal(r.code, 0, `verify failed:\n${r.stdout}\n${r.stderr}`);
      const dir = /^evidence: (.+)$/m.exec(r.stdout)?.[1];
      assert.ok(dir);
      const name = dir.split("/").at(-1)!;
      assert.equal(EVIDENCE_DIR_RE.exec(name)?.groups?.name, "ai_live_local_verify");
      const note = await Deno.readTextFile(join(dir, "OPERATOR_NOTE.txt"));
      assert.match(note, /^VERDICT: PASS$/m);
      for (const c of ["venue-sim", "feed", "shadow", "exporter", "alertmanager", "web", "prometheus"]) {
        assert.match(
          note,
          new RegExp(`^  ${c}\\s*:\\d+\\s+started\\s+pid \\d+$`, "m"),
          `${c} not started by the proof`,
        );
      }
      // Real data flowed: bars from the simulated venues and decisions from the real strategy.
      const flow = JSON.parse(await Deno.readTextFile(join(dir, "stack/data_flow.json")));
      assert.ok(flow.feed_bars_closed > 0, `no bars: ${JSON.stringify(flow)}`);
      assert.ok(flow.strategy_decisions > 0, `no strategy decisions: ${JSON.stringify(flow)}`);
      const scan = await Deno.readTextFile(join(dir, "KEY_MATERIAL_SCAN.txt"));
      assert.match(scan, /^self_test=PASS \(8\/8 /m);
      assert.match(scan, /^verdict=CLEAN$/m);
      const latest = Object.fromEntries(
        (await Deno.readTextFile(join(dir, "LATEST_DIRS.txt"))).trim().split("\n").map((l) => l.split("=")),
      );
      const ops = latest.ops_verify, demo = latest.activity_demo;
      const summary = (await Deno.readTextFile(join(ops, "AI_LIVE_OPS_SUMMARY.txt"))).trim().split("\n");
      assert.ok(summary.includes("up_jobs_rc=3"));
      assert.ok(summary.includes("heartbeat_rc=1"));
      assert.equal(summary.at(-1), "verdict=PASS");
      assert.match(await Deno.readTextFile(join(demo, "ACTIVITY_DEMO_SUMMARY.txt")), /^verdict=PASS$/m);
      for (const d of [dir, ops, demo]) assert.equal((await sha256sumCheck(d)).code, 0, `manifest of ${d}`);
      // Nothing is left running and no staging folder is left behind.
      for (const [n, port] of Object.entries(PORTS)) {
        assert.equal(await portTaken("127.0.0.1", port), false, `${n} still up`);
      }
      const staging = [];
      for await (const e of Deno.readDir(join(root, ".staging"))) staging.push(e.name);
      assert.deepEqual(staging, []);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
