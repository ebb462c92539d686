// The runbooks are checked like code: every `./tp <task>` exists, every PromQL block parses in a real
// Prometheus, every alert's runbook_url and every internal link lands on a real heading.
import assert from "node:assert/strict";
import { dirname, join, normalize } from "node:path";
import { startAlertStack } from "../testing/alert_stack.ts";
import { loadAlertRules, splitRunbookUrl } from "../lib/alerting/rule_files.ts";
import { fencedBlocks, headingAnchors } from "../testing/runbook_md.ts";
import { instantQuery } from "../lib/prom/client.ts";
import { RUNBOOK_QUERIES } from "../lib/verify/gates.ts";

const RUNBOOKS = [
  "runbooks/ai_live_ops.md",
  "runbooks/backup_and_restore.md",
  "runbooks/deploy_rollback.md",
  "runbooks/incident_handling.md",
  "runbooks/live_trading.md",
  "runbooks/livefeed.md",
  "runbooks/oncall_checklist.md",
];

async function read(): Promise<Map<string, string>> {
  const found = [];
  for await (const e of Deno.readDir("runbooks")) {
    if (e.name.endsWith(".md")) found.push(`runbooks/${e.name}`);
  }
  assert.deepEqual(found.sort(), RUNBOOKS);
  return new Map(await Promise.all(RUNBOOKS.map(async (f) => [f, await Deno.readTextFile(f)] as const)));
}

Deno.test("every ./tp <task> shown in a sh block is a task in deno.json", async () => {
  const tasks = new Set(Object.keys(JSON.parse(await Deno.readTextFile("deno.json")).tasks));
  const shown = new Set<string>();
  for (const [file, text] of await read()) {
    for (const b of fencedBlocks(text, "sh")) {
      for (const m of b.body.matchAll(/\.\/tp\s+([\w:-]+)/g)) {
        assert.ok(tasks.has(m[1]), `${file}:${b.line}: ./tp ${m[1]} is not a task in deno.json`);
        shown.add(m[1]);
      }
    }
    // Commands are shown in sh blocks, never in untyped fences.
    assert.deepEqual(fencedBlocks(text, "").map((b) => b.line), [], `${file}: a fence without a language`);
  }
  for (
    const t of ["verify", "oncall", "alertmanager", "prom", "exporter", "ops-verify", "feed", "venue-sim"]
  ) {
    assert.ok(shown.has(t), `no runbook shows ./tp ${t}`);
  }
});

Deno.test("ai_live_ops.md holds the known-good PromQL verbatim, each as its own promql block", async () => {
  const text = (await read()).get("runbooks/ai_live_ops.md")!;
  const blocks = fencedBlocks(text, "promql").map((b) => b.body.trim());
  for (const q of RUNBOOK_QUERIES) assert.ok(blocks.includes(q.promql), `missing: ${q.promql}`);
  assert.equal(RUNBOOK_QUERIES.length, 10);
});

