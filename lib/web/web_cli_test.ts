// scripts/web.ts as a user runs it: --help, bad flags (exit 2, one line), serve on a free port,
// answer, refuse POST, stop cleanly on SIGTERM (exit 0).
import assert from "node:assert/strict";
import { runScript, startScript } from "../../testing/script_proc.ts";

const SCRIPT = new URL("../../scripts/web.ts", import.meta.url).pathname;
const env = { WEB_ALERTMANAGER_URL: "http://127.0.0.1:9", WEB_PROMETHEUS_URL: "http://127.0.0.1:9" };

Deno.test("web --help exits 0; a bad flag exits 2 with one line", async () => {
  const help = await runScript(SCRIPT, ["--help"], { env });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: \.\/tp web \[flags\]/);
  const bad = await runScript(SCRIPT, ["--interval", "5m"], { env });
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'web: interval must be one of 1m, 1h, got "5m"\n');
});

Deno.test("web serves on a free port, refuses POST, and exits 0 on SIGTERM", async () => {
  const child = startScript(SCRIPT, ["--port", "0", "--evidence-dir", "/nonexistent"], { env });
  try {
    const first = (await child.waitFor("stdout", "the listen line", /^.*\n/))[0];
    const url = /^peak_trade_web: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(first)?.[1];
    assert.ok(url, `no listen line in ${JSON.stringify(first)}`);
    const health = await fetch(`${url}health`);
    assert.deepEqual(await health.json(), { status: "ok", service: "peak_trade_web" });
    const post = await fetch(`${url}api/stack`, { method: "POST", body: "x" });
    assert.equal(post.status, 405);
    await post.body?.cancel();
    const ev = await (await fetch(`${url}api/evidence`)).json();
    assert.equal(ev.exists, false);
  } finally {
    const status = await child.stop("SIGTERM");
    assert.equal(status.code, 0);
  }
});
