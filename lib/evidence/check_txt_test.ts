// CHECK.txt's commands, run as a third party would: bash, coreutils, ssh-keygen and jq on a real
// folder. They pass on the sealed folder and fail once it is changed.
import assert from "node:assert/strict";
import { join } from "node:path";
import { EvidenceFolder } from "./folder.ts";
import { MANIFEST_NAME } from "./manifest.ts";
import { generateKey } from "./ssh_key.ts";
import { allowedSignersLine, signSshsig } from "./sshsig.ts";
import { CHECK_TXT, renderCheckTxt } from "./check_txt.ts";
import { gateSource } from "./gate_sources.ts";

/** The indented command lines of section `n.` (continuations joined). */
function section(text: string, n: number): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`${n}. `));
  const body: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!l.startsWith("  ") || l.startsWith("  (")) break;
    body.push(l.trim());
  }
  return body.join("\n").replaceAll("\\\n", " ");
}

async function bash(cwd: string, script: string, stdin?: Uint8Array) {
  const p = new Deno.Command("bash", {
    args: ["-c", script],
    cwd,
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  })
    .spawn();
  if (stdin) {
    const w = p.stdin.getWriter();
    await w.write(stdin);
    await w.close();
  }
  const out = await p.output();
  return { code: out.code, out: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr) };
}

Deno.test("gate sources: raw answer and jq path per kind", () => {
  assert.deepEqual(gateSource("oncall", "up_ai_live").raw, ["prom/up.json"]);
  assert.deepEqual(gateSource("oncall", "critical_alerts_unaddressed").raw, ["alertmanager/alerts.json"]);
  assert.equal(gateSource("ai_live_ops_verify", "heartbeat_rc").raw[0], "prom/gate_heartbeat_rc.json");
  assert.equal(gateSource("ai_live_local_verify", "web_page").json, "stack/stack_gates.json");
  assert.equal(
    gateSource("ai_live_activity_demo", "decisions_seen_in_prometheus").jq,
    ".decisions_seen_in_prometheus",
  );
  assert.deepEqual(gateSource("backtest", "negative_balances").raw, ["bars.tsv"]);
  assert.deepEqual(gateSource("backtest", "parity_tracking_error").raw, ["bars.tsv", "paper_orders.json"]);
  assert.match(renderCheckTxt("oncall", [], false), /2\. Signature: none \(this proof is unsigned\)\./);
});

Deno.test("CHECK.txt: its commands pass on the sealed, signed folder and fail once it is changed", async () => {
  const root = await Deno.makeTempDir();
  try {
    const ev = await EvidenceFolder.create("ai_live_ops_verify", { root, now: () => 0 });
    await ev.writeJson("summary.json", {
      gates: [{ key: "heartbeat_rc", status: "PASS", value: 1 }],
      verdict: "PASS",
    });
    await ev.write("prom/gate_heartbeat_rc.json", "{}");
    const text = renderCheckTxt("ai_live_ops_verify", ["heartbeat_rc"], true);
    await ev.write(CHECK_TXT, text);
    const dir = await ev.finalize();
    const key = generateKey("t");
    const manifest = await Deno.readFile(join(dir, MANIFEST_NAME));
    await Deno.writeTextFile(join(dir, `${MANIFEST_NAME}.sig`), signSshsig(manifest, key));
    const signers = join(root, "allowed_signers");
    await Deno.writeTextFile(signers, allowedSignersLine("tickproof", key.publicKey) + "\n");

    const files = section(text, 1),
      signature = section(text, 2).replace("-f allowed_signers", `-f ${signers}`);
    assert.equal((await bash(dir, files)).code, 0, files);
    const verified = await bash(dir, signature);
    assert.equal(verified.code, 0, verified.out);
    const jq = /stated value: (.*)$/m.exec(text)![1];
    assert.equal((await bash(dir, jq)).out.trim(), "1");

    await Deno.writeTextFile(join(dir, "extra.txt"), "x");
    assert.notEqual((await bash(dir, files)).code, 0, "an unlisted file fails step 1");
    await Deno.remove(join(dir, "extra.txt"));
    await Deno.writeTextFile(join(dir, MANIFEST_NAME), new TextDecoder().decode(manifest) + "\n");
    assert.notEqual((await bash(dir, signature)).code, 0, "a changed manifest fails step 2");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
