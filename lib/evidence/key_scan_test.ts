import assert from "node:assert/strict";
import { join } from "node:path";
import { plantedFakeKeys, renderScanReport, scanDirs, scanText, selfTest } from "./key_scan.ts";
import { redact } from "./redact.ts";

Deno.test("key scan finds every planted fake key, each under its own kind", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const planted = plantedFakeKeys();
    await Deno.writeTextFile(join(dir, "leaky.txt"), planted.map((p) => p.text).join("\n") + "\n");
    const res = await scanDirs([dir], dir);
    assert.equal(res.filesScanned, 1);
    assert.deepEqual(res.findings.map((f) => f.kind).sort(), planted.map((p) => p.kind).sort());
    // Each planted text starts on the line after the previous one ends (the PEM spans three lines).
    let line = 1;
    const starts = planted.map((p) => {
      const at = line;
      line += p.text.split("\n").length;
      return at;
    });
    assert.deepEqual(res.findings.map((f) => f.line).sort((a, b) => a - b), starts);
    assert.deepEqual(starts, [1, 4, 5, 6, 7, 8, 9, 10]);
    const report = renderScanReport([dir], res, selfTest());
    assert.equal(report.clean, false);
    assert.match(report.text, /^verdict=FOUND$/m);
    assert.match(report.text, new RegExp(`^findings=${planted.length}$`, "m"));
    // The report never repeats a secret: only a 4-character prefix and a length.
    for (const p of planted) {
      const secretTail = p.text.slice(-12);
      assert.ok(!report.text.includes(secretTail), `report leaks ${p.kind}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("key scan is clean on a folder of ordinary evidence", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(dir, "AI_LIVE_OPS_SUMMARY.txt"),
      "up_jobs_rc=3\nheartbeat_rc=1\ndecisions_sum=15\nverdict=PASS\n",
    );
    await Deno.writeTextFile(
      join(dir, "MANIFEST_SHA256.txt"),
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  run.json\n",
    );
    await Deno.writeTextFile(join(dir, "run.json"), JSON.stringify({ config: { api_key: "<redacted>" } }));
    await Deno.writeTextFile(
      join(dir, "metrics.txt"),
      'peaktrade_ai_decisions_total{run_id="r1",component="c"} 4\n',
    );
    const res = await scanDirs([dir], dir);
    assert.equal(res.filesScanned, 4);
    assert.deepEqual(res.findings, []);
    const report = renderScanReport([dir], res, selfTest());
    assert.equal(report.clean, true);
    assert.match(report.text, /^self_test=PASS \(8\/8 planted fake keys found, 0 false positives/m);
    assert.match(report.text, /^verdict=CLEAN$/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failed self-test makes the scan untrusted even when nothing was found", () => {
  const report = renderScanReport(["x"], { filesScanned: 0, bytesScanned: 0, findings: [] }, {
    ok: false,
    found: 7,
    planted: 8,
    falsePositives: 0,
    missed: ["jwt"],
  });
  assert.equal(report.clean, false);
  assert.match(report.text, /^verdict=SELF_TEST_FAILED$/m);
});

Deno.test("placeholders are not findings; keyword context matters", () => {
  assert.deepEqual(scanText("BINANCE_API_KEY=<redacted>", "f"), []);
  assert.deepEqual(scanText("some_hash=a1B2c3D4a1B2c3D4a1B2c3D4", "f"), []);
  assert.equal(
    scanText("bybit_api_secret: a1B2c3D4a1B2c3D4a1B2c3D4", "f")[0]?.kind,
    "exchange_api_credential",
  );
});

Deno.test("redact hides secret-looking keys and URL credentials, keeps the rest", () => {
  assert.deepEqual(
    redact({ port: 9110, api_key: "abc", nested: { OKX_PASSPHRASE: "p", url: "https://u:pw@host/x" } }),
    {
      port: 9110,
      api_key: "<redacted>",
      nested: { OKX_PASSPHRASE: "<redacted>", url: "https://<redacted>@host/x" },
    },
  );
});
