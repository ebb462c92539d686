import assert from "node:assert/strict";
import { join } from "node:path";
import { checkManifest, listFiles, MANIFEST_NAME } from "./manifest.ts";
import { withEvidence } from "./with_evidence.ts";

const FIXED = Date.UTC(2026, 10, 21, 1, 2, 3, 456);
const run = (root: string) => ({ root, now: () => FIXED, command: "probe", args: ["--token=abc", "-v"] });

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
        value: 42,
      };
    });
    assert.equal(sealed.dir, join(root, "probe_20261121T010203Z"));
    assert.equal(sealed.verdict, "PASS");
    assert.equal(sealed.value, 42);
    assert.equal(sealed.summaryText, "a=1\nverdict=PASS\n");
    assert.deepEqual(await listFiles(sealed.dir), [
      "PROBE_SUMMARY.txt",
      "raw/a.txt",
      "run.json",
      "summary.json",
    ]);
    assert.equal(await Deno.readTextFile(join(sealed.dir, "PROBE_SUMMARY.txt")), "a=1\nverdict=PASS\n");
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
        value: null,
      }));
    assert.equal(sealed.verdict, "FAIL");
    assert.deepEqual(await listFiles(sealed.dir), ["NOTE.txt", "run.json"]);
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
          value: undefined,
        }));
    const a = await once();
    const b = await once();
    assert.equal(a.dir, join(root, "probe_20261121T010203Z"));
    assert.equal(b.dir, join(root, "probe_20261121T010203Z_2"));
  }));
