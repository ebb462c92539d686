// The operator's views against the real stack (testing/demo_stack.ts: simulator -> feed -> shadow ->
// exporter, a real Prometheus and Alertmanager, peak_trade_web scraped too), two venues and one symbol
// to keep it light. (1) Every expression of the page, the dashboards and the on-call checks names only
// series and labels the components really export (read from their own /metrics). (2) Every page column
// has a value for each venue/symbol the stack produced, every AI query and dashboard panel has data,
// every on-call check has data and the checklist passes. (3) The on-call CLI: table, evidence, an
// unaddressed critical, a silence, Alertmanager gone. (4) A component stopped shows DOWN on the page.
import assert from "node:assert/strict";
import { join } from "node:path";
import { createSilence } from "../lib/alerting/am_client.ts";
import { checkDashboardsAgainst } from "../testing/check_dashboards.ts";
import { FEED_DASHBOARDS } from "../testing/dashboard_panels.ts";
import { catalogFromExposition, checkRefs } from "../testing/dashboard_expr_refs.ts";
import { checkManifest } from "../lib/evidence/manifest.ts";
import { loadOncallConfig, parseOncallConfig } from "../lib/oncall/config.ts";
import { runOncall } from "../lib/oncall/run.ts";
import { pollUntil } from "../lib/async/poll.ts";
import { FEED_METRICS } from "../lib/web/feed_view.ts";
import { type DemoStack, withDemoStack } from "../testing/demo_stack.ts";
import { operatorExprs } from "../testing/operator_exprs.ts";
import { runScript } from "../testing/script_proc.ts";

const VENUES = ["binance", "okx"];
const SYMBOLS = ["BTC-USDT"];
const PAIRS = VENUES.flatMap((v) => SYMBOLS.map((s) => `${v}/${s}`));
/** The simulator's speed (the runbook's stack): the shipped on-call thresholds hold at it. */
const SPEED = 60;

/** The real components' series: each one's own /metrics, plus `up` that Prometheus adds. */
async function liveCatalog(s: DemoStack) {
  const urls = [s.feedUrl, s.shadowUrl, s.exporterUrl, s.web!.url];
  const texts = await Promise.all(urls.map(async (u) => await (await fetch(`${u}/metrics`)).text()));
  return catalogFromExposition(...texts, 'up{job="x",instance="x"} 1');
}

async function getJson(url: string) {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return await res.json();
}

/** Polls `probe` until it returns "" (ready); fails with the last reason after `ms`. */
async function waitReady(what: string, ms: number, probe: () => Promise<string>): Promise<void> {
  let why = "";
  const ok = await pollUntil(async () => (why = await probe()) === "" ? true : undefined, ms, 500);
  assert.equal(ok, true, `${what} within ${ms} ms: ${why}`);
}

interface Row {
  venue: string;
  symbol: string;
  lastBar: { c: number } | null;
  metrics: Record<string, number | null>;
}

