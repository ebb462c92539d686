// The proof scripts' CLI contract: --help exits 0, bad input exits 2 with one line, a busy port or
// a missing Prometheus is an environment error (2) that says what to do, and verify never starts
// around a contract port held by something that is not its component.
import assert from "node:assert/strict";
import { join } from "node:path";
import { PORTS } from "../lib/config/ports.ts";
import { generateKey, privateKeyText } from "../lib/evidence/ssh_key.ts";
import { runScript } from "../testing/script_proc.ts";

const SCRIPTS = [
  "scripts/local_verify.ts",
  "scripts/ops_verify.ts",
  "scripts/activity_demo.ts",
  "scripts/prom.ts",
];

for (const script of SCRIPTS) {
  Deno.test(`${script}: --help exits 0 with usage; an unknown flag exits 2 with one line`, async () => {
    const help = await runScript(script, ["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: \.\/tp /);
    const bad = await runScript(script, ["--no-such-flag"]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, "");
    assert.equal(bad.stderr.trim().split("\n").length, 1);
    assert.match(bad.stderr, /Unknown option '--no-such-flag' \(see --help\)/);
  });
}

Deno.test("ops-verify: a non-numeric --wait-s is a usage error naming the flag", async () => {
  const r = await runScript("scripts/ops_verify.ts", ["--wait-s", "soon"]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim(), 'ops-verify: --wait-s must be a whole number from 0 to 3600, got "soon"');
});

Deno.test("ops-verify and oncall: a configured signing key that cannot be used stops the proof (2), nothing written", async () => {
  const root = await Deno.makeTempDir({ prefix: "tp_signkey_" });
  try {
    const env = { TICKPROOF_SIGNING_KEY: join(root, "missing_key") };
    const enc = join(root, "enc_key");
    await Deno.writeTextFile(
      enc,
      "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----\n",
    );
    for (
      const [script, key, says] of [
        [
          "scripts/ops_verify.ts",
          env.TICKPROOF_SIGNING_KEY,
          /missing_key: cannot read the signing key \(no such file\)/,
        ],
        ["scripts/oncall.ts", enc, /enc_key: not a valid OpenSSH private key/],
      ] as const
    ) {
      const out = join(root, "out");
      const r = await runScript(script, ["--out-root", out], { env: { TICKPROOF_SIGNING_KEY: key } });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, says);
      assert.ok(!r.stderr.includes("not a key"), "key file content never echoed");
      assert.equal(await Deno.stat(out).then(() => true, () => false), false, "no evidence root created");
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("ops-verify: a key pasted into TICKPROOF_SIGNING_KEY (instead of a path) is refused without echoing it", async () => {
  const key = privateKeyText(generateKey("pasted"));
  const root = await Deno.makeTempDir({ prefix: "tp_pasted_key_" });
  try {
    const r = await runScript("scripts/ops_verify.ts", ["--out-root", join(root, "out")], {
      env: { TICKPROOF_SIGNING_KEY: key },
    });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr.trim(),
      "ops-verify: TICKPROOF_SIGNING_KEY must be the path of a key file, not the key itself (its value is not shown)",
    );
    for (const line of key.trim().split("\n")) {
      assert.ok(!(r.stdout + r.stderr).includes(line), "key text echoed");
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("activity-demo: an invalid run id is refused before anything is written", async () => {
  const r = await runScript("scripts/activity_demo.ts", [
    "--run-id",
    "has space",
    "--events",
    "/nonexistent/x.jsonl",
  ]);
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr.trim(),
    'activity-demo: --run-id "has space" must be 1-64 characters of [A-Za-z0-9._:-]',
  );
});

Deno.test("prom: a busy port exits 2 naming the port and how to see who holds it", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  const dir = await Deno.makeTempDir();
  try {
    const r = await runScript("scripts/prom.ts", ["--port", String(port), "--work-dir", dir]);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr.trim(),
      `prom: port ${port} (prometheus) on 127.0.0.1 is already in use; see who holds it: ss -ltnp 'sport = :${port}'`,
    );
  } finally {
    l.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("prom: without Prometheus on PATH it exits 2 and says how to install it (never a fake)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await runScript("scripts/prom.ts", ["--work-dir", dir, "--port", "1"], {
      env: { PATH: "/nonexistent" },
    });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr.trim(),
      /^prom: promtool is not installed: run \.\/tp prom \(it installs Prometheus/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "verify: the feed's port held by a process that never answers HTTP exits 2 naming port and holder; nothing starts",
  sanitizeResources: false,
  fn: async () => {
    // What was seen: port 8000 held by something silent, and the proof said PASS without a feed.
    const port = PORTS.live_connector;
    let l: Deno.Listener;
    try {
      l = Deno.listen({ hostname: "127.0.0.1", port });
    } catch (err) {
      throw new Error(`this test holds the feed's contract port ${port} itself: free it first (${err})`);
    }
    const root = await Deno.makeTempDir({ prefix: "tp_verify_held_" });
    try {
      const out = join(root, "evidence");
      const r = await runScript("scripts/local_verify.ts", ["--out-root", out, "--wait-s", "5"]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.equal(r.stdout, "");
      assert.match(
        r.stderr,
        new RegExp(
          `^verify: port ${port} \\(feed\\) on 127\\.0\\.0\\.1 is held by pid ${Deno.pid} \\(.+\\), ` +
            "which does not answer /health; stop it or free the port, then run ./tp verify again " +
            "\\(nothing was started\\)$",
          "m",
        ),
      );
      // Before anything starts: no evidence folder, no staging, no child.
      await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
    } finally {
      l.close();
      await Deno.remove(root, { recursive: true });
    }
  },
});
