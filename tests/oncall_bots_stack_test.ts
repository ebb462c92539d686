// The on-call checklist's system, error, bot and report checks on the real stack (testing/demo_stack.ts
// with the live loop trading paper on the simulator and node-exporter): a real Prometheus scrapes the
// loop's and node-exporter's own /metrics; node-exporter's textfile folder holds what the real
// `./tp drift` and `./tp backtest` wrote. Nothing imitates a component. Then: every check has data and
// its exact outcome; the backup drill's age is NO_DATA before any drill and after a failed first one, and
// PASS from the backup.prom of a real `./tp backup --drill` of this running stack; the Trading and System
// Health dashboards name only real series and have data; the folder re-checks offline; the kill switch
// engaged is seen as FAIL and as an incident in HANDOVER.md.
import assert from "node:assert/strict";
import { join } from "node:path";
import { checkFolder } from "../lib/audit/check.ts";
import { waitForAlert } from "../lib/alerting/am_client.ts";
import { pollUntil, waitForValue } from "../lib/async/poll.ts";
import { instantQuery } from "../lib/prom/client.ts";
import { loadOncallConfig, type OncallConfig, parseOncallConfig } from "../lib/oncall/config.ts";
import { num } from "../lib/oncall/rows.ts";
import { runOncall } from "../lib/oncall/run.ts";
import type { GateResult } from "../lib/verify/gates.ts";
import { type DemoStack, withDemoStack } from "../testing/demo_stack.ts";
import { runScript } from "../testing/script_proc.ts";
import { checkDashboardsAgainst, type PanelCheck } from "../testing/check_dashboards.ts";
import { TRADING_DASHBOARDS } from "../testing/dashboard_panels.ts";
import { catalogFromExposition, checkRefs } from "../testing/dashboard_expr_refs.ts";
import { operatorExprs } from "../testing/operator_exprs.ts";
import { defaultWebConfig, resolveWebConfig } from "../lib/web/config.ts";
import { buildDriftStore, driftFlagged } from "../testing/drift_store.ts";

/** The simulator's speed: 1m bars close 60 times faster than in real time. */
const SPEED = 60;
const JOBS = ["ai_live", "shadow_mvs", "live_connector", "live_loop", "node"] as const;

/**
 * The shipped thresholds for this stack: its jobs; the fills band scaled by the simulator's speed; CPU
 * busy allowed up to 1 (this machine's CPUs are shared with whatever else runs: its load is not the
 * stack's outcome; a second run at 0 shows the threshold bites).
 */
async function stackConfig(): Promise<OncallConfig> {
  const shipped = await loadOncallConfig();
  return parseOncallConfig({
    ...shipped,
    jobs: JOBS,
    system: { ...shipped.system!, cpu_busy_max: 1 },
    bots: { ...shipped.bots!, fills_max: shipped.bots!.fills_max * SPEED },
  });
}

const cli = (script: string, args: string[], tf: string) =>
  runScript(script, args, {
    env: { NO_COLOR: "1", TICKPROOF_SIGNING_KEY: "", TICKPROOF_TEXTFILE_DIR: tf, STORE_PATH: "" },
    timeoutMs: 180_000,
  });

