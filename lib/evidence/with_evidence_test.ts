import assert from "node:assert/strict";
import { join } from "node:path";
import { checkManifest, listFiles, MANIFEST_NAME } from "./manifest.ts";
import { withEvidence } from "./with_evidence.ts";
import { statementProblems } from "./intoto.ts";
import { generateKey } from "./ssh_key.ts";
import { allowedSignersLine, EVIDENCE_NAMESPACE } from "./sshsig.ts";
import { sshKeygen } from "../../testing/ssh_keygen.ts";

const FIXED = Date.UTC(2026, 10, 21, 1, 2, 3, 456);
const run = (root: string) => ({
  root,
  now: () => FIXED,
  command: "probe",
  args: ["--token=abc", "-v"],
  signingKey: null,
});

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

async function inTemp(fn: (root: string) => Promise<void>) {
  const root = await Deno.makeTempDir();
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("withEvidence: a passing body is sealed with summary, summary.json, run.json and manifest", () =>
  inTemp(async (root) => {
    const sealed = await withEvidence("probe", run(root), async (ev, started) => {
      assert.equal(started, FIXED);
      await ev.write("raw/a.txt", "alpha\n");
      return {
        verdict: "PASS",
        summary: { file: "PROBE_SUMMARY.txt", text: "a=1\nverdict=PASS\n" },
        summaryJson: { a: 1, verdict: "PASS" },
        config: { url: "http://127.0.0.1:1", token: "secret" },
        gates: [],
        value: 42,
      };
    });
    assert.equal(sealed.dir, join(root, "probe_20261121T010203Z"));
    assert.equal(sealed.verdict, "PASS");
    assert.equal(sealed.value, 42);
    assert.equal(sealed.summaryText, "a=1\nverdict=PASS\n");
    assert.deepEqual(await listFiles(sealed.dir), [
      "PROBE_SUMMARY.txt",
      "attestation.intoto.json",
      "gates.junit.xml",
      "raw/a.txt",
      "run.json",
      "summary.json",
    ]);
    assert.equal(
      await Deno.readTextFile(join(sealed.dir, "PROBE_SUMMARY.txt")),
      "a=1\nsigned=no\nverdict=PASS\n",
    );
    assert.equal(
      await Deno.readTextFile(join(sealed.dir, "summary.json")),
      '{\n  "a": 1,\n  "verdict": "PASS"\n}\n',
    );
    const info = JSON.parse(await Deno.readTextFile(join(sealed.dir, "run.json")));
    assert.equal(info.command, "probe");
    assert.equal(info.started_at, "2026-11-21T01:02:03.456Z");
    assert.equal(info.ended_at, "2026-11-21T01:02:03.456Z");
    assert.equal(info.config.url, "http://127.0.0.1:1");
    assert.notEqual(info.config.token, "secret", "run.json config is redacted");
    assert.deepEqual(await checkManifest(sealed.dir), []);
    assert.deepEqual(await names(join(root, ".staging")), []);
  }));

Deno.test("withEvidence: a FAIL verdict is still a sealed proof, without summary.json when none is given", () =>
  inTemp(async (root) => {
    const sealed = await withEvidence("probe", run(root), () =>
      Promise.resolve({
        verdict: "FAIL" as const,
        summary: { file: "NOTE.txt", text: "VERDICT: FAIL\n" },
        config: {},
        gates: [],
        value: null,
      }));
    assert.equal(sealed.verdict, "FAIL");
    assert.deepEqual(await listFiles(sealed.dir), [
      "NOTE.txt",
      "attestation.intoto.json",
      "gates.junit.xml",
      "run.json",
    ]);
    assert.ok((await names(sealed.dir)).includes(MANIFEST_NAME));
  }));

Deno.test("withEvidence: a body that throws leaves no proof folder and the error goes on", () =>
  inTemp(async (root) => {
    await assert.rejects(
      withEvidence("probe", run(root), async (ev) => {
        await ev.write("half.txt", "x");
        throw new Error("stage failed");
      }),
      /stage failed/,
    );
    assert.deepEqual(await names(root), [".staging"]);
    assert.deepEqual(await names(join(root, ".staging")), []);
  }));

Deno.test("withEvidence: two runs in the same second are <name>_<stamp> and <name>_<stamp>_2", () =>
  inTemp(async (root) => {
    const once = () =>
      withEvidence("probe", run(root), () =>
        Promise.resolve({
          verdict: "PASS" as const,
          summary: { file: "S.txt", text: "ok\n" },
          config: {},
          gates: [],
          value: undefined,
        }));
    const a = await once();
    const b = await once();
    assert.equal(a.dir, join(root, "probe_20261121T010203Z"));
    assert.equal(b.dir, join(root, "probe_20261121T010203Z_2"));
  }));

Deno.test("withEvidence: a signed proof's manifest verifies with the real ssh-keygen; a changed manifest does not", () =>
  inTemp(async (root) => {
    const key = generateKey("tickproof-evidence");
    const sealed = await withEvidence("oncall", { ...run(root), signingKey: key }, async (ev) => {
      await ev.write("prom/up.json", '{"status":"success","data":{"resultType":"vector","result":[]}}');
      return {
        verdict: "FAIL",
        summary: { file: "ONCALL_SUMMARY.txt", text: "verdict=FAIL\n" },
        summaryJson: { checks: [], verdict: "FAIL" },
        config: {},
        gates: [{ key: "up_ai_live", promql: "up", want: "=1", status: "NO_DATA", value: null, detail: "" }],
        value: null,
      };
    });
    const dir = sealed.dir;
    assert.equal(await Deno.readTextFile(join(dir, "ONCALL_SUMMARY.txt")), "signed=yes\nverdict=FAIL\n");
    assert.deepEqual(await checkManifest(dir), []);
    // CHECK.txt names the stock commands; the attestation covers every file but itself and the manifest.
    assert.match(await Deno.readTextFile(join(dir, "CHECK.txt")), /ssh-keygen -Y verify -f allowed_signers/);
    const st = JSON.parse(await Deno.readTextFile(join(dir, "attestation.intoto.json")));
    assert.deepEqual(statementProblems(st), []);
    assert.deepEqual(
      st.subject.map((x: { name: string }) => x.name),
      ["CHECK.txt", "ONCALL_SUMMARY.txt", "gates.junit.xml", "prom/up.json", "run.json", "summary.json"],
    );
    assert.equal(st.predicate.result, "FAILED");
    assert.deepEqual(st.predicate.failedTests, ["up_ai_live"]);
    await Deno.writeTextFile(
      join(root, "allowed_signers"),
      allowedSignersLine("tickproof", key.publicKey) + "\n",
    );
    const verify = (cwd: string) =>
      sshKeygen(cwd, [
        "-Y",
        "verify",
        "-f",
        join(root, "allowed_signers"),
        "-I",
        "tickproof",
        "-n",
        EVIDENCE_NAMESPACE,
        "-s",
        `${MANIFEST_NAME}.sig`,
      ], Deno.readTextFileSync(join(cwd, MANIFEST_NAME)));
    const good = await verify(dir);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout + good.stderr, /Good "tickproof-evidence" signature for tickproof/);
    await Deno.writeTextFile(
      join(dir, MANIFEST_NAME),
      (await Deno.readTextFile(join(dir, MANIFEST_NAME))) + "x\n",
    );
    const bad = await verify(dir);
    assert.notEqual(bad.code, 0, "ssh-keygen refuses a signature over a changed manifest");
  }));
