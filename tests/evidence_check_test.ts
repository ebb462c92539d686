// The tamper matrix of `./tp evidence check`: real proof folders (on-call and ops verify against a real
// Prometheus + Alertmanager, the activity demo against nothing running), copied per case, changed the
// way a tamperer would, and checked with the real CLI. Each change is caught with the right message.
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { RULES_DIR } from "../lib/alerting/rule_files.ts";
import { buildManifest, MANIFEST_NAME } from "../lib/evidence/manifest.ts";
import { generateKey, publicKeyLine, writeKeyPair } from "../lib/evidence/ssh_key.ts";
import { SIGNING_KEY_ENV } from "../lib/evidence/ssh_key_path.ts";
import { loadOncallConfig, ONCALL_CONFIG_PATH } from "../lib/oncall/config.ts";
import { runOncall } from "../lib/oncall/run.ts";
import { instantQuery } from "../lib/prom/client.ts";
import { runActivityDemo } from "../lib/verify/activity_demo.ts";
import { runOpsVerify } from "../lib/verify/ops_verify.ts";
import { waitForValue } from "../lib/async/poll.ts";
import { startAlertStack } from "../testing/alert_stack.ts";
import { withDemoStack } from "../testing/demo_stack.ts";
import { exporterEventsFile } from "../lib/verify/activity_demo.ts";
import { freePort } from "../testing/net.ts";
import { runScript } from "../testing/script_proc.ts";

interface Case {
  name: string;
  base: "oncall" | "ops" | "activity" | "signed";
  change: (dir: string) => Promise<string | void>;
  args?: (dir: string) => string[];
  code: number;
  says: RegExp;
}

const edit = async (dir: string, rel: string, f: (t: string) => string) => {
  const text = await Deno.readTextFile(join(dir, rel));
  const changed = f(text);
  assert.notEqual(changed, text, `the tamper changed ${rel}`);
  await Deno.writeTextFile(join(dir, rel), changed);
};
/** What a careful tamperer does after an edit: rebuild the manifest so sha256sum passes again. */
const reseal = async (dir: string) =>
  await Deno.writeTextFile(join(dir, MANIFEST_NAME), await buildManifest(dir));
/** A case's change: edit one file, then reseal. */
const editSealed = (rel: string, f: (t: string) => string) => async (dir: string) => {
  await edit(dir, rel, f);
  await reseal(dir);
};

