// Alert rules and Alertmanager config, checked by the real tools: promtool check/test rules and amtool.
import assert from "node:assert/strict";
import { basename, dirname, join } from "node:path";
import { parse } from "yaml";
import {
  AM_CONFIG_PATH,
  amtoolCheckConfig,
  amtoolRoute,
  renderAlertmanagerConfig,
} from "../lib/alerting/am_config.ts";
import { demoRuleFiles } from "../lib/alerting/demo_rules.ts";
import { DEMO_RULES_DIR, loadAlertRules, RULES_DIR, splitRunbookUrl } from "../lib/alerting/rule_files.ts";
import { headingAnchors } from "../testing/runbook_md.ts";
import { ruleFilesIn } from "../lib/prom/config.ts";
import { runTool } from "../lib/prom/tools.ts";

const REQUIRED = [
  "FeedStalled",
  "FeedHighLatency",
  "FeedDataQualityErrors",
  "FeedTargetDown",
  "FeedBusOutboxFull",
  "FeedBusOutboxFilling",
  "StoreWriterLagGrowing",
  "AiLiveExporterDown",
  "AiHeartbeatStale",
  "AiEventsParseErrors",
  "AiDecisionLatencyHigh",
  "LiveLoopSubmissionsStalled",
  "LiveLoopVenueHeartbeatMissing",
  "LiveLoopKillSwitchEngaged",
  "LiveLoopReconciliationFailed",
  "LiveLoopStateQuarantined",
];
/** Unit-test files and how many test groups each holds (a dropped group must fail here). */
const UNIT_TESTS: Record<string, number> = {
  "ai_live_test.yml": 7,
  "live_loop_test.yml": 6,
  "livefeed_test.yml": 14,
};

Deno.test("promtool check rules passes for the production and the demo rules", async () => {
  for (const dir of [RULES_DIR, DEMO_RULES_DIR]) {
    const files = await ruleFilesIn(dir);
    assert.deepEqual(files.map((f) => basename(f)), ["ai_live.yml", "live_loop.yml", "livefeed.yml"]);
    const r = await runTool("promtool", ["check", "rules", ...files]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.match(/SUCCESS: 5 rules found/g)?.length, 2, r.stdout);
    assert.equal(r.stdout.match(/SUCCESS: 10 rules found/g)?.length, 1, r.stdout);
  }
});

Deno.test("every alert is there, with severity, summary, description and a runbook anchor that exists", async () => {
  const alerts = await loadAlertRules();
  const names = alerts.map((a) => a.name);
  for (const n of REQUIRED) assert.ok(names.includes(n), `missing alert ${n}`);
  assert.equal(new Set(names).size, names.length, "alert names are unique");
  assert.equal(alerts.length, 20);
  for (const a of alerts) {
    assert.match(a.labels.severity ?? "", /^(critical|warning|info)$/, `${a.name} severity`);
    assert.ok((a.annotations.summary ?? "").length > 10, `${a.name} summary`);
    assert.ok((a.annotations.description ?? "").length > 20, `${a.name} description`);
    const link = splitRunbookUrl(a.annotations.runbook_url ?? "");
    assert.ok(link, `${a.name} runbook_url "${a.annotations.runbook_url}" is not <file>.md#<anchor>`);
    assert.equal(link.anchor, a.name.toLowerCase(), `${a.name} links its own section`);
    const anchors = headingAnchors(await Deno.readTextFile(link.file));
    assert.ok(anchors.includes(link.anchor), `${link.file} has no heading for #${link.anchor}`);
    assert.notEqual(a.for, "0s", `${a.name} has a for: duration`);
  }
});

Deno.test("promtool unit tests: each alert shown firing and not firing, all pass", async () => {
  const dir = RULES_DIR;
  const files = [];
  for await (const e of Deno.readDir(dir)) if (/_test\.yml$/.test(e.name)) files.push(e.name);
  assert.deepEqual(files.sort(), Object.keys(UNIT_TESTS));
  const firing = new Set<string>();
  const quiet = new Set<string>();
  for (const f of files) {
    const doc = parse(await Deno.readTextFile(join(dir, f))) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    assert.equal(doc.tests.length, UNIT_TESTS[f], `${f} test groups`);
    for (const t of doc.tests) {
      for (const c of t.alert_rule_test) (c.exp_alerts.length ? firing : quiet).add(c.alertname);
    }
  }
  const all = (await loadAlertRules()).map((a) => a.name).sort();
  assert.deepEqual([...firing].sort(), all, "every alert has a firing case");
  assert.deepEqual([...quiet].sort(), all, "every alert has a not-firing case");
  const r = await runTool("promtool", ["test", "rules", ...files.sort().map((f) => join(dir, f))]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.match(/SUCCESS/g)?.length, 3, r.stdout);
});

