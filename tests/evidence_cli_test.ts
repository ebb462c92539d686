// ./tp evidence list, diff, prune, keygen and usage errors, through the real CLI.
import assert from "node:assert/strict";
import { join } from "node:path";
import { EvidenceFolder } from "../lib/evidence/folder.ts";
import { parsePublicKeyLine } from "../lib/evidence/ssh_key.ts";
import { runScript } from "../testing/script_proc.ts";

const cli = (...args: string[]) => runScript("scripts/evidence.ts", args);
const DAY = 86_400_000;

async function ops(root: string, ms: number, up: number) {
  const ev = await EvidenceFolder.create("ai_live_ops_verify", { root, now: () => ms });
  const verdict = up === 3 ? "PASS" : "FAIL";
  await ev.write("AI_LIVE_OPS_SUMMARY.txt", `verdict=${verdict}\n`);
  await ev.writeJson("summary.json", {
    gates: [{ key: "up_jobs_rc", status: verdict, value: up }, {
      key: "heartbeat_rc",
      status: "PASS",
      value: 1,
    }],
    verdict,
  });
  return await ev.finalize();
}

Deno.test("evidence CLI: help, usage errors and a missing folder are 0 / 2", async () => {
  for (const sub of [[], ["check"], ["list"], ["diff"], ["prune"], ["keygen"]]) {
    const r = await cli(...sub, "--help");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: \.\/tp evidence/);
  }
  assert.equal((await cli()).code, 2);
  assert.equal((await cli("frobnicate")).code, 2);
  const missing = await cli("check", "/nonexistent/oncall_20260101T000000Z");
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such folder/);
  assert.match((await cli("prune", "--keep", "1")).stderr, /needs --keep N and --older-than D/);
  assert.match(
    (await cli("prune", "--keep", "1", "--older-than", "1w")).stderr,
    /--older-than must look like/,
  );
});

Deno.test("evidence CLI: list newest first, diff with deltas, prune keeps the newest PASS", async () => {
  const root = await Deno.makeTempDir();
  try {
    const now = Date.now();
    const oldPass = await ops(root, now - 30 * DAY, 3);
    const oldFail = await ops(root, now - 20 * DAY, 2);
    const newFail = await ops(root, now - 1000, 1);
    await Deno.mkdir(join(root, ".staging", "ai_live_ops_verify_20990101T000000Z_x"), { recursive: true });

    const list = await cli("list", "--root", root, "--json");
    assert.equal(list.code, 0, list.stderr);
    const rows = JSON.parse(list.stdout);
    assert.deepEqual(
      rows.map((r: { path: string; verdict: string; failed: string[] }) => [r.path, r.verdict, r.failed]),
      [
        [newFail, "FAIL", ["up_jobs_rc"]],
        [oldFail, "FAIL", ["up_jobs_rc"]],
        [oldPass, "PASS", []],
      ],
    );
    const table = await cli("list", "--root", root);
    assert.match(table.stdout.split("\n")[0], /^KIND\s+STAMP\s+VERDICT\s+SIGNED\s+FAILED$/);

    const diff = await cli("diff", oldPass, newFail);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /up_jobs_rc\s+PASS 3\s+FAIL 1\s+PASS -> FAIL, -2/);
    assert.match(diff.stdout, /heartbeat_rc\s+PASS 1\s+PASS 1\s+same/);
    assert.deepEqual(
      JSON.parse((await cli("diff", oldPass, newFail, "--json")).stdout).gates[0].change,
      "PASS -> FAIL, -2",
    );

    const checked = await cli("check", oldPass, "--json");
    assert.equal(checked.code, 1, "no raw answers in this hand-made folder: every gate disagrees");
    const report = JSON.parse(checked.stdout);
    assert.equal(report.ok, false);
    assert.match(
      report.rows.map((r: { note: string }) => r.note).join("\n"),
      /up_jobs_rc: raw answer prom\/gate_up_jobs_rc\.json missing/,
    );

    const dry = await cli("prune", "--keep", "1", "--older-than", "7d", "--root", root, "--dry-run");
    assert.match(dry.stdout, /would remove ai_live_ops_verify_\d{8}T\d{6}Z\n$/);
    assert.match(dry.stdout, /newest PASS/);
    const pruned = await cli("prune", "--keep", "1", "--older-than", "7d", "--root", root);
    assert.equal(pruned.code, 0, pruned.stderr);
    const left = JSON.parse((await cli("list", "--root", root, "--json")).stdout).map((r: { path: string }) =>
      r.path
    );
    assert.deepEqual(left, [newFail, oldPass]);
    assert.ok((await Deno.stat(join(root, ".staging", "ai_live_ops_verify_20990101T000000Z_x"))).isDirectory);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("evidence CLI: keygen writes the pair, prints the public key and allowed_signers line, never the private key", async () => {
  const root = await Deno.makeTempDir();
  try {
    const path = join(root, "keys", "evidence_ed25519");
    const r = await cli("keygen", "--path", path);
    assert.equal(r.code, 0, r.stderr);
    const priv = await Deno.readTextFile(path);
    const body = priv.trim().split("\n").slice(1, -1);
    assert.ok(body.length >= 3);
    for (const line of body) {
      assert.ok(!(r.stdout + r.stderr).includes(line), "no line of the private key printed");
    }
    assert.doesNotMatch(r.stdout + r.stderr, /PRIVATE KEY/);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    const pub = (await Deno.readTextFile(`${path}.pub`)).trim();
    assert.ok(r.stdout.includes(pub));
    assert.deepEqual(parsePublicKeyLine(pub).length, 32);
    assert.match(r.stdout, /^tickproof namespaces="tickproof-evidence" ssh-ed25519 /m);
    const again = await cli("keygen", "--path", path);
    assert.equal(again.code, 2, "an existing key is never replaced: a setup problem, exit 2");
    assert.match(again.stderr, /already exists/);
    assert.equal((await cli("keygen", "--path", ".local_tmp/k")).code, 2);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