const CASES: Case[] = [
  {
    name: "untouched on-call folder",
    base: "oncall",
    change: async () => {},
    code: 0,
    says: /evidence check: AGREE \(oncall/,
  },
  {
    name: "untouched ops verify folder",
    base: "ops",
    change: async () => {},
    code: 0,
    says: /evidence check: AGREE/,
  },
  {
    name: "untouched activity demo folder",
    base: "activity",
    change: async () => {},
    code: 0,
    says: /evidence check: AGREE/,
  },
  {
    name: "raw answer changed (up 0 -> 1), manifest rebuilt",
    base: "oncall",
    change: editSealed("prom/up.json", (t) => t.replace(/"0"\]/, '"1"]')),
    code: 1,
    says: /up_live_connector: recomputed from the raw answer differs/,
  },
  {
    name: "ops raw answer changed (empty -> one up), manifest rebuilt",
    base: "ops",
    change: editSealed(
      "prom/gate_heartbeat_rc.json",
      (t) => t.replace(/"result":\[\]/, '"result":[{"metric":{},"value":[1,"1"]}]'),
    ),
    code: 1,
    says: /heartbeat_rc: recomputed from the raw answer differs/,
  },
  {
    name: "summary value changed (FAIL 0 -> PASS 1), manifest rebuilt",
    base: "oncall",
    change: async (d) => {
      const s = JSON.parse(await Deno.readTextFile(join(d, "summary.json")));
      const g = s.checks.find((c: { key: string }) => c.key === "up_live_connector");
      Object.assign(g, { status: "PASS", value: 1 });
      await Deno.writeTextFile(join(d, "summary.json"), JSON.stringify(s, null, 2) + "\n");
      await reseal(d);
    },
    code: 1,
    says: /up_live_connector: recomputed from the raw answer differs/,
  },
  {
    name: "text summary changed (verdict=FAIL -> PASS), manifest rebuilt",
    base: "oncall",
    change: editSealed("ONCALL_SUMMARY.txt", (t) => t.replace("verdict=FAIL", "verdict=PASS")),
    code: 1,
    says: /ONCALL_SUMMARY\.txt line \d+ differs/,
  },
  {
    name: "a failing gate's testcase dropped from gates.junit.xml, manifest rebuilt",
    base: "oncall",
    change: editSealed(
      "gates.junit.xml",
      (t) => t.replace(/ *<testcase name="up_live_connector"[\s\S]*?<\/testcase>\n/, ""),
    ),
    code: 1,
    says: /gates\.junit\.xml: up_live_connector missing/,
  },
  {
    name: "a file edited (run.json)",
    base: "oncall",
    change: (d) => edit(d, "run.json", (t) => t.replace('"oncall"', '"oncall-x"')),
    code: 1,
    says: /run\.json: checksum differs/,
  },
  {
    name: "a file added (extra.txt)",
    base: "oncall",
    change: (d) => Deno.writeTextFile(join(d, "extra.txt"), "planted\n"),
    code: 1,
    says: /extra\.txt: not in the manifest/,
  },
  {
    name: "a file dropped (prom/gaps.json)",
    base: "oncall",
    change: (d) => Deno.remove(join(d, "prom/gaps.json")),
    code: 1,
    says: /prom\/gaps\.json: listed in the manifest but missing/,
  },
  {
    name: "unknown folder kind",
    base: "oncall",
    change: async (d) => {
      const to = join(d, "..", basename(d).replace(/^oncall/, "mystery"));
      await Deno.rename(d, to);
      return to;
    },
    code: 2,
    says: /unknown folder kind "mystery"/,
  },
  {
    name: "signed by the product, untouched",
    base: "signed",
    change: async () => {},
    args: (d) => ["--pubkey", join(d, "..", "..", "key", "evidence_ed25519.pub")],
    code: 0,
    says: /evidence check: AGREE/,
  },
  {
    name: "signed, then a file edited and the manifest rebuilt",
    base: "signed",
    change: editSealed("run.json", (t) => t.replace('"oncall"', '"oncall-x"')),
    args: (d) => ["--pubkey", join(d, "..", "..", "key", "evidence_ed25519.pub")],
    code: 1,
    says: /MANIFEST_SHA256\.txt\.sig: signature does not match the message/,
  },
  {
    name: "signed, checked against another key",
    base: "signed",
    change: async (d) => {
      await Deno.writeTextFile(join(d, "..", "other.pub"), publicKeyLine(generateKey("x").publicKey) + "\n");
    },
    args: (d) => ["--pubkey", join(d, "..", "other.pub")],
    code: 1,
    says: /not the allowed signer/,
  },
  {
    name: "signature removed, manifest rebuilt (the summary still says signed=yes)",
    base: "signed",
    change: async (d) => {
      await Deno.remove(join(d, `${MANIFEST_NAME}.sig`));
      await reseal(d);
    },
    code: 1,
    says: /ONCALL_SUMMARY\.txt says signed=yes/,
  },
];

async function realFolders(root: string): Promise<Record<Case["base"], string>> {
  const stack = await startAlertStack({
    workDir: join(root, "stack"),
    targets: { live_connector: "127.0.0.1:9" },
    rulesDir: RULES_DIR,
    interval: "1s",
  });
  try {
    const promUrl = stack.prom.url;
    await waitForValue(
      "Prometheus to scrape live_connector once",
      async () => (await instantQuery(promUrl, 'up{job="live_connector"}')).samples.length > 0 || undefined,
      { timeoutMs: 60_000, everyMs: 250 },
    );
    const evidenceRoot = join(root, "proofs");
    const oncall = await runOncall({
      promUrl,
      amUrl: stack.am!.url,
      config: await loadOncallConfig(),
      configPath: ONCALL_CONFIG_PATH,
      evidenceRoot,
    });
    const ops = await runOpsVerify({
      promUrl,
      exporterUrl: `http://127.0.0.1:${freePort()}`,
      evidenceRoot,
      readyTimeoutMs: 10_000,
      waitMs: 0,
    });
    const activity = await runActivityDemo({
      promUrl: `http://127.0.0.1:${freePort()}`,
      exporterUrl: `http://127.0.0.1:${freePort()}`,
      eventsFile: join(root, "never_written.jsonl"),
      runId: "evidence_check",
      n: 4,
      waitMs: 0,
      evidenceRoot,
    });
    // The same proof with a signing key configured the way an operator does it (the env names the key).
    const keyPath = join(root, "key", "evidence_ed25519");
    await Deno.mkdir(join(root, "key"));
    await writeKeyPair(keyPath, generateKey("evidence-check-test"));
    Deno.env.set(SIGNING_KEY_ENV, keyPath);
    const signed = await runOncall({
      promUrl,
      amUrl: stack.am!.url,
      config: await loadOncallConfig(),
      configPath: ONCALL_CONFIG_PATH,
      evidenceRoot: join(root, "signed_proofs"),
    }).finally(() => Deno.env.delete(SIGNING_KEY_ENV));
    return { oncall: oncall.dir, ops: ops.dir, activity: activity.dir, signed: signed.dir };
  } finally {
    await stack.stop();
  }
}