Deno.test("a wrong expectation makes promtool test rules fail (the unit tests can fail)", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    await Deno.copyFile(join(RULES_DIR, "livefeed.yml"), join(tmp, "livefeed.yml"));
    const text = await Deno.readTextFile(join(RULES_DIR, "livefeed_test.yml"));
    assert.ok(text.includes("is 995 ms"));
    await Deno.writeTextFile(join(tmp, "livefeed_test.yml"), text.replace("is 995 ms", "is 996 ms"));
    const r = await runTool("promtool", ["test", "rules", join(tmp, "livefeed_test.yml")]);
    assert.equal(r.code, 1);
    assert.match(r.stdout + r.stderr, /FAILED[\s\S]*alertname: FeedHighLatency, time: 15m/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("the committed demo rules are exactly the generated ones (time 20x faster)", async () => {
  for (const f of await demoRuleFiles(RULES_DIR, DEMO_RULES_DIR)) {
    assert.equal(await Deno.readTextFile(f.path), f.text, `${f.path} is stale: run ./tp gen`);
  }
  const demo = await loadAlertRules(DEMO_RULES_DIR);
  const stalled = demo.find((a) => a.name === "FeedStalled")!;
  assert.equal(stalled.for, "6s");
  assert.match(stalled.expr, /increase\(feed_bars_total\{interval="1m"\}\[9s\]\) == 0/);
  assert.match(stalled.expr, /max_over_time\(feed_bars_total\{interval="1m"\}\[3m\]\)/);
  assert.deepEqual(demo.map((a) => a.name), (await loadAlertRules()).map((a) => a.name));
});

Deno.test("alertmanager.yml passes amtool and routes by severity", async () => {
  const report = await amtoolCheckConfig(AM_CONFIG_PATH);
  assert.match(report, /SUCCESS/);
  assert.match(report, /2 inhibit rules/);
  assert.match(report, /3 receivers/);
  assert.deepEqual(await amtoolRoute(AM_CONFIG_PATH, { severity: "critical", alertname: "FeedStalled" }), [
    "critical",
  ]);
  assert.deepEqual(await amtoolRoute(AM_CONFIG_PATH, { severity: "warning" }), ["warning"]);
  assert.deepEqual(await amtoolRoute(AM_CONFIG_PATH, { severity: "info" }), ["null"]);
  assert.deepEqual(await amtoolRoute(AM_CONFIG_PATH, { alertname: "Other" }), ["null"]);
});

Deno.test("a generated Alertmanager config with a webhook and short timers passes amtool; a broken one fails", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const text = await Deno.readTextFile(AM_CONFIG_PATH);
    assert.equal(renderAlertmanagerConfig(text), text, "nothing to add: the committed file as is");
    const yml = renderAlertmanagerConfig(text, {
      webhookUrl: "http://127.0.0.1:1/alertmanager/webhook",
      timing: { groupWait: "1s", groupInterval: "1s", repeatInterval: "1h" },
    });
    const doc = parse(yml) as {
      route: { group_wait: string; routes: { group_wait: string }[] };
      receivers: { name: string; webhook_configs?: { url: string; send_resolved: boolean }[] }[];
    };
    assert.deepEqual(doc.receivers.map((r) => [r.name, r.webhook_configs?.length ?? 0]), [
      ["null", 0],
      ["critical", 1],
      ["warning", 1],
    ]);
    assert.deepEqual(doc.route.routes.map((r) => r.group_wait), ["1s", "1s", "1s"]);
    const file = join(tmp, "alertmanager.yml");
    await Deno.writeTextFile(file, yml);
    await amtoolCheckConfig(file);
    await Deno.writeTextFile(file, yml.replace("receiver: critical", "receiver: nobody"));
    await assert.rejects(() => amtoolCheckConfig(file), /amtool check-config .* failed: .*nobody/s);
    assert.throws(() => renderAlertmanagerConfig(text, { webhookUrl: "not a url" }), TypeError);
    assert.equal(dirname(AM_CONFIG_PATH), "config/alertmanager");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
