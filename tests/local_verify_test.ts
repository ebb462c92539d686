// The one-command proof, run in the suite exactly as an operator runs it (contract ports, the whole
// local stack started by the proof itself): verdict PASS and the evidence contract; and a venue the
// feed cannot reach makes the whole-stack verdict FAIL naming that venue's gates.
import assert from "node:assert/strict";
import { join } from "node:path";
import { PORTS } from "../lib/config/ports.ts";
import { EVIDENCE_DIR_RE } from "../lib/evidence/stamp.ts";
import { portTaken } from "../lib/proc/child.ts";
import { runScript } from "../testing/script_proc.ts";
import { sha256sumCheck } from "../testing/sha256sum.ts";

async function assertPortsFree(): Promise<void> {
  const busy = [];
  for (const [name, port] of Object.entries(PORTS)) {
    if (await portTaken("127.0.0.1", port)) busy.push(`${name}:${port}`);
  }
  assert.deepEqual(
    busy,
    [],
    "this test starts the stack itself: stop whatever holds the contract ports first",
  );
}

/** Every text file under `dir` (recursively) that mentions `needle`. */
async function filesMentioning(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) hits.push(...await filesMentioning(p, needle));
    else if ((await Deno.readTextFile(p)).includes(needle)) hits.push(p);
  }
  return hits;
}

Deno.test({
  name: "task verify: the full local stack comes up, the proof PASSes, and every folder is sealed",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await assertPortsFree();
    const root = await Deno.makeTempDir({ prefix: "tp_verify_" });
    try {
      // node-exporter's textfile folder is the operator's (data/textfile/): a temp one here.
      const r = await runScript("scripts/local_verify.ts", ["--out-root", root, "--wait-s", "90"], {
        env: { TICKPROOF_TEXTFILE_DIR: join(root, "textfile") },
      });
      assert.equal(r.code, 0, `verify failed:\n${r.stdout}\n${r.stderr}`);
      const dir = /^evidence: (.+)$/m.exec(r.stdout)?.[1];
      assert.ok(dir);
      const name = dir.split("/").at(-1)!;
      assert.equal(EVIDENCE_DIR_RE.exec(name)?.groups?.name, "ai_live_local_verify");
      const note = await Deno.readTextFile(join(dir, "OPERATOR_NOTE.txt"));
      assert.match(note, /^VERDICT: PASS$/m);
      for (
        const c of [
          "venue-sim",
          "feed",
          "shadow",
          "live",
          "exporter",
          "node-exporter",
          "alertmanager",
          "web",
          "prometheus",
        ]
      ) {
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
      // The whole stack is gated, each gate with its source and raw answer in the evidence.
      assert.match(note, /^ {2}stack gates: {3}PASS {3}failed gates: none /m);
      const tsv = (await Deno.readTextFile(join(dir, "stack/STACK_GATES.tsv"))).trim().split("\n");
      assert.equal(tsv[0], "key\tsource\twant\tstatus\tvalue\tdetail\traw");
      const keys = tsv.slice(1).map((l) => l.split("\t")[0]);
      for (
        const k of ["stack_components", "feed_up", "strategy_decisions", "alertmanager_ready", "web_page"]
      ) {
        assert.ok(keys.includes(k), `no ${k} gate in ${tsv.join("\n")}`);
      }
      // The live loop (paper mode on the simulator's private API) is part of the stack and gated.
      assert.deepEqual(keys.filter((k) => k.startsWith("live_loop_")), [
        "live_loop_up",
        "live_loop_kill_switch_active",
        "live_loop_reconciled",
        "live_loop_ready",
      ]);
      for (const v of ["binance", "bybit", "okx", "kraken"]) {
        assert.ok(keys.includes(`feed_bars_closed_${v}`) && keys.includes(`feed_trades_${v}`), v);
      }
      for (const row of tsv.slice(1)) {
        const [key, source, , status, , , raw] = row.split("\t");
        assert.equal(status, "PASS", row);
        assert.match(note, new RegExp(`^ {2}${key}\\s+PASS\\s+\\(want `, "m"));
        assert.ok((await Deno.readTextFile(join(dir, raw))).length > 0, `${key}: empty raw answer`);
        if (key === "feed_up") assert.equal(source, 'up{job="live_connector"}');
      }
      // Paths named in the console and the evidence are the final ones, never the staging folder.
      assert.ok(!r.stdout.includes(".staging") && !r.stderr.includes(".staging"), r.stderr);
      assert.deepEqual(await filesMentioning(root, ".staging/"), []);
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

Deno.test({
  name: "task verify: a venue the feed cannot reach FAILs the proof on that venue's bar and trade gates",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await assertPortsFree();
    const root = await Deno.makeTempDir({ prefix: "tp_verify_venue_down_" });
    try {
      // Kraken's endpoints point at a port nothing listens on; the AI pack alone would still PASS.
      const r = await runScript("scripts/local_verify.ts", ["--out-root", root, "--wait-s", "20"], {
        env: {
          KRAKEN_WS_URL: "ws://127.0.0.1:1/kraken/v2",
          KRAKEN_REST_URL: "http://127.0.0.1:1/kraken",
          TICKPROOF_TEXTFILE_DIR: join(root, "textfile"),
        },
      });
      assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
      const note = await Deno.readTextFile(join(/^evidence: (.+)$/m.exec(r.stdout)![1], "OPERATOR_NOTE.txt"));
      assert.match(note, /^VERDICT: FAIL$/m);
      assert.match(note, /^ {2}ops verify: {4}PASS /m);
      assert.match(
        note,
        /^ {2}stack gates: {3}FAIL {3}failed gates: feed_bars_closed_kraken,feed_trades_kraken[, ]/m,
      );
      assert.match(note, /^ {2}feed_bars_closed_kraken\s+FAIL\s+\(want >0, got 0\)$/m);
      assert.match(note, /^ {2}feed_trades_kraken\s+FAIL\s+\(want >0, got 0\)$/m);
      for (const v of ["binance", "bybit", "okx"]) {
        assert.match(note, new RegExp(`^ {2}feed_bars_closed_${v}\\s+PASS `, "m"));
      }
      assert.match(note, /^ {2}feed_up\s+PASS /m);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
