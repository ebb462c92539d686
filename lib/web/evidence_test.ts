// Evidence listing (verdicts, newest first) and read-only file serving that never leaves the root:
// "..", encoded dots and slashes, absolute paths, NUL, symlinks out of the root -> all 404.
import assert from "node:assert/strict";
import { listEvidence, parseVerdictJson, parseVerdictText, PROOF_DIR_RE, stampToIso } from "./evidence.ts";
import { testApp } from "../../testing/web_upstreams.ts";

const A = "ai_live_ops_20260102T030405Z";
const B = "ai_live_local_verify_20260103T000000Z";
const SECRET = "TOP-SECRET-OUTSIDE-THE-ROOT";

/** root/ with two proof folders, a non-proof folder, and symlinks pointing in and out; outside/ beside it. */
async function withTree(fn: (root: string, outside: string) => Promise<void>): Promise<void> {
  const base = await Deno.makeTempDir({ prefix: "tickproof_web_evidence_" });
  const root = `${base}/root`;
  const outside = `${base}/outside`;
  try {
    await Deno.mkdir(`${root}/${A}/sub`, { recursive: true });
    await Deno.mkdir(`${root}/${B}`, { recursive: true });
    await Deno.mkdir(`${root}/scratch`, { recursive: true });
    await Deno.mkdir(outside, { recursive: true });
    await Deno.writeTextFile(`${outside}/secret.txt`, SECRET);
    await Deno.writeTextFile(`${root}/${A}/AI_LIVE_OPS_SUMMARY.txt`, "run=ops\nverdict=PASS\nchecks=12\n");
    await Deno.writeTextFile(`${root}/${A}/MANIFEST_SHA256.txt`, "abc  AI_LIVE_OPS_SUMMARY.txt\n");
    await Deno.writeTextFile(`${root}/${A}/sub/prom.log`, "ok\n");
    await Deno.writeTextFile(`${root}/${A}/page.html`, "<script>alert(1)</script>");
    await Deno.writeTextFile(`${root}/${B}/summary.json`, JSON.stringify({ verdict: "FAIL", failed: ["x"] }));
    await Deno.writeTextFile(`${root}/${B}/MANIFEST_SHA256.txt`, "abc  summary.json\n");
    await Deno.writeTextFile(`${root}/scratch/notes.txt`, "not a proof folder");
    await Deno.symlink(`${outside}/secret.txt`, `${root}/${A}/leak.txt`);
    await Deno.symlink(outside, `${root}/leak_20260101T000000Z`);
    await Deno.symlink(`${root}/${A}/MANIFEST_SHA256.txt`, `${root}/${B}/manifest_link.txt`);
    await fn(root, outside);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

Deno.test("verdict lines and summary.json verdicts", () => {
  assert.equal(parseVerdictText("a=1\nverdict=PASS\n"), "PASS");
  assert.equal(parseVerdictText("verdict = FAIL"), "FAIL");
  assert.equal(parseVerdictText("overall_verdict=PASS\nverdict=PASSED"), null);
  assert.equal(parseVerdictText("tickproof local verify\n\nVERDICT: PASS\n  activity demo: FAIL\n"), "PASS");
  assert.equal(parseVerdictText("VERDICT: FAILED"), null);
  assert.equal(parseVerdictJson('{"verdict":"FAIL"}'), "FAIL");
  assert.equal(parseVerdictJson('{"verdict":"pass"}'), null);
  assert.equal(parseVerdictJson("not json"), null);
  assert.equal(stampToIso("20260102T030405Z"), "2026-01-02T03:04:05Z");
});

Deno.test("listing: proof folders newest first, verdict and manifest found, symlinks not listed", async () => {
  await withTree(async (root) => {
    const view = await listEvidence(root, 20);
    assert.equal(view.exists, true);
    assert.equal(view.total, 2);
    assert.deepEqual(
      view.folders.map((f) => [f.dir, f.name, f.stampUtc, f.verdict, f.verdictFile, f.hasManifest]),
      [
        [B, "ai_live_local_verify", "2026-01-03T00:00:00Z", "FAIL", "summary.json", true],
        [A, "ai_live_ops", "2026-01-02T03:04:05Z", "PASS", "AI_LIVE_OPS_SUMMARY.txt", true],
      ],
    );
    assert.deepEqual(view.folders[1].files.map((f) => [f.path, f.size]), [
      ["AI_LIVE_OPS_SUMMARY.txt", 31],
      ["MANIFEST_SHA256.txt", 29],
      ["page.html", 25],
      ["sub/prom.log", 3],
    ]);
    assert.equal((await listEvidence(root, 1)).folders.length, 1);
    const missing = await listEvidence(`${root}/nope`, 5);
    assert.deepEqual(missing, { root: `${root}/nope`, exists: false, total: 0, folders: [] });
  });
});

Deno.test("serving: a file inside a proof folder, typed and sandboxed; HTML only ever as text", async () => {
  await withTree(async (root) => {
    const { handler } = testApp({}, { evidenceDir: root });
    const get = (p: string) => handler(new Request(`http://web.test/api/evidence/${p}`));
    const summary = await get(`${A}/AI_LIVE_OPS_SUMMARY.txt`);
    assert.equal(summary.status, 200);
    assert.equal(summary.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(summary.headers.get("content-security-policy"), "default-src 'none'; sandbox");
    assert.equal(summary.headers.get("x-content-type-options"), "nosniff");
    assert.equal(await summary.text(), "run=ops\nverdict=PASS\nchecks=12\n");
    assert.equal(await (await get(`${A}/sub/prom.log`)).text(), "ok\n");
    const html = await get(`${A}/page.html`);
    assert.equal(html.headers.get("content-type"), "text/plain; charset=utf-8");
    await html.body?.cancel();
    const json = await get(`${B}/summary.json`);
    assert.equal(json.headers.get("content-type"), "application/json; charset=utf-8");
    assert.equal((await json.json()).verdict, "FAIL");
    // A symlink that stays inside the root is fine.
    assert.equal(await (await get(`${B}/manifest_link.txt`)).text(), "abc  AI_LIVE_OPS_SUMMARY.txt\n");
    const list = await (await handler(new Request("http://web.test/api/evidence"))).json();
    assert.equal(list.folders[0].dir, B);
  });
});

const ESCAPES = [
  `${A}/../../outside/secret.txt`,
  `${A}/%2e%2e/%2e%2e/outside/secret.txt`,
  `%2e%2e/outside/secret.txt`,
  `${A}/..%2f..%2foutside%2fsecret.txt`,
  `${A}/%2e%2e%2f%2e%2e%2foutside%2fsecret.txt`,
  `${A}/..%5c..%5coutside%5csecret.txt`,
  `${A}/%252e%252e/%252e%252e/outside/secret.txt`,
  `/etc/passwd`,
  `%2Fetc%2Fpasswd`,
  `${A}/%2Fetc%2Fpasswd`,
  `${A}/leak.txt`,
  `leak_20260101T000000Z/secret.txt`,
  `${A}/sub`,
  `${A}`,
  `${A}/missing.txt`,
  `scratch/notes.txt`,
  `${A}/AI_LIVE_OPS_SUMMARY.txt%00.png`,
  `${A}/%E0%A4%A`,
  `${A}/./AI_LIVE_OPS_SUMMARY.txt/`,
];

Deno.test("escapes from the evidence root are 404 without leaking content (handler)", async () => {
  await withTree(async (root) => {
    const { handler } = testApp({}, { evidenceDir: root });
    for (const p of ESCAPES) {
      const res = await handler(new Request(`http://web.test/api/evidence/${p}`));
      const body = await res.text();
      assert.equal(res.status, 404, p);
      assert.ok(!body.includes(SECRET) && !body.includes("root:"), p);
    }
  });
});

Deno.test("escapes are 404 over real HTTP too, with raw request targets the URL parser never normalised", async () => {
  await withTree(async (root) => {
    const { handler } = testApp({}, { evidenceDir: root });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
    try {
      const raw = async (target: string): Promise<string> => {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
        try {
          await conn.write(
            new TextEncoder().encode(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
          );
          return new TextDecoder().decode(await new Response(conn.readable).arrayBuffer());
        } catch (err) {
          conn.close();
          throw err;
        }
      };
      for (const p of ESCAPES) {
        const answer = await raw(`/api/evidence/${p}`);
        assert.match(answer, /^HTTP\/1\.1 404 /, p);
        assert.ok(!answer.includes(SECRET), p);
      }
      for (
        const t of [`/api/evidence/../../../../etc/passwd`, `/api/evidence/${A}/../../../outside/secret.txt`]
      ) {
        const answer = await raw(t);
        assert.match(answer, /^HTTP\/1\.1 404 /, t);
        assert.ok(!answer.includes(SECRET) && !answer.includes("root:x:"), t);
      }
      assert.match(await raw(`/api/evidence/${A}/sub/prom.log`), /^HTTP\/1\.1 200 [^]*\r\n\r\nok\n$/);
    } finally {
      await server.shutdown();
    }
  });
});

Deno.test("proof folder names: a second run in the same second (_2) is a proof folder too", () => {
  const m = PROOF_DIR_RE.exec("ai_live_ops_verify_20261121T010203Z_2");
  assert.equal(m?.[1], "ai_live_ops_verify");
  assert.equal(m?.[2], "20261121T010203Z");
  assert.equal(PROOF_DIR_RE.exec(".staging"), null);
  assert.equal(PROOF_DIR_RE.exec("ai_live_ops_verify_20261121T010203Z_x"), null);
});