Deno.test("evidence check: the tamper matrix on real proof folders", async () => {
  const root = await Deno.makeTempDir({ prefix: "tickproof_evidence_check_" });
  try {
    const base = await realFolders(root);
    // coreutils agrees with the untouched folder
    const sums = await new Deno.Command("sha256sum", {
      args: ["-c", "--strict", "--quiet", MANIFEST_NAME],
      cwd: base.oncall,
    })
      .output();
    assert.equal(sums.code, 0, new TextDecoder().decode(sums.stdout));
    const matrix: string[] = ["| change | exit | evidence check said |", "| --- | --- | --- |"];
    for (const [i, c] of CASES.entries()) {
      const caseRoot = join(root, `case_${i}`);
      await Deno.mkdir(caseRoot);
      let dir = join(caseRoot, basename(base[c.base]));
      await new Deno.Command("cp", { args: ["-a", base[c.base], dir] }).output();
      dir = (await c.change(dir)) || dir;
      const r = await runScript("scripts/evidence.ts", ["check", dir, ...(c.args?.(dir) ?? [])]);
      const out = r.stdout + r.stderr;
      const said = out.split("\n").find((l) => c.says.test(l)) ?? out.trim().split("\n").at(-1) ?? "";
      matrix.push(`| ${c.name} | ${r.code} | ${said.replace(/\s+/g, " ").trim().slice(0, 150)} |`);
      assert.equal(r.code, c.code, `${c.name}:\n${out}`);
      assert.match(out, c.says, c.name);
    }
    console.log(`\nTamper matrix:\n${matrix.join("\n")}\n`);
  } finally {
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
});

Deno.test("evidence check: folders from the real demo stack (data in every gate) agree; a forged value does not", async () => {
  await withDemoStack(
    "tp_evidence_check_",
    (dir) =>
      Promise.resolve({ venues: ["binance"], symbols: ["BTC-USDT"], webEvidenceDir: join(dir, "web_ev") }),
    async (s, dir) => {
      const evidenceRoot = join(dir, "proofs");
      const eventsFile = await exporterEventsFile(s.exporterUrl);
      assert.ok(eventsFile);
      const activity = await runActivityDemo({
        promUrl: s.promUrl,
        exporterUrl: s.exporterUrl,
        eventsFile,
        runId: "evidence_check_live",
        n: 8,
        waitMs: 60_000,
        evidenceRoot,
      });
      const ops = await runOpsVerify({
        promUrl: s.promUrl,
        exporterUrl: s.exporterUrl,
        evidenceRoot,
        readyTimeoutMs: 30_000,
        waitMs: 60_000,
      });
      const oncall = await runOncall({
        promUrl: s.promUrl,
        amUrl: s.amUrl,
        config: await loadOncallConfig(),
        configPath: ONCALL_CONFIG_PATH,
        evidenceRoot,
      });
      assert.equal(activity.verdict, "PASS", activity.summaryText);
      const withValues = oncall.results.filter((r) => r.value !== null).length;
      assert.ok(withValues >= 5, oncall.table);
      for (const d of [activity.dir, ops.dir, oncall.dir]) {
        const r = await runScript("scripts/evidence.ts", ["check", d]);
        assert.equal(r.code, 0, `${d}\n${r.stdout}${r.stderr}`);
      }
      // Forge a passing value into the ops summary and rebuild the manifest: the gate is named.
      const summary = JSON.parse(await Deno.readTextFile(join(ops.dir, "summary.json")));
      summary.gates[1].value = 7;
      await Deno.writeTextFile(join(ops.dir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
      await reseal(ops.dir);
      const r = await runScript("scripts/evidence.ts", ["check", ops.dir]);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stdout, new RegExp(`${summary.gates[1].key}: recomputed from the raw answer differs`));
      const list = await runScript("scripts/evidence.ts", ["list", "--root", evidenceRoot]);
      console.log(`\n${list.stdout}`);
    },
  );
});