Deno.test("every promql block parses and runs in a real Prometheus", async () => {
  const tmp = await Deno.makeTempDir();
  const stack = await startAlertStack({
    workDir: tmp,
    // Nothing listens there: the queries only have to parse and evaluate, empty results are fine.
    targets: { live_connector: "127.0.0.1:9" },
    rulesDir: join(tmp, "no_rules"),
    interval: "1s",
    noAlertmanager: true,
  });
  try {
    let n = 0;
    for (const [file, text] of await read()) {
      for (const b of fencedBlocks(text, "promql")) {
        const r = await instantQuery(stack.prom.url, b.body);
        assert.ok(r.ok, `${file}:${b.line}: ${r.error}`);
        n++;
      }
    }
    assert.equal(n, 42);
    const typo = await instantQuery(stack.prom.url, "sum(rate(feed_bars_total[5m])");
    assert.equal(typo.ok, false);
    assert.match(typo.error ?? "", /^bad_data: /);
  } finally {
    await stack.stop();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("every alert's runbook_url and every internal link lands on a heading that exists", async () => {
  const texts = await read();
  const anchors = new Map([...texts].map(([f, t]) => [f, new Set(headingAnchors(t))]));
  for (const a of await loadAlertRules()) {
    const link = splitRunbookUrl(a.annotations.runbook_url ?? "")!;
    assert.ok(anchors.get(link.file)?.has(link.anchor), `${a.name}: ${a.annotations.runbook_url}`);
  }
  let links = 0;
  for (const [file, text] of texts) {
    for (const m of text.matchAll(/\]\(([^)\s]*?\.md)?(?:#([^)\s]+))?\)/g)) {
      if (!m[1] && !m[2]) continue;
      const target = m[1] ? normalize(join(dirname(file), m[1])) : file;
      assert.ok(texts.has(target), `${file}: link to missing ${target}`);
      if (m[2]) assert.ok(anchors.get(target)!.has(m[2]), `${file}: ${target}#${m[2]} has no heading`);
      links++;
    }
  }
  assert.equal(links, 17, "internal links checked");
});

Deno.test("live_trading.md names only what ./tp live has: its flags, its LIVE_* env, its metrics", async () => {
  const text = (await read()).get("runbooks/live_trading.md")!;
  const script = await Deno.readTextFile("scripts/live.ts");
  const help = /const HELP = `([\s\S]*?)`;/.exec(script)![1];
  const flags = new Set([...help.matchAll(/^\s+(--[\w-]+)/gm)].map((m) => m[1]));
  const shown = fencedBlocks(text, "sh").flatMap((b) =>
    [...b.body.matchAll(/\.\/tp live\b([^\n]*)/g)].flatMap((m) =>
      [...m[1].matchAll(/--[\w-]+/g)].map((f) => f[0])
    )
  );
  assert.ok(shown.length > 0);
  for (const f of shown) assert.ok(flags.has(f), `./tp live ${f} is not in scripts/live.ts --help`);
  // Every LIVE_* env the runbook names is read by the loop's shell or config, or listed in --help.
  const lib = (await Promise.all(
    ["lib/live/shell_config.ts", "lib/live/config.ts", "lib/live/config_file.ts", "lib/live/admin_token.ts"]
      .map((f) => Deno.readTextFile(f)),
  )).join("\n") + help;
  for (const m of new Set([...text.matchAll(/\bLIVE_[A-Z_]+\b/g)].map((m) => m[0]))) {
    assert.ok(lib.includes(m), `${m} is not read by the live loop`);
  }
  const metrics = await Deno.readTextFile("lib/live/metrics.ts");
  for (const b of fencedBlocks(text, "promql")) {
    for (const m of b.body.matchAll(/\blive_loop_[a-z_]+/g)) {
      const name = m[0].replace(/_(bucket|sum|count)$/, "");
      assert.ok(metrics.includes(`"${name}"`), `${name} is not a metric of lib/live/metrics.ts`);
    }
  }
});

Deno.test("deploy_rollback.md runs only flags its tasks have (each script's --help lists them)", async () => {
  const text = (await read()).get("runbooks/deploy_rollback.md")!;
  const tasks = JSON.parse(await Deno.readTextFile("deno.json")).tasks as Record<string, string>;
  let n = 0;
  for (const b of fencedBlocks(text, "sh")) {
    for (const m of b.body.matchAll(/\.\/tp\s+([\w:-]+)([^\n]*)/g)) {
      const script = /scripts\/\S+\.ts/.exec(tasks[m[1]])![0];
      const help = /const HELP = `([\s\S]*?)`;/.exec(await Deno.readTextFile(script))![1];
      for (const f of m[2].matchAll(/--[\w-]+/g)) {
        assert.ok(
          help.includes(f[0]),
          `runbooks/deploy_rollback.md:${b.line}: ./tp ${m[1]} ${f[0]} is not in ${script} --help`,
        );
        n++;
      }
    }
  }
  assert.ok(n >= 10, `${n} flags checked`);
});
