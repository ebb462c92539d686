// ./tp oncall end to end: a real Prometheus and Alertmanager on free ports, all four jobs scraping a
// contract-series endpoint; the CLI's exit code, table and evidence folder; criticals and silences.
import assert from "node:assert/strict";
import { join } from "node:path";
import { createSilence } from "../lib/alerting/am_client.ts";
import { startAlertStack } from "../lib/alerting/alert_stack.ts";
import { checkManifest } from "../lib/evidence/manifest.ts";
import { loadOncallConfig } from "../lib/oncall/config.ts";
import { runOncall } from "../lib/oncall/run.ts";
import { pollUntil } from "../lib/verify/wait.ts";
import { startContractEndpoint } from "./contract_metrics_fixture.ts";

async function cli(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/oncall.ts", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function onlyDir(root: string, prefix: string): Promise<string[]> {
  const out = [];
  for await (const e of Deno.readDir(root)) if (e.isDirectory && e.name.startsWith(prefix)) out.push(e.name);
  return out.sort();
}

Deno.test("oncall CLI: --help is 0, a bad flag and a bad config are 2", async () => {
  const help = await cli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: \.\/tp oncall/);
  const bad = await cli(["--nope"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^oncall: Unknown option '--nope'/);
  const tmp = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(tmp, "c.json"), JSON.stringify({ jobs: [] }));
    const badCfg = await cli(["--config", join(tmp, "c.json"), "--out-root", tmp]);
    assert.equal(badCfg.code, 2);
    assert.match(badCfg.stderr, /^oncall: Invalid .*c\.json: jobs: /);
    assert.deepEqual(await onlyDir(tmp, "oncall_"), []);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("oncall against a real stack: PASS, an unaddressed critical FAILs, a silence clears it, no Alertmanager is ERROR", async () => {
  const tmp = await Deno.makeTempDir();
  const ep = startContractEndpoint();
  const cfg = await loadOncallConfig();
  const stack = await startAlertStack({
    workDir: join(tmp, "stack"),
    targets: Object.fromEntries(cfg.jobs.map((j) => [j, ep.target])),
    rulesDir: join(tmp, "no_rules"),
    interval: "1s",
  });
  const out = join(tmp, "out");
  try {
    const promUrl = stack.prom.url;
    const amUrl = stack.am!.url;
    const opts = { promUrl, amUrl, config: cfg, configPath: "config/oncall.json", evidenceRoot: out };
    // Healthy once every rate window has two scrapes.
    const healthy = await pollUntil(
      async () => {
        const r = await runOncall(opts);
        await Deno.remove(r.dir, { recursive: true });
        return r.verdict === "PASS" ? r : undefined;
      },
      30_000,
      1000,
    );
    assert.ok(healthy, "the stack became healthy");

    const pass = await cli(["--prom-url", promUrl, "--am-url", amUrl, "--out-root", out]);
    assert.equal(pass.code, 0, pass.stdout + pass.stderr);
    assert.match(pass.stdout, /^CHECK +VALUE +THRESHOLD +STATUS +DETAIL$/m);
    assert.match(pass.stdout, /^up_live_connector +1 +=1 +PASS +up$/m);
    assert.match(pass.stdout, /^feed_symbols_stalled +0 +=0 +PASS +4 active, all rising$/m);
    assert.match(pass.stdout, /^verdict=PASS {2}evidence: /m);
    const dirs = await onlyDir(out, "oncall_");
    assert.equal(dirs.length, 1);
    const dir = join(out, dirs[0]);
    assert.deepEqual(await checkManifest(dir), []);
    const summary = await Deno.readTextFile(join(dir, "ONCALL_SUMMARY.txt"));
    assert.equal(summary.trimEnd().split("\n").at(-1), "verdict=PASS");
    assert.match(summary, /^critical_alerts_unaddressed=0$/m);
    // Every trade at 20 ms lands in the (10, 25] bucket: p99 = 10 + 15 * 0.99.
    assert.match(summary, /^feed_p99_transport_latency_ms=24\.85$/m);
    for (
      const f of ["prom/up.json", "prom/latency_p99.json", "prom/targets.json", "alertmanager/alerts.json"]
    ) {
      assert.ok((await Deno.stat(join(dir, f))).size > 0, f);
    }
    const summaryJson = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
    assert.equal(summaryJson.checks.length, 11);
    assert.equal(JSON.parse(await Deno.readTextFile(join(dir, "run.json"))).command, "oncall");

    // A critical alert nobody handles fails the checklist, and only that row.
    const labels = { alertname: "FeedStalled", severity: "critical", venue: "okx", symbol: "BTC-USDT" };
    const posted = await fetch(`${amUrl}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{
        labels,
        annotations: { summary: "test" },
        startsAt: new Date().toISOString(),
      }]),
    });
    await posted.body?.cancel();
    assert.equal(posted.status, 200);
    const failing = await runOncall(opts);
    assert.equal(failing.verdict, "FAIL");
    assert.deepEqual(
      failing.results.filter((r) => r.status !== "PASS").map((r) => [r.key, r.value, r.detail]),
      [
        ["critical_alerts_unaddressed", 1, "FeedStalled"],
      ],
    );

    // Silenced: addressed, PASS again.
    await createSilence(amUrl, labels, Date.now(), 3_600_000, "oncall test");
    const silenced = await runOncall(opts);
    assert.equal(silenced.verdict, "PASS", silenced.table);
    assert.match(silenced.table, /critical_alerts_unaddressed +0 +<=0 +PASS +none \(1 alerts in total\)/);

    // Alertmanager gone: its own ERROR row, exit 1, evidence still written.
    await stack.am!.stop();
    const noAm = await cli(["--prom-url", promUrl, "--am-url", amUrl, "--out-root", out]);
    assert.equal(noAm.code, 1);
    assert.match(noAm.stdout, /^critical_alerts_unaddressed +- +<=0 +ERROR +alertmanager: /m);
    assert.match(noAm.stdout, /^up_ai_live +1 +=1 +PASS/m);
    assert.match(noAm.stdout, /^verdict=FAIL/m);
  } finally {
    await stack.stop();
    await ep.close();
    await Deno.remove(tmp, { recursive: true });
  }
});
