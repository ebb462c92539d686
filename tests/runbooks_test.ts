// The runbooks are checked like code: every `./tp <task>` exists with every flag shown, every PromQL block
// parses in a real Prometheus, every alert's runbook_url and every internal link lands on a real heading,
// every code file a runbook names exists, each test operations.md quotes is in the file it names, and the
// on-call shift's steps follow the checklist's rows in the order ./tp oncall prints them.
import assert from "node:assert/strict";
import { dirname, join, normalize } from "node:path";
import { startAlertStack } from "../testing/alert_stack.ts";
import { loadAlertRules, splitRunbookUrl } from "../lib/alerting/rule_files.ts";
import { fencedBlocks, headingAnchors } from "../testing/runbook_md.ts";
import { instantQuery } from "../lib/prom/client.ts";
import { RUNBOOK_QUERIES } from "../lib/verify/gates.ts";
import { evaluateOncall, QUERY_KEYS } from "../lib/oncall/checks.ts";
import { loadOncallConfig } from "../lib/oncall/config.ts";
import { helpHasFlag, taskHelps } from "../testing/task_help.ts";

const RUNBOOKS = [
  "runbooks/ai_live_ops.md",
  "runbooks/backup_and_restore.md",
  "runbooks/deploy_rollback.md",
  "runbooks/incident_handling.md",
  "runbooks/live_trading.md",
  "runbooks/livefeed.md",
  "runbooks/oncall_checklist.md",
  "runbooks/operations.md",
  "runbooks/paper_and_live_bots.md",
  "runbooks/scale_out.md",
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

Deno.test("every flag shown after ./tp <task> in a sh block is in that task's --help", async () => {
  // The command up to the end of its line or a shell operator (a pipe's flags are another tool's).
  const shown: { where: string; task: string; flag: string }[] = [];
  for (const [file, text] of await read()) {
    for (const b of fencedBlocks(text, "sh")) {
      for (const m of b.body.matchAll(/\.\/tp\s+([\w:-]+)([^\n|;&>]*)/g)) {
        for (const f of m[2].matchAll(/(?<=\s)--[\w-]+/g)) {
          shown.push({ where: `${file}:${b.line}`, task: m[1], flag: f[0] });
        }
      }
    }
  }
  const helps = await taskHelps(shown.map((s) => s.task));
  for (const s of shown) {
    assert.ok(
      helpHasFlag(helps.get(s.task)!, s.flag),
      `${s.where}: ./tp ${s.task} ${s.flag} is not in its --help`,
    );
  }
  assert.ok(shown.length >= 40, `flags checked: ${shown.length}`);
});

/** Backticked repository paths (`lib/x.ts`, `config/oncall.json`, `config/grafana/dashboards/`). */
const namedPaths = (text: string, roots: string) =>
  [...text.matchAll(new RegExp(`\`((?:${roots})/[\\w./-]*)\``, "g"))].map((m) => m[1]);

const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

Deno.test("every code file a runbook names exists", async () => {
  let n = 0;
  for (const [file, text] of await read()) {
    for (const p of namedPaths(text, "lib|tests|testing|scripts")) {
      assert.ok(await exists(p), `${file}: ${p}`);
      n++;
    }
  }
  assert.ok(n > 0);
});

Deno.test("operations.md: each principle's mechanism and proof name files that exist and tests that are in them", async () => {
  // By file (configs and runbooks too) and by test name.
  const ops = (await read()).get("runbooks/operations.md")!;
  const paths = namedPaths(ops, "lib|tests|testing|scripts|config|runbooks|ops");
  for (const p of paths) assert.ok(await exists(p), `operations.md: ${p}`);
  assert.ok(new Set(paths).size >= 40, `files named: ${new Set(paths).size}`);
  const flat = ops.replace(/\s+/g, " ");
  let quoted = 0;
  for (const m of flat.matchAll(/`([\w./-]+_test\.ts)` \("([^"]+)"\)/g)) {
    const src = (await Deno.readTextFile(m[1])).replace(/\s+/g, " ");
    assert.ok(src.includes(m[2]), `operations.md: ${m[1]} has no test "${m[2]}"`);
    quoted++;
  }
  assert.ok(quoted >= 15, `tests quoted: ${quoted}`);
  for (
    const h of [
      "Feed before bot",
      "RefStrat_01 as the parity reference",
      "Observability before scaling",
      "No silent failure",
      "Fail-safe when in doubt",
    ]
  ) {
    const section = ops.split(`\n## ${h}\n`)[1]?.split("\n## ")[0] ?? "";
    for (const part of ["**Mechanism.**", "**Proof.**", "**On shift.**"]) {
      assert.ok(section.includes(part), `operations.md: ${h} has no ${part}`);
    }
  }
});

Deno.test("operations.md: the parity principle names every parity row ./tp oncall prints", async () => {
  const ops = (await read()).get("runbooks/operations.md")!;
  const section = ops.split("\n## RefStrat_01 as the parity reference\n")[1].split("\n## ")[0];
  const cfg = await loadOncallConfig();
  const empty = { promql: "", raw: "", ok: true, samples: [] };
  // The rows of lib/oncall/report_checks.ts that judge ./tp backtest --parity's backtest.prom.
  const parity = evaluateOncall(cfg, {
    queries: Object.fromEntries(QUERY_KEYS.map((k) => [k, empty])),
    alerts: { url: "", raw: "[]", ok: true, alerts: [] },
    atMs: 0,
  }).map((r) => r.key).filter((k) => k.startsWith("backtest_"));
  assert.deepEqual(parity, [
    "backtest_tracking_error_ratio",
    "backtest_parity_unmatched_trades",
    "backtest_report_age_s",
  ]);
  const named = (where: string) => parity.filter((k) => where.includes(`\`${k}\``));
  assert.deepEqual(named(section.split("**Proof.**")[0]), parity, "Mechanism names every parity row");
  assert.deepEqual(named(section.split("**On shift.**")[1]), parity, "On shift says what to do on each");
});

Deno.test("ai_live_ops.md holds the known-good PromQL verbatim, each as its own promql block", async () => {
  const text = (await read()).get("runbooks/ai_live_ops.md")!;
  const blocks = fencedBlocks(text, "promql").map((b) => b.body.trim());
  for (const q of RUNBOOK_QUERIES) assert.ok(blocks.includes(q.promql), `missing: ${q.promql}`);
  assert.equal(RUNBOOK_QUERIES.length, 10);
});

Deno.test("oncall_checklist.md shows the PromQL of every up, system, error, bot, report and backup check verbatim", async () => {
  const text = (await read()).get("runbooks/oncall_checklist.md")!;
  const blocks = new Set(fencedBlocks(text, "promql").map((b) => b.body.trim()));
  const cfg = await loadOncallConfig();
  const empty = { promql: "", raw: "", ok: true, samples: [] };
  const rows = evaluateOncall(cfg, {
    queries: Object.fromEntries(QUERY_KEYS.map((k) => [k, empty])),
    alerts: { url: "", raw: "[]", ok: true, alerts: [] },
    atMs: 0,
  }).filter((r) => /^(up|system|errors|bot|drift|backtest|backup)_/.test(r.key));
  assert.equal(rows.length, 27);
  for (const r of rows) assert.ok(blocks.has(r.promql), `${r.key}: ${r.promql}`);
  // Each check the command prints is named in the runbook's tables.
  for (const r of rows) {
    assert.ok(text.includes(`\`${r.key.replace(/^(up|errors)_.*/, "$1_<job>")}\``), r.key);
  }
});

Deno.test("oncall_checklist.md: the shift's steps name every row the command prints, in the order it prints them", async () => {
  const text = (await read()).get("runbooks/oncall_checklist.md")!;
  const shift = text.split("\n## The shift, in order\n")[1].split("\n## ")[0];
  const cfg = await loadOncallConfig();
  const empty = { promql: "", raw: "", ok: true, samples: [] };
  const keys = evaluateOncall(cfg, {
    queries: Object.fromEntries(QUERY_KEYS.map((k) => [k, empty])),
    alerts: { url: "", raw: "[]", ok: true, alerts: [] },
    atMs: 0,
  }).map((r) => r.key);
  // Each step's rows (`bot_*`, `errors_<job>`, `backup_drill_age_s`) as the positions of the rows they name.
  const steps = shift.split(/^\d+\. /m).slice(1).map((step, n) => ({
    n: n + 1,
    rows: [...step.matchAll(/`([a-z][a-z0-9_]*(?:<job>|\*)?)`/g)].flatMap((m) => {
      const re = new RegExp(`^${m[1].replace("<job>", ".+").replace("*", ".*")}$`);
      return keys.flatMap((k, i) => re.test(k) ? [i] : []);
    }),
  })).filter((s) => s.rows.length > 0);
  assert.equal(new Set(steps.flatMap((s) => s.rows)).size, keys.length, "every row has its step");
  for (const [a, b] of steps.slice(1).map((b, i) => [steps[i], b])) {
    assert.ok(
      Math.max(...a.rows) < Math.min(...b.rows),
      `step ${b.n} names a row printed before one of step ${a.n}`,
    );
  }
  assert.ok(steps.length >= 7, `steps with rows: ${steps.length}`);
  assert.ok(shift.includes("./tp oncall --handover") && shift.includes("./tp backup --drill"));
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
    assert.equal(n, 68);
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
  assert.equal(links, 41, "internal links checked");
});

Deno.test("live_trading.md and paper_and_live_bots.md name only what ./tp live has: its flags, its LIVE_* env, its metrics", async () => {
  const texts = await read();
  for (const file of ["runbooks/live_trading.md", "runbooks/paper_and_live_bots.md"]) {
    await namesOnlyLiveThings(texts.get(file)!);
  }
});

async function namesOnlyLiveThings(text: string): Promise<void> {
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
}
