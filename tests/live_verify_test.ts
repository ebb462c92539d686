// `./tp live-verify` end to end as a black box (real simulator and loop processes on free ports), on a
// reduced matrix that still reaches every gate: a kill -9 after the ack (warm start applies the missed
// fill), a lost ack (settled by query), and the drawdown -> kill switch -> restart -> reset drill. The
// folder it writes must pass `./tp evidence check` (every gate recomputed from its raw files).
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runScript, startScript } from "../testing/script_proc.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const GATES = [
  "no_client_order_id_placed_twice",
  "venue_fills_recorded_once",
  "oms_positions_balances_equal_venue",
  "no_order_in_flight_after_grace",
  "kill_switch_persisted_across_restart",
  "health_503_during_reconciliation_then_200",
  "fault_cases_completed",
];

Deno.test("live-verify: --help exits 0; an unknown case is one line, exit 2", async () => {
  const help = await runScript("scripts/live_verify.ts", ["--help"], { cwd: ROOT });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: \.\/tp live-verify/);
  assert.match(help.stdout, /crash_after_intent, crash_after_send, crash_after_ack, crash_during_cancel/);
  const bad = await runScript("scripts/live_verify.ts", ["--cases", "nope"], { cwd: ROOT });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^live-verify: --cases takes names from crash_after_intent,/);
});

Deno.test("live-verify: a reduced matrix passes every gate and its folder re-checks AGREE offline", async () => {
  const root = await Deno.makeTempDir({ prefix: "tp_live_verify_" });
  let passed = false;
  try {
    const r = await runScript(
      "scripts/live_verify.ts",
      ["--cases", "crash_after_ack,lost_ack,drawdown_kill_switch", "--out-root", root],
      { cwd: ROOT, env: { NO_COLOR: "1", TICKPROOF_SIGNING_KEY: "" }, timeoutMs: 180_000 },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const dir = /^evidence: (.+)$/m.exec(r.stdout)?.[1] ?? "";
    assert.ok(dir.startsWith(join(root, "live_loop_verify_")), r.stdout);
    const summary = await Deno.readTextFile(join(dir, "LIVE_LOOP_VERIFY_SUMMARY.txt"));
    for (const g of GATES) assert.match(summary, new RegExp(`^gate\\.${g}=PASS `, "m"), g);
    assert.match(summary, /^cases=crash_after_ack,lost_ack,drawdown_kill_switch$/m);
    assert.match(summary, /^fault_cases_completed=3$/m);
    assert.match(summary, /^kill_switch_persisted_across_restart=1$/m);
    assert.match(summary, /verdict=PASS\n(signed=\w+\n)?$/);
    assert.match(
      r.stderr,
      /^live-verify: case crash_after_ack: ok: killed at after_ack; warm start settled lv-\d+ as FILLED$/m,
    );
    const junit = await Deno.readTextFile(join(dir, "gates.junit.xml"));
    for (const g of GATES) assert.match(junit, new RegExp(`<testcase name="${g}"`), g);
    for (
      const f of [
        "run.json",
        "MANIFEST_SHA256.txt",
        "RECONCILIATION_REPORT.txt",
        "venue/view_before.json",
        "venue/view_after.json",
        "api/oms_before.json",
        "api/oms_after.json",
        "venue/orders_truth.jsonl",
        "venue/fills_truth.jsonl",
      ]
    ) assert.ok((await Deno.stat(join(dir, f))).isFile, f);
    // Each warm start was held in its reconciliation (signed reads stalled at the venue) until the proof
    // saw its 503, then released once: the gate's window no longer depends on the machine's speed.
    const starts = JSON.parse(await Deno.readTextFile(join(dir, "api/health_starts.json")));
    const warm = starts.filter((s: { n: number }) => s.n > 1);
    assert.equal(warm.length, 3, "after the crash point start, after the crash, after the kill switch");
    const chaos = (await Deno.readTextFile(join(dir, "venue/chaos_log.jsonl"))).trim().split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(chaos.filter((l) => l.kind === "reads_released").length, warm.length);
    const held = chaos.filter((l) => l.kind === "read_held");
    assert.ok(held.length >= warm.length);
    for (const h of held) {
      assert.match(h.route, /^GET \/binance\/api\/v3\/(openOrders|myTrades|account|order)$/, h.route);
    }
    // The loop's start after the crash applied the fill it never logged, and said so.
    assert.match(
      await Deno.readTextFile(join(dir, "RECONCILIATION_REPORT.txt")),
      /"missed_fill: lv-\d+ fill"/,
    );

    const check = await runScript("scripts/evidence.ts", ["check", dir, "--json"], { cwd: ROOT });
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const report = JSON.parse(check.stdout);
    assert.equal(report.ok, true);
    const gateRows = report.rows.filter((x: { check: string }) => x.check.startsWith("gate "));
    assert.deepEqual(gateRows.map((x: { check: string }) => x.check.slice(5)), GATES);
    assert.ok(gateRows.every((x: { verdict: string }) => x.verdict === "AGREE"));
    const list = await runScript("scripts/evidence.ts", ["list", "--root", root, "--json"], { cwd: ROOT });
    const rows = JSON.parse(list.stdout);
    assert.deepEqual([rows[0].kind, rows[0].verdict, rows[0].known], ["live_loop_verify", "PASS", true]);
    passed = true;
  } finally {
    // A failed run keeps its folder for a look (the path is in the assertion's output).
    if (passed) await Deno.remove(root, { recursive: true });
  }
});

Deno.test("live-verify: Ctrl-C mid-matrix stops the children and still seals a FAIL folder", async () => {
  const root = await Deno.makeTempDir({ prefix: "tp_live_verify_int_" });
  const p = startScript(
    "scripts/live_verify.ts",
    ["--cases", "lost_ack,storm_429,drawdown_kill_switch", "--out-root", root],
    { cwd: ROOT, env: { NO_COLOR: "1", TICKPROOF_SIGNING_KEY: "" } },
  );
  try {
    await p.waitFor("stderr", "the first case's result", /^live-verify: case lost_ack: ok/m, 120_000);
    const done = await p.stop("SIGINT", 120_000);
    assert.equal(done.code, 1, done.stdout + done.stderr);
    const dir = /^evidence: (.+)$/m.exec(done.stdout)?.[1] ?? "";
    const summary = await Deno.readTextFile(join(dir, "LIVE_LOOP_VERIFY_SUMMARY.txt"));
    assert.match(summary, /^verdict=FAIL$/m);
    const cases = JSON.parse(await Deno.readTextFile(join(dir, "cases.json")));
    assert.deepEqual(cases.at(-1), {
      name: "drawdown_kill_switch",
      ok: false,
      detail: "not run: interrupted",
    });
    // No simulator or loop is left running on this run's files.
    const ps = await new Deno.Command("ps", { args: ["-eo", "args"] }).output();
    assert.ok(!new TextDecoder().decode(ps.stdout).includes(root), "a child outlived the proof");
    const check = await runScript("scripts/evidence.ts", ["check", dir], { cwd: ROOT });
    assert.equal(check.code, 0, check.stdout + check.stderr);
  } finally {
    await p.close();
    await Deno.remove(root, { recursive: true });
  }
});
