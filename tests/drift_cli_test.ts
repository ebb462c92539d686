// `./tp drift` end to end as a black box: a real DuckDB store written by the feed's own writer
// (BarStore), the command run as a child process, then its exit code, summary, TSV, SVGs, metrics file
// (checked by the real promtool) and folder (re-judged offline by `evidence check`'s code).
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkFolder } from "../lib/audit/check.ts";
import { runTool } from "../lib/prom/tools.ts";
import { BarStore } from "../lib/store/bar_store.ts";
import { runScript } from "../testing/script_proc.ts";
import { buildDriftStore } from "../testing/drift_store.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DAY = 1440;
const JUDGED = ["ema_12_rel", "ema_26_rel", "sma_20_rel", "rsi_14", "atr_14_rel", "log_return", "volume"];

const cli = (args: string[], env: Record<string, string> = {}) =>
  runScript("scripts/drift.ts", args, {
    cwd: ROOT,
    env: { NO_COLOR: "1", TICKPROOF_SIGNING_KEY: "", TICKPROOF_TEXTFILE_DIR: "", STORE_PATH: "", ...env },
    timeoutMs: 120_000,
  });

async function listDir(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) out.push(e.name);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return out.sort();
}

Deno.test("drift: PASS on an unchanged market, FAIL on a changed one, evidence and drift.prom; bad input is exit 2", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "tp_drift_" });
  try {
    const db = join(dir, "feed.duckdb"), out = join(dir, "evidence"), tf = join(dir, "textfile");
    const prom = join(tf, "drift.prom");
    await buildDriftStore(db);

    let passDir = "";
    await t.step("unchanged market: exit 0, summary, TSV, one SVG per feature, bars, metrics", async () => {
      const r = await cli(["--db", db, "--out-root", out, "--textfile-dir", tf]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.stderr, "");
      passDir = /^evidence: (.+)$/m.exec(r.stdout)?.[1] ?? "";
      assert.match(passDir, /\/drift_report_\d{8}T\d{6}Z$/);
      assert.match(r.stdout, new RegExp(`^metrics: ${prom}$`, "m"));
      const summary = await Deno.readTextFile(join(passDir, "DRIFT_REPORT_SUMMARY.txt"));
      for (
        const line of [
          "venue=binance",
          "symbol=BTC-USDT",
          "interval=1m",
          `db=${db}`,
          "reference=2026-01-01T00:00:00.000Z..2026-01-02T00:00:00.000Z",
          "reference_bars=1440",
          "current=2026-01-02T00:00:00.000Z..2026-01-03T00:00:00.000Z",
          "current_bars=1440",
          "bins=10",
          "epsilon=0.0001",
          `features=${JUDGED.join(",")}`,
          "null_resamples=200",
          "null_block=30",
          "null_percentile=95",
          "seed=1",
          "psi_moderate=0.1",
          "psi_significant=0.2",
          "flag_rule=psi > 0.2 and psi > null_p95",
          "flagged_features=none",
          "failed_gates=none",
        ]
      ) assert.match(summary, new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"), line);
      assert.match(summary, /\nsigned=(yes|no)\nverdict=PASS\n$/);
      const tsv = (await Deno.readTextFile(join(passDir, "drift_psi.tsv"))).trimEnd().split("\n").map((l) =>
        l.split("\t")
      );
      assert.deepEqual(tsv[0], ["feature", "n_ref", "n_cur", "psi", "null_p95", "flagged"]);
      assert.deepEqual(tsv.slice(1).map((row) => row[0]), JUDGED);
      const gates = JSON.parse(await Deno.readTextFile(join(passDir, "summary.json"))).gates;
      for (const [i, [f, nRef, nCur, psi, p95, flagged]] of tsv.slice(1).entries()) {
        assert.equal(flagged, "no", f);
        assert.equal(gates[i].key, `psi_${f}`);
        assert.equal(gates[i].value, Number(psi), f); // the TSV holds the full-precision value
        assert.ok(Number(psi) <= 0.2 || Number(psi) <= Number(p95), f);
        assert.match(
          gates[i].detail,
          new RegExp(`^null_p95 [\\d.e-]+; n_ref ${nRef}, n_cur ${nCur}; 10 bins; band `),
        );
        assert.ok(Number(nRef) >= 1400 && Number(nCur) >= 1400, `${f}: ${nRef} ${nCur}`);
      }
      const files = await listDir(passDir);
      for (const f of JUDGED) {
        assert.ok(files.includes(`hist_${f}.svg`), f);
        assert.match(await Deno.readTextFile(join(passDir, `hist_${f}.svg`)), /^<svg xmlns=[^]*<\/svg>\n$/);
      }
      for (const f of ["bars.tsv", "run.json", "summary.json", "MANIFEST_SHA256.txt", "gates.junit.xml"]) {
        assert.ok(files.includes(f), f);
      }
      assert.equal(
        (await Deno.readTextFile(join(passDir, "bars.tsv"))).trimEnd().split("\n").length,
        1 + 2 * DAY,
      );
      const metrics = await Deno.readTextFile(prom);
      const psiLines = metrics.split("\n").filter((l) => l.startsWith("drift_psi{"));
      assert.deepEqual(
        psiLines.map((l) => /feature="(\w+)"\} (\S+)$/.exec(l)!.slice(1)),
        [...tsv.slice(1).map((row) => [row[0], row[3]])].sort((a, b) => a[0].localeCompare(b[0])),
      );
      assert.ok(
        psiLines.every((l) => l.startsWith('drift_psi{venue="binance",symbol="BTC-USDT",interval="1m",')),
      );
      assert.match(
        metrics,
        /^drift_report_last_run_timestamp_seconds\{venue="binance",symbol="BTC-USDT",interval="1m"\} \d+(\.\d+)?$/m,
      );
      assert.equal((await listDir(tf)).join(","), "drift.prom", "no temp file left beside it");
      const report = await checkFolder(passDir, null);
      assert.ok(report.ok, JSON.stringify(report.rows.filter((row) => row.verdict === "DISAGREE")));
      assert.equal(report.rows.filter((row) => row.check.startsWith("gate ")).length, JUDGED.length);
    });

    await t.step("explicit windows equal to the defaults give the same PSIs to the bit", async () => {
      const r = await cli([
        "--db",
        db,
        "--out-root",
        out,
        "--textfile-dir",
        tf,
        "--reference",
        "2026-01-01..2026-01-02",
        "--current",
        "2026-01-02T01:00:00+01:00..2026-01-03T00:00:00Z",
      ]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const d = /^evidence: (.+)$/m.exec(r.stdout)![1];
      assert.equal(
        await Deno.readTextFile(join(d, "drift_psi.tsv")),
        await Deno.readTextFile(join(passDir, "drift_psi.tsv")),
      );
    });

    await t.step(
      "volatility and volume tripled: exit 1, those features flagged, metrics of both streams",
      async () => {
        const r = await cli(["--db", db, "--venue", "okx", "--out-root", out], {
          TICKPROOF_TEXTFILE_DIR: tf,
        });
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const d = /^evidence: (.+)$/m.exec(r.stdout)![1];
        const summary = await Deno.readTextFile(join(d, "DRIFT_REPORT_SUMMARY.txt"));
        assert.match(summary, /\nverdict=FAIL\n$/);
        const flagged = /^flagged_features=(.+)$/m.exec(summary)![1].split(",");
        for (const f of ["atr_14_rel", "log_return", "volume"]) {
          assert.ok(flagged.includes(f), `${f} in ${flagged}`);
        }
        assert.match(
          summary,
          /^gate\.psi_volume=FAIL \(want <=0\.2 or <=null_p95, got [\d.]+; .*; band significant; flagged\)$/m,
        );
        const tsv = await Deno.readTextFile(join(d, "drift_psi.tsv"));
        assert.deepEqual(
          tsv.trimEnd().split("\n").slice(1).filter((l) => l.endsWith("\tyes")).map((l) => l.split("\t")[0]),
          flagged,
        );
        for (const f of flagged) {
          assert.match(
            await Deno.readTextFile(join(d, `hist_${f}.svg`)),
            new RegExp(`${f}: PSI [\\d.]+ \\(null p95 [\\d.e-]+\\) FLAGGED`),
          );
        }
        const metrics = await Deno.readTextFile(prom);
        for (const venue of ["binance", "okx"]) {
          assert.equal(
            metrics.split("\n").filter((l) => l.startsWith(`drift_psi{venue="${venue}"`)).length,
            JUDGED.length,
          );
          assert.equal(
            metrics.split("\n").filter((l) => l.startsWith(`drift_psi_null_p95{venue="${venue}"`)).length,
            JUDGED.length,
          );
        }
        const check = await runTool("promtool", ["check", "metrics"], metrics);
        assert.equal(check.code, 0, check.stdout + check.stderr);
        assert.ok((await checkFolder(d, null)).ok);
      },
    );

    await t.step(
      "bad input, no store, too few bars, a store held for writing: one line, exit 2, nothing written",
      async () => {
        const folders = await listDir(out), metrics = await Deno.readTextFile(prom);
        const fails = async (args: string[], line: string | RegExp, env: Record<string, string> = {}) => {
          const r = await cli(["--out-root", out, "--textfile-dir", tf, ...args], env);
          assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
          assert.equal(r.stdout, "");
          if (typeof line === "string") assert.equal(r.stderr, `drift: ${line}\n`);
          else assert.match(r.stderr, line);
          assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
        };
        await fails(
          ["--db", db, "--reference", "yesterday"],
          '--reference must be FROM..TO in ISO time with a zone or dates, e.g. 2026-03-01T00:00:00Z..2026-03-02T00:00:00Z, got "yesterday"',
        );
        await fails(
          ["--db", db, "--current", "2026-01-02T00:00:00..2026-01-03"],
          /^drift: --current must be FROM\.\.TO/,
        );
        await fails(
          ["--db", db, "--current", "2026-01-03..2026-01-02"],
          '--current: FROM must be before TO, got "2026-01-03..2026-01-02"',
        );
        await fails(["--db", db, "--interval", "5m"], '--interval must be one of 1m, 1h, got "5m"');
        await fails(
          ["--db", db, "--features", "rsi_14,nope"],
          /^drift: --features takes names from ema_12_rel,/,
        );
        await fails(["--db", db, "--bogus"], /^drift: Unknown option '--bogus'/);
        const missing = join(dir, "none.duckdb");
        await fails(
          ["--db", missing],
          `store ${missing} does not exist (--db; --db PATH reads another store)`,
        );
        await fails(
          [],
          `store ${missing} does not exist (STORE_PATH in the environment; --db PATH reads another store)`,
          {
            STORE_PATH: missing,
          },
        );
        const envFile = join(dir, "feed.env");
        await Deno.writeTextFile(envFile, `FEED_PROFILE=sim\nSTORE_PATH=${missing}\n`);
        await fails(
          ["--env", envFile],
          `store ${missing} does not exist (STORE_PATH in ${envFile}; --db PATH reads another store)`,
        );
        await fails(
          ["--db", db, "--venue", "kraken"],
          new RegExp(
            "^drift: too few bars in .*feed\\.duckdb for kraken BTC-USDT 1m: the reference window \\(empty, 0 bars\\) " +
              "gives 0 values of ema_12_rel, at least 100 are needed \\(--min-bars; choose windows with --bars or " +
              "--reference/--current\\)\n$",
          ),
        );
        await fails(
          ["--db", db, "--venue", "kraken", "--bars", "75"],
          /^drift: too few bars .*: the reference window \(2026-01-01T00:00:00\.000Z\.\.2026-01-01T01:15:00\.000Z, 75 bars\) gives 50 values of ema_26_rel, at least 100/,
        );
        // The feed's way of holding the store: BarStore open for writing in another process (this one).
        const feed = await BarStore.open(db);
        try {
          await fails(
            ["--db", db],
            `store ${db} is open for writing in another process (pid ${Deno.pid}), and DuckDB lets no other ` +
              "process read it meanwhile: stop the feed, or point --db at a copy of the store",
          );
        } finally {
          await feed.close();
        }
        assert.deepEqual(await listDir(out), folders, "no evidence folder from a refused run");
        assert.equal(await Deno.readTextFile(prom), metrics, "drift.prom untouched");
      },
    );

    await t.step("--help is the usage, exit 0", async () => {
      const r = await cli(["--help"]);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Usage: \.\/tp drift \[options\]/);
      assert.match(r.stdout, /an empty bin takes the\nproportion 0\.0001/);
      assert.match(r.stdout, /flagged only when PSI > 0\.2 AND PSI > null p95/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