Deno.test("operator views on the real stack: real series only, every column, panel and check has data; oncall CLI", async (t) => {
  const opts = async (dir: string) => {
    const evidence = join(dir, "evidence");
    await Deno.mkdir(evidence);
    return { venues: VENUES, symbols: SYMBOLS, speed: SPEED, webEvidenceDir: evidence };
  };
  await withDemoStack("tp_operator_stack_", opts, async (s, dir) => {
    const web = s.web!;
    // The shipped thresholds as they are (latency is wall ms at any simulator speed), for the jobs this
    // stack runs: no live loop or node-exporter here, so no bot, system or report rows
    // (tests/oncall_bots_stack_test.ts runs those on the stack with both).
    const oncall = parseOncallConfig({
      ...await loadOncallConfig(),
      jobs: ["ai_live", "peak_trade_web", "shadow_mvs", "live_connector"],
    });
    const cfgFile = join(dir, "oncall.json");
    const cfg = oncall;
    await Deno.writeTextFile(cfgFile, JSON.stringify(cfg));

    await t.step("every page, dashboard and on-call expression names real series and labels", async () => {
      // Divergence needs both venues' closes, the AI series the shadow's first decisions.
      let catalog = new Map<string, Set<string>>();
      await waitReady("divergence and AI decisions exported", 60_000, async () => {
        catalog = await liveCatalog(s);
        const want = [["feed_divergence_bps", "symbol"], ["peaktrade_ai_decisions_total", "run_id"]];
        return want.filter(([m, l]) => !catalog.get(m)?.has(l)).map(([m]) => m).join(", ");
      });
      assert.deepEqual([...catalog.get("feed_divergence_bps")!].sort(), ["interval", "symbol"]);
      const exprs = await operatorExprs(web.config, oncall, FEED_DASHBOARDS);
      const problems = exprs.flatMap((e) =>
        checkRefs(e.expr, catalog, e.readsLabels).map((p) => `${e.where}: ${e.expr}: ${p}`)
      );
      assert.deepEqual(problems, []);
    });

    await t.step("/api/feed: every column has a value for each venue/symbol of the stack", async () => {
      let body: { rows: Row[]; queries: Record<string, { report: { ok: boolean } }> } | null = null;
      await waitReady("every feed column filled", 60_000, async () => {
        body = await getJson(`${web.url}/api/feed`);
        const missing = body!.rows.flatMap((r) => [
          ...(r.lastBar ? [] : [`${r.venue}/${r.symbol} lastBar`]),
          ...FEED_METRICS.filter((m) => r.metrics[m] === null).map((m) => `${r.venue}/${r.symbol} ${m}`),
          // Bars close every simulated minute: the rate turns positive once two scrapes saw one.
          ...((r.metrics.barsPerMinute ?? 0) > 0 ? [] : [`${r.venue}/${r.symbol} bars not rising`]),
        ]);
        return missing.join(", ");
      });
      const b = body!;
      assert.deepEqual(b.rows.map((r) => `${r.venue}/${r.symbol}`), PAIRS);
      for (const [name, q] of Object.entries(b.queries)) assert.equal(q.report.ok, true, name);
      for (const r of b.rows) {
        assert.ok(r.lastBar!.c > 0);
        assert.ok(r.metrics.barsPerMinute! > 0, `${r.venue}/${r.symbol} bars/min`);
        assert.ok(r.metrics.divergenceBps! >= 0);
      }
    });

    await t.step("/api/ai, /api/stack, /api/alerts: every query answers with data", async () => {
      await waitReady("every AI query has series", 60_000, async () => {
        const ai = await getJson(`${web.url}/api/ai`);
        const empty = Object.entries(ai as Record<string, { series: unknown[] }>).filter(([, q]) =>
          q.series.length === 0
        );
        return empty.map(([k]) => k).join(", ");
      });
      const ai = await getJson(`${web.url}/api/ai`);
      const runs = ai.decisions.series.map((x: { labels: { run_id: string } }) => x.labels.run_id);
      assert.ok(runs.includes("stack_demo"), JSON.stringify(ai.decisions));
      const stackView = await getJson(`${web.url}/api/stack`);
      assert.equal(stackView.sources.prometheus.ok, true);
      assert.equal(stackView.sources.alertmanager.ok, true);
      assert.deepEqual(
        stackView.jobs.map((j: { job: string; up: boolean }) => [j.job, j.up]),
        [["ai_live", true], ["live_connector", true], ["peak_trade_web", true], ["shadow_mvs", true]],
      );
      assert.equal((await getJson(`${web.url}/api/alerts`)).source.ok, true);
    });

    await t.step("every feed dashboard panel returns data; a broken expression is bad_data", async () => {
      await waitReady("every panel has data", 45_000, async () => {
        const c = await checkDashboardsAgainst(s.promUrl, undefined, fetch, FEED_DASHBOARDS);
        return c.filter((x) => x.resultCount === 0).map((x) => `${x.panel}: ${x.expr} ${x.error ?? ""}`)
          .join("; ");
      });
      const badDir = join(dir, "bad_dash");
      await Deno.mkdir(badDir);
      await Deno.writeTextFile(
        join(badDir, "bad.json"),
        JSON.stringify({
          uid: "b",
          title: "B",
          schemaVersion: 39,
          panels: [{
            id: 1,
            type: "stat",
            title: "typo",
            targets: [{ refId: "A", expr: "sum(rate(x[5m])" }],
          }],
        }),
      );
      const bad = await checkDashboardsAgainst(s.promUrl, badDir);
      assert.equal(bad.length, 1);
      assert.equal(bad[0].resultCount, 0);
      assert.match(bad[0].error ?? "", /^bad_data: .*parse error/);
    });

    await t.step(
      "oncall: every check has data and passes; CLI, criticals, silences, no Alertmanager",
      async () => {
        const out = join(dir, "oncall_out");
        const opts = { promUrl: s.promUrl, amUrl: s.amUrl, config: cfg, configPath: cfgFile };
        await waitReady("oncall PASS", 60_000, async () => {
          const r = await runOncall({ ...opts, evidenceRoot: join(dir, "oncall_polls") });
          return r.verdict === "PASS" ? "" : r.table;
        });
        const cli = (args: string[]) =>
          runScript("scripts/oncall.ts", [
            ...["--config", cfgFile],
            "--prom-url",
            s.promUrl,
            "--am-url",
            s.amUrl,
            "--out-root",
            out,
            ...args,
          ]);
        const pass = await cli([]);
        assert.equal(pass.code, 0, pass.stdout + pass.stderr);
        assert.match(pass.stdout, /^CHECK +VALUE +THRESHOLD +STATUS +DETAIL$/m);
        assert.match(pass.stdout, /^up_live_connector +1 +=1 +PASS +up$/m);
        assert.match(pass.stdout, /^up_peak_trade_web +1 +=1 +PASS +up$/m);
        assert.match(pass.stdout, /^feed_symbols_stalled +0 +=0 +PASS +2 active, all rising$/m);
        assert.match(pass.stdout, /^feed_p99_transport_latency_ms +[\d.]+ +<500 +PASS +worst venue /m);
        assert.match(pass.stdout, /^verdict=PASS {2}evidence: /m);
        const dirs = [...Deno.readDirSync(out)].filter((e) => e.name.startsWith("oncall_")).map((e) =>
          e.name
        );
        assert.equal(dirs.length, 1);
        const ev = join(out, dirs[0]);
        assert.deepEqual(await checkManifest(ev), []);
        const summary = await Deno.readTextFile(join(ev, "ONCALL_SUMMARY.txt"));
        assert.equal(summary.trimEnd().split("\n").at(-1), "verdict=PASS");
        assert.match(summary, /^critical_alerts_unaddressed=0$/m);
        for (
          const f of [
            "prom/up.json",
            "prom/latency_p99.json",
            "prom/targets.json",
            "alertmanager/alerts.json",
          ]
        ) {
          assert.ok((await Deno.stat(join(ev, f))).size > 0, f);
        }
        const summaryJson = JSON.parse(await Deno.readTextFile(join(ev, "summary.json")));
        assert.equal(summaryJson.checks.length, 15);
        assert.deepEqual(
          summaryJson.checks.filter((c: { key: string }) => c.key.startsWith("errors_")).map((
            c: { key: string },
          ) => c.key),
          ["errors_ai_live", "errors_peak_trade_web", "errors_shadow_mvs", "errors_live_connector"],
        );
        assert.deepEqual(summaryJson.checks.filter((c: { status: string }) => c.status !== "PASS"), []);

        // A critical alert nobody handles fails the checklist, and only that row.
        const labels = { alertname: "FeedStalled", severity: "critical", venue: "okx", symbol: "ETH-USDT" };
        const posted = await fetch(`${s.amUrl}/api/v2/alerts`, {
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
        const failing = await runOncall({ ...opts, evidenceRoot: out });
        assert.equal(failing.verdict, "FAIL");
        assert.deepEqual(
          failing.results.filter((r) => r.status !== "PASS").map((r) => [r.key, r.value, r.detail]),
          [["critical_alerts_unaddressed", 1, "FeedStalled"]],
        );
        // Silenced: addressed, PASS again.
        await createSilence(s.amUrl, labels, Date.now(), 3_600_000, "oncall test");
        const silenced = await runOncall({ ...opts, evidenceRoot: out });
        assert.equal(silenced.verdict, "PASS", silenced.table);
        assert.match(
          silenced.table,
          /critical_alerts_unaddressed +0 +<=0 +PASS +none \(\d+ alerts in total\)/,
        );

        // Alertmanager gone: its own ERROR row, exit 1, evidence still written.
        await s.alerts.am!.stop();
        const noAm = await cli([]);
        assert.equal(noAm.code, 1);
        assert.match(noAm.stdout, /^critical_alerts_unaddressed +- +<=0 +ERROR +alertmanager: /m);
        assert.match(noAm.stdout, /^up_ai_live +1 +=1 +PASS/m);
        assert.match(noAm.stdout, /^verdict=FAIL/m);
      },
    );

    await t.step(
      "the exporter stopped: /api/stack shows ai_live DOWN with Prometheus's scrape error",
      async () => {
        await s.children.exporter.stop();
        let jobs: { job: string; up: boolean | null; lastError: string }[] = [];
        await waitReady("ai_live down in /api/stack", 30_000, async () => {
          jobs = (await getJson(`${web.url}/api/stack`)).jobs;
          return jobs.find((j) => j.job === "ai_live")?.up === false ? "" : JSON.stringify(jobs);
        });
        const down = jobs.find((j) => j.job === "ai_live")!;
        assert.match(down.lastError, /connection refused/);
        assert.deepEqual(jobs.filter((j) => j.up !== true).map((j) => j.job), ["ai_live"]);
      },
    );
  });
});
