// `./tp backtest` end to end: a real DuckDB store (BarStore) of the 2,000 fixture bars in a temp dir, the
// command as a child process: the evidence folder (summary key=value with verdict last, trades, equity
// curve, run.json, a manifest sha256sum accepts), the textfile metrics; `./tp evidence check` re-judging the
// folder from its own bars.tsv (AGREE; a changed bar DISAGREE even with the manifest rebuilt) and `evidence
// list` showing its verdict; and the one-line exit-2 answers to bad input, a missing store, an empty range
// and a state dir without an event log.
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildManifest, MANIFEST_NAME } from "../lib/evidence/manifest.ts";
import { BarStore } from "../lib/store/bar_store.ts";
import { expectedRun, fixtureClosedBars } from "../testing/shadow_fixture.ts";
import { runScript } from "../testing/script_proc.ts";
import { sha256sumCheck } from "../testing/sha256sum.ts";

const BARS = fixtureClosedBars();
const FROM = new Date(BARS[0].openTimeMs).toISOString();
const TO = String(BARS[BARS.length - 1].openTimeMs + 60_000);

async function withStore(body: (tmp: string, db: string) => Promise<void>): Promise<void> {
  const tmp = await Deno.makeTempDir({ prefix: "tp_backtest_cli_" });
  try {
    const db = join(tmp, "feed.duckdb");
    const store = await BarStore.open(db);
    await store.upsertBars(BARS);
    await store.close();
    await body(tmp, db);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

const backtest = (tmp: string, args: string[]) =>
  runScript("scripts/backtest.ts", ["--out-root", join(tmp, "ev"), ...args], {
    env: { NO_COLOR: "1", TICKPROOF_SIGNING_KEY: "", TICKPROOF_TEXTFILE_DIR: join(tmp, "tf") },
  });

Deno.test("backtest CLI: the fixture's 2,000 bars from a DuckDB store -> a sealed evidence folder, PASS, metrics", async () => {
  await withStore(async (tmp, db) => {
    const r = await backtest(tmp, ["--db", db, "--from", FROM, "--to", TO, "--taker-fee", "0.001"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stderr, "");
    const dir = /^evidence: (.+)$/m.exec(r.stdout)![1];
    assert.match(dir, /backtest_\d{8}T\d{6}Z$/);
    assert.match(r.stdout, new RegExp(`^metrics: ${join(tmp, "tf", "backtest.prom")}$`, "m"));
    const summary = await Deno.readTextFile(join(dir, "BACKTEST_SUMMARY.txt"));
    const lines = summary.trimEnd().split("\n");
    assert.deepEqual(lines.slice(-3), ["failed_gates=none", "signed=no", "verdict=PASS"]);
    const kv = Object.fromEntries(
      lines.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    const want = expectedRun(0, 2, 10, 1);
    assert.deepEqual(
      [kv.venue, kv.symbol, kv.interval, kv.bars, kv.fills, kv.trades, kv.taker_fee, kv.slippage_bps],
      [
        "binance",
        "BTC-USDT",
        "1m",
        "2000",
        String(want.enters.length + want.exits.length),
        "46",
        "0.001",
        "0",
      ],
    );
    for (const k of ["return", "max_drawdown", "win_rate", "fees", "equity_start", "equity_end", "judges"]) {
      assert.ok(kv[k] !== undefined && kv[k] !== "NO_DATA", `${k}=${kv[k]}`);
    }
    assert.equal(kv.equity_start, "10000");
    assert.ok(!("parity_unmatched_trades" in kv), "no parity keys without --parity");
    // The trades are the strategy's hand-checked bars (config/live/paper.json: size 0.001).
    const trades = (await Deno.readTextFile(join(dir, "trades.jsonl"))).trimEnd().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.deepEqual(trades.filter((t) => t.side === "BUY").map((t) => t.bar), want.enters);
    assert.deepEqual(trades.filter((t) => t.side === "SELL").map((t) => t.bar), want.exits.map((e) => e.i));
    assert.deepEqual(trades[0], {
      bar: 65,
      open_time: new Date(BARS[65].openTimeMs).toISOString(),
      side: "BUY",
      reason: "cross_up",
      qty: "0.00100000",
      price: BARS[65].c,
      quote: trades[0].quote,
      commission: "0.00000100",
      commission_asset: "BTC",
      fee: trades[0].fee,
      realised_pnl: 0,
    });
    const equity = (await Deno.readTextFile(join(dir, "equity.tsv"))).trimEnd().split("\n");
    assert.equal(equity.length, 2001);
    assert.equal(equity[0], "bar\topen_time\tclose\tquote\tbase\tequity\tdrawdown");
    assert.equal(Number(equity[2000].split("\t")[5]), Number(kv.equity_end));
    const run = JSON.parse(await Deno.readTextFile(join(dir, "run.json")));
    assert.equal(run.command, "backtest");
    assert.equal(run.config.db, db);
    assert.equal((await sha256sumCheck(dir)).code, 0);
    const prom = await Deno.readTextFile(join(tmp, "tf", "backtest.prom"));
    assert.match(
      prom,
      /^backtest_last_run_timestamp_seconds\{venue="binance",symbol="BTC-USDT",interval="1m"\} \d{10}$/m,
    );
    assert.doesNotMatch(prom, /backtest_tracking_error/, "not measured without --parity");

    // Checked offline from the folder alone, and listed with its verdict.
    const evidence = (...args: string[]) =>
      runScript("scripts/evidence.ts", args, { env: { NO_COLOR: "1" } });
    const check = await evidence("check", dir);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /^evidence check: AGREE \(backtest, \d+ checks; unsigned/m);
    const listed = JSON.parse((await evidence("list", "--root", join(tmp, "ev"), "--json")).stdout);
    assert.deepEqual(
      listed.map((f: { kind: string; verdict: string; known: boolean; failed: string[] }) => [
        f.kind,
        f.verdict,
        f.known,
        f.failed,
      ]),
      [["backtest", "PASS", true, []]],
    );
    // A bar's close changed (the first entry's, bar 65) and the manifest rebuilt as a careful tamperer
    // would: the recomputed trade, equity and summary values name what no longer follows from the bars.
    const bars = join(dir, "bars.tsv"), rows = (await Deno.readTextFile(bars)).split("\n");
    const f = rows[66].split("\t");
    assert.equal(Number(f[0]), BARS[65].openTimeMs);
    f[4] = String(Number(f[4]) * 1.01);
    rows[66] = f.join("\t");
    await Deno.writeTextFile(bars, rows.join("\n"));
    await Deno.writeTextFile(join(dir, MANIFEST_NAME), await buildManifest(dir));
    const forged = await evidence("check", dir, "--json");
    assert.equal(forged.code, 1, forged.stdout + forged.stderr);
    const bad = JSON.parse(forged.stdout).rows.filter((x: { verdict: string }) => x.verdict === "DISAGREE")
      .map((x: { check: string }) => x.check);
    for (const c of ["summary.json equity_end", "summary.json return", "trades.jsonl", "equity.tsv"]) {
      assert.ok(bad.includes(c), `${c}: ${bad.join(", ")}`);
    }
  });
});

Deno.test("backtest CLI: --help 0; bad flags, a missing store, an empty range, a state dir without a log: one line, exit 2", async () => {
  await withStore(async (tmp, db) => {
    const help = await backtest(tmp, ["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: \.\/tp backtest /);
    const cases: [string[], string][] = [
      [["--nope"], "backtest: Unknown option '--nope' (see --help)"],
      [
        ["--db", db, "--from", "yesterday"],
        'backtest: --from must be an ISO 8601 time (2026-01-01T00:00:00Z) or epoch ms, got "yesterday"',
      ],
      [["--db", db, "--from", TO, "--to", FROM], "backtest: --to must be after --from"],
      [["--db", db, "--interval", "5m"], 'backtest: --interval must be one of 1m, 1h, got "5m"'],
      [["--db", db, "--taker-fee", "2"], "backtest: --taker-fee must be a rate from 0 to 1"],
      [
        ["--db", join(tmp, "nope.duckdb")],
        `backtest: store ${join(tmp, "nope.duckdb")} not found (the feed's STORE_PATH; give --db PATH)`,
      ],
      [
        ["--db", db, "--from", "2030-01-01T00:00:00Z"],
        `backtest: no 1m bars of binance BTC-USDT with open time in [2030-01-01T00:00:00.000Z, -) in ${db} (stored ${
          new Date(BARS[0].openTimeMs).toISOString()
        } .. ${new Date(BARS[1999].openTimeMs).toISOString()})`,
      ],
      [
        ["--db", db, "--parity", "--state-dir", tmp],
        `backtest: no event log in ${join(tmp, "log")}: is ${tmp} the loop's LIVE_STATE_DIR?`,
      ],
      [["--db", db, "--state-dir", tmp], "backtest: --state-dir goes with --parity"],
    ];
    for (const [args, line] of cases) {
      const r = await backtest(tmp, args);
      assert.deepEqual([r.code, r.stdout, r.stderr], [2, "", line + "\n"], args.join(" "));
    }
    assert.equal(await Deno.stat(join(tmp, "ev")).then(() => true, () => false), false, "no folder written");
  });
});