async function authed(s: DemoStack, path: string, method: string, body: unknown) {
  const res = await fetch(`${s.live!.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${s.live!.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}

/** The backup drill age row's detail while no drill has passed. */
const NO_DRILL = "no backup drill has passed (backup_drill_last_success_timestamp_seconds missing or 0): " +
  "run ./tp backup --drill (it writes backup.prom for node-exporter)";
const promValue = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);

const rowsOf = (r: readonly GateResult[], prefix: RegExp) =>
  r.filter((x) => prefix.test(x.key)).map((x) => [x.key, x.status]);

Deno.test("oncall on the real stack: system, error, bot and report checks from the loop's and node-exporter's own series", async (t) => {
  let flagged: { feature: string; psi: number }[] = [];
  const opts = async (dir: string) => {
    const tf = join(dir, "textfile"), db = join(dir, "history.duckdb"), ev = join(dir, "reports");
    await buildDriftStore(db);
    for (const venue of ["binance", "okx"]) {
      const r = await cli("scripts/drift.ts", [
        "--db",
        db,
        "--venue",
        venue,
        "--out-root",
        ev,
        "--textfile-dir",
        tf,
      ], tf);
      assert.equal(r.code, venue === "binance" ? 0 : 1, r.stdout + r.stderr);
      if (venue === "okx") flagged = await driftFlagged(/^evidence: (.+)$/m.exec(r.stdout)![1]);
    }
    const bt = await cli("scripts/backtest.ts", ["--db", db, "--venue", "binance", "--out-root", ev], tf);
    assert.equal(bt.code, 0, bt.stdout + bt.stderr);
    return { venues: ["binance"], symbols: ["BTC-USDT"], speed: SPEED, trading: true, nodeTextfileDir: tf };
  };
  await withDemoStack("tp_oncall_bots_", opts, async (s, dir) => {
    const cfg = await stackConfig();
    const run = (c = cfg) =>
      runOncall({
        promUrl: s.promUrl,
        amUrl: s.amUrl,
        config: c,
        configPath: "config/oncall.json",
        evidenceRoot: join(dir, "oncall"),
      });
    assert.ok(flagged.length > 0, "the changed okx market flags features");

    await t.step("the loop ready; two paper buys filled through the drill API", async () => {
      const ready = await pollUntil(
        async () => {
          const r = await fetch(`${s.live!.url}/health`);
          await r.body?.cancel();
          return r.status === 200 || undefined;
        },
        90_000,
        500,
      );
      assert.equal(ready, true, "the live loop ready within 90 s");
      const fills = async () => {
        const m = await (await fetch(`${s.live!.url}/metrics`)).text();
        return Number(
          /^live_loop_fills_total\{venue="binance-spot",symbol="BTCUSDT"\} (\d+)$/m.exec(m)?.[1] ?? 0,
        );
      };
      const order = async (side: "BUY" | "SELL", n: number) => {
        const before = await fills();
        // Refused (409 NO_REFERENCE_PRICE) until the loop has a closed bar from the feed.
        let placed = { status: 0, body: "" };
        await pollUntil(
          async () => {
            placed = await authed(s, "/admin/drill/orders", "POST", {
              symbol: "BTCUSDT",
              side,
              type: "MARKET",
              quantity: 100_000,
              correlationId: `oncall-e2e-${n}`,
            });
            return placed.status === 409 && placed.body.includes("NO_REFERENCE_PRICE") ? undefined : true;
          },
          60_000,
          500,
        );
        assert.equal(placed.status, 200, placed.body);
        const filled = await pollUntil(async () => (await fills()) > before || undefined, 30_000, 250);
        assert.equal(filled, true, `the drill ${side} filled: ${placed.body}`);
      };
      await order("BUY", 1);
      // A counter's first appearance is no increase to Prometheus: the second fill counts once it has seen it.
      await waitForValue("Prometheus to scrape the loop's fills", async () => {
        const r = await instantQuery(s.promUrl, "live_loop_fills_total");
        return r.samples.length > 0 || undefined;
      }, { timeoutMs: 30_000, everyMs: 250 });
      await order("BUY", 2);
    });

    let results: GateResult[] = [];
    await t.step("every check has data; exact outcomes", async () => {
      // No backup drill has run yet: its age row is NO_DATA (never a pass), until the step below.
      const want = (r: GateResult) =>
        r.key === "drift_features_flagged"
          ? "FAIL"
          : ["backtest_tracking_error_ratio", "backtest_parity_unmatched_trades", "backup_drill_age_s"]
              .includes(r.key)
          ? "NO_DATA"
          : "PASS";
      let last = "";
      const ok = await pollUntil(
        async () => {
          const res = await run();
          results = res.results;
          last = res.table;
          // Fills, equity and the rates need a few scrapes after the orders.
          const fills = results.find((r) => r.key === "bot_fills_per_window")?.value ?? 0;
          return results.every((r) => r.status === want(r)) && fills > 0 || undefined;
        },
        150_000,
        2000,
      );
      assert.equal(ok, true, `checklist as expected within 150 s:\n${last}`);
      assert.deepEqual(results.map((r) => r.key).slice(0, 5), JOBS.map((j) => `up_${j}`));
      assert.deepEqual(rowsOf(results, /^(system|errors)_/), [
        ["system_cpu_busy_ratio", "PASS"],
        ["system_memory_available_ratio", "PASS"],
        ["system_disk_free_ratio", "PASS"],
        ["errors_ai_live", "PASS"],
        ["errors_shadow_mvs", "PASS"],
        ["errors_live_connector", "PASS"],
        ["errors_live_loop", "PASS"],
      ]);
      const by = new Map(results.map((r) => [r.key, r]));
      for (const k of ["system_cpu_busy_ratio", "system_memory_available_ratio", "system_disk_free_ratio"]) {
        const v = by.get(k)!.value!;
        assert.ok(v > 0 && v < 1, `${k}=${v}`);
      }
      assert.equal(by.get("bot_kill_switch_engaged")!.detail, "ACTIVE");
      assert.equal(by.get("bot_orders_unconfirmed")!.value, 0);
      assert.equal(by.get("bot_equity_unexplained_ratio")!.status, "PASS");
      assert.match(
        by.get("bot_pnl_today")!.detail,
        /^equity [\d.]+ at \d\d:\d\d UTC -> [\d.]+ at \d\d:\d\d \(127\.0\.0\.1:\d+\); limit config\/live\/paper\.json risk\.max_daily_loss=200$/,
      );
      assert.deepEqual([by.get("drift_features_flagged")!.value, by.get("drift_features_flagged")!.detail], [
        flagged.length,
        `flagged: ${flagged.map((f) => `okx/BTC-USDT/1m ${f.feature}=${num(f.psi, 3)}`).join(",")}`,
      ]);
      assert.equal(
        by.get("backtest_tracking_error_ratio")!.detail,
        "no backtest_tracking_error series (run ./tp backtest --parity: it writes backtest.prom for node-exporter)",
      );
      assert.equal(
        by.get("backtest_parity_unmatched_trades")!.detail,
        "no backtest_parity_unmatched_trades series (run ./tp backtest --parity: it writes backtest.prom for node-exporter)",
      );
      assert.equal(by.get("backtest_report_age_s")!.status, "PASS");
      assert.equal(by.get("backup_drill_age_s")!.detail, NO_DRILL);
      // The same stack at a CPU threshold of 0: that row alone fails.
      const strict = await run(parseOncallConfig({ ...cfg, system: { ...cfg.system!, cpu_busy_max: 0 } }));
      assert.equal(strict.results.find((r) => r.key === "system_cpu_busy_ratio")!.status, "FAIL");
    });

    await t.step(
      "backup drill age: a failed first drill is still NO_DATA; a real drill of this running stack PASSes",
      async () => {
        const tf = join(dir, "textfile");
        const drill = (env: Record<string, string>) =>
          runScript("scripts/backup.ts", [
            ...["--drill", "--target", join(dir, "backups"), "--out-root", join(dir, "backup_evidence")],
            ...["--textfile-dir", tf],
          ], { env: { NO_COLOR: "1", TICKPROOF_SIGNING_KEY: "", ...env }, timeoutMs: 180_000 });
        const scraped = (name: string, value: number) =>
          waitForValue(`Prometheus to scrape ${name} ${value} from node-exporter`, async () => {
            const r = await instantQuery(s.promUrl, `max(${name})`);
            return r.samples[0]?.value === value || undefined;
          }, { timeoutMs: 30_000, everyMs: 250 });
        const row = async () => (await run()).results.find((r) => r.key === "backup_drill_age_s")!;

        // A first drill that fails (its store is no DuckDB file): backup.prom says it ran, its last success 0.
        const junk = join(dir, "not_a_store.duckdb");
        await Deno.writeTextFile(junk, "not a DuckDB file\n");
        const failed = await drill({
          STORE_PATH: junk,
          PARQUET_DIR: join(dir, "no_parquet"),
          LIVE_STATE_DIR: join(dir, "no_state"),
        });
        assert.equal(failed.code, 1, failed.stdout + failed.stderr);
        let prom = await Deno.readTextFile(join(tf, "backup.prom"));
        assert.equal(promValue(prom, "backup_drill_last_success_timestamp_seconds"), 0);
        await scraped(
          "backup_drill_last_run_timestamp_seconds",
          promValue(prom, "backup_drill_last_run_timestamp_seconds"),
        );
        const none = await row();
        assert.deepEqual([none.status, none.value, none.detail], ["NO_DATA", null, NO_DRILL]);

        // The real drill of this stack: the running feed exports its store, the running loop's state dir.
        const ok = await drill({
          STORE_PATH: join(dir, "feed.duckdb"),
          PARQUET_DIR: join(dir, "parquet"),
          LIVE_STATE_DIR: join(dir, "live_state"),
        });
        assert.equal(ok.code, 0, ok.stdout + ok.stderr);
        assert.match(ok.stdout, /^seeded=no$/m);
        assert.match(ok.stdout, /^store_copied_by=feed pid \d+ \(EXPORT DATABASE\)$/m);
        prom = await Deno.readTextFile(join(tf, "backup.prom"));
        const success = promValue(prom, "backup_drill_last_success_timestamp_seconds");
        assert.ok(success > 0, prom);
        await scraped("backup_drill_last_success_timestamp_seconds", success);
        const r = await row();
        assert.deepEqual([r.status, r.detail, r.want], [
          "PASS",
          "since the last ./tp backup --drill that passed",
          `<=${cfg.reports!.backup_drill_max_age_s}`,
        ]);
        assert.ok(r.value! > 0 && r.value! <= cfg.reports!.backup_drill_max_age_s!, String(r.value));
      },
    );

    await t.step(
      "Trading and System Health: every expression names real series; every panel has data",
      async () => {
        const texts = await Promise.all(
          [s.live!.url, s.nodeUrl!, s.feedUrl, s.shadowUrl, s.exporterUrl].map(async (u) =>
            await (await fetch(`${u}/metrics`)).text()
          ),
        );
        const catalog = catalogFromExposition(...texts, 'up{job="x",instance="x"} 1');
        const web = resolveWebConfig(defaultWebConfig("127.0.0.1"), {});
        // The dashboards' and on-call expressions (the page's are the feed stack's: operator_stack_test).
        // No --parity backtest ran here (its own stack is tests/backtest_parity_test.ts): its three series are
        // the only ones not exported, and exactly them.
        const exprs = (await operatorExprs(web, cfg, TRADING_DASHBOARDS)).filter((e) =>
          !e.where.startsWith("web ")
        );
        const unexported = exprs.filter((e) => checkRefs(e.expr, catalog, e.readsLabels).length > 0).map((
          e,
        ) => e.expr);
        assert.deepEqual([...new Set(unexported)].sort(), [
          "backtest_parity_unmatched_trades",
          "backtest_tracking_error",
          "backtest_tracking_error_bound",
        ]);
        // The tracking-error panel reads ./tp backtest --parity's numbers: none ran here (its own stack is
        // tests/backtest_parity_test.ts), so exactly its two targets are empty, and run.
        const parityOnly = (c: PanelCheck) => c.panel === "Tracking error vs bound";
        let last: PanelCheck[] = [];
        await pollUntil(
          async () => {
            last = await checkDashboardsAgainst(s.promUrl, undefined, fetch, TRADING_DASHBOARDS);
            return last.every((c) => c.resultCount > 0 || parityOnly(c)) || undefined;
          },
          60_000,
          1000,
        );
        assert.deepEqual(
          last.filter((c) => c.resultCount === 0 || c.error).map((c) =>
            `${c.dashboard}: ${c.panel} (${c.refId})`
          ),
          [
            "tickproof / Trading: Tracking error vs bound (A)",
            "tickproof / Trading: Tracking error vs bound (B)",
          ],
        );
        assert.equal(last.length, 40);
      },
    );

    await t.step(
      "the oncall folder re-checks offline from its raw answers (range answers included)",
      async () => {
        const res = await run();
        const report = await checkFolder(res.dir, null);
        assert.deepEqual(report.rows.filter((r) => r.verdict === "DISAGREE"), []);
        assert.ok(report.rows.some((r) => r.check === "gate bot_pnl_today"), "bot_pnl_today recomputed");
      },
    );

    await t.step(
      "the kill switch engaged by the operator: bot_kill_switch_engaged FAIL naming the loop",
      async () => {
        const r = await authed(s, "/admin/kill-switch", "POST", { reason: "oncall e2e" });
        assert.equal(r.status, 200, r.body);
        const instance = new URL(s.live!.url).host;
        let row: GateResult | undefined;
        const seen = await pollUntil(
          async () => {
            row = (await run()).results.find((x) => x.key === "bot_kill_switch_engaged");
            return row?.status === "FAIL" || undefined;
          },
          30_000,
          1000,
        );
        assert.equal(seen, true, JSON.stringify(row));
        assert.deepEqual([row!.value, row!.detail], [1, `HALTED: ${instance} (runbooks/live_trading.md)`]);
      },
    );

    await t.step(
      "./tp oncall --handover: HANDOVER.md with the kill-switch incident, the bots beside their limits",
      async () => {
        const fired = await waitForAlert(s.amUrl, "LiveLoopKillSwitchEngaged", "firing", 30_000, {
          everyMs: 250,
        });
        assert.equal(fired.reached, true, fired.last.raw);
        const cfgFile = join(dir, "oncall.json");
        await Deno.writeTextFile(cfgFile, JSON.stringify(cfg));
        const out = join(dir, "handover");
        // Prometheus's ALERTS history has the alert once a 60 s step of its range answer falls after it fired.
        let text = "", code = -1;
        await pollUntil(
          async () => {
            const r = await runScript("scripts/oncall.ts", [
              ...[
                "--config",
                cfgFile,
                "--prom-url",
                s.promUrl,
                "--am-url",
                s.amUrl,
                "--out-root",
                out,
                "--handover",
              ],
            ], { env: { NO_COLOR: "1", TICKPROOF_SIGNING_KEY: "" }, timeoutMs: 60_000 });
            code = r.code;
            const path = /^handover: (.+)$/m.exec(r.stdout)?.[1];
            text = path ? await Deno.readTextFile(path) : r.stdout + r.stderr;
            return text.includes(`| LiveLoopKillSwitchEngaged | critical |`) || undefined;
          },
          60_000,
          1000,
        );
        assert.equal(code, 1, text); // FAIL: the kill switch row
        const incident = text.split("\n").find((l) =>
          l.includes("| LiveLoopKillSwitchEngaged | critical |")
        )!;
        assert.match(
          incident,
          /^\| LiveLoopKillSwitchEngaged-[0-9a-f]{8}-\d{8}T\d{4}Z \| [\d-]+ [\d:]+ \| firing \| LiveLoopKillSwitchEngaged \| critical \| Live loop: kill switch engaged \(HALTED, no new exposure\) \| /,
        );
        assert.ok(text.includes("not passing: bot_kill_switch_engaged (FAIL)"), text);
        assert.ok(
          text.includes(
            "Risk limits (config/live/paper.json): max daily loss 200 (quote), max drawdown 500 bps (5%).",
          ),
          text,
        );
        assert.match(
          text,
          new RegExp(
            `^\\| up \\| -?[\\d.]+ \\(PASS\\) \\| [\\d.]+ \\(PASS\\) \\| - \\(NO_DATA\\) \\| HALTED: ${
              new URL(s.live!.url).host.replaceAll(".", "\\.")
            } `,
            "m",
          ),
        );
        // The folder with its handover still re-checks offline.
        const folder = [...Deno.readDirSync(out)].map((e) => join(out, e.name)).sort().at(-1)!;
        const report = await checkFolder(folder, null);
        assert.deepEqual(report.rows.filter((r) => r.verdict === "DISAGREE"), []);
      },
    );

    await t.step(
      "the loop stopped: today's PnL and drawdown are stale (NO_DATA naming the age), never judged on its last day",
      async () => {
        // A 5 s step and a 10 s limit so the newest point turns stale within seconds, not minutes.
        const quick = parseOncallConfig({
          ...cfg,
          bots: { ...cfg.bots!, today_step: "5s", today_age_max_s: 10 },
        });
        const before = (await run(quick)).results.find((r) => r.key === "bot_pnl_today")!;
        assert.equal(before.status, "PASS", before.detail);
        await s.live!.child.stop();
        let rows: GateResult[] = [];
        const stale = await pollUntil(
          async () => {
            rows = (await run(quick)).results.filter((r) => r.key.endsWith("_today"));
            return rows.every((r) => r.status === "NO_DATA") || undefined;
          },
          60_000,
          1000,
        );
        assert.equal(stale, true, JSON.stringify(rows));
        const instance = new URL(s.live!.url).host.replaceAll(".", "\\.");
        for (
          const [r, metric] of rows.map((r, i) =>
            [r, ["live_loop_equity", "live_loop_drawdown_ratio"][i]] as const
          )
        ) {
          assert.equal(r.value, null);
          // Should UTC midnight fall between the stop and the check, the newest point is yesterday's: the
          // row says so instead (still NO_DATA, still never judged on the loop's last day).
          const stamp = `\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ`;
          assert.match(
            r.detail,
            new RegExp(
              `^stale: newest ${metric} point \\d+ s before the check \\(${instance}, at ${stamp}\\); today_age_max_s=10: the loop is not being scraped$|^no ${metric} today \\(UTC day of ${stamp}\\)`,
            ),
          );
        }
      },
    );
  });
});
