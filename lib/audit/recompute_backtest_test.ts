// A backtest folder judged again from its own bars.tsv and run.json: agrees as written, and the whole
// `evidence check` agrees; a changed bar, trade, summary value, setting or a file no run writes is named.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fixtureClosedBars } from "../../testing/shadow_fixture.ts";
import { gateSource } from "../evidence/gate_sources.ts";
import { instrument } from "../sim/instruments.ts";
import { spotSymbol } from "../sim/trading/symbols.ts";
import { BarStore } from "../store/bar_store.ts";
import { runBacktestProof } from "../verify/backtest_proof.ts";
import { checkFolder } from "./check.ts";
import { recomputeBacktest } from "./recompute_backtest.ts";
import type { CheckRow } from "./rows.ts";

const BARS = fixtureClosedBars();
const disagree = (rows: readonly CheckRow[]) => rows.filter((r) => r.verdict === "DISAGREE");
const names = (rows: readonly CheckRow[]) => disagree(rows).map((r) => r.check);

/** Runs `f` on the folder's `rel` changed by `edit`, then puts the file back. */
async function tampered<T>(dir: string, rel: string, edit: (t: string) => string, f: () => Promise<T>) {
  const path = join(dir, rel), text = await Deno.readTextFile(path);
  const changed = edit(text);
  assert.notEqual(changed, text, `the edit changed ${rel}`);
  await Deno.writeTextFile(path, changed);
  try {
    return await f();
  } finally {
    await Deno.writeTextFile(path, text);
  }
}

Deno.test("backtest: recomputed from the folder it agrees; a changed bar, trade, value or setting disagrees, by name", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "recompute_backtest_" });
  try {
    const db = join(tmp, "feed.duckdb");
    const store = await BarStore.open(db);
    await store.upsertBars(BARS);
    await store.close();
    const res = await runBacktestProof({
      venue: "binance",
      symbol: "BTC-USDT",
      interval: "1m",
      fromMs: BARS[0].openTimeMs,
      toMs: BARS[BARS.length - 1].openTimeMs + 60_000,
      db,
      params: { stopAtrK: 2, feeBps: 10, size: 0.001 },
      sizeAtoms: 100_000,
      strategySource: "config/live/paper.json",
      fill: { symbol: spotSymbol(instrument("BTC-USDT")), takerRate: 100_000, slippageBps: 1 },
      startQuoteAtoms: 10_000 * 1e8,
      parity: null,
      textfileDir: join(tmp, "tf"),
      evidenceRoot: join(tmp, "ev"),
    });
    const dir = res.dir;
    const rows = await recomputeBacktest(dir);
    assert.deepEqual(disagree(rows), []);
    const checks = rows.map((r) => r.check);
    for (const c of ["summary.json return", "summary.json max_drawdown", "summary.json unfilled"]) {
      assert.ok(checks.includes(c), c);
    }
    assert.deepEqual(checks.slice(checks.indexOf("gate bars_decided")), [
      "gate bars_decided",
      "gate equity_identity_gap",
      "gate equity_trade_list_gap",
      "gate decisions_unaccounted",
      "gate negative_balances",
      "verdict",
      "trades.jsonl",
      "trades.tsv",
      "equity.tsv",
      "BACKTEST_SUMMARY.txt",
    ]);
    for (const g of JSON.parse(await Deno.readTextFile(join(dir, "summary.json"))).gates) {
      for (const f of gateSource("backtest", g.key).raw) assert.ok((await Deno.stat(join(dir, f))).isFile, f);
    }
    const all = await checkFolder(dir, null);
    assert.equal(all.kind, "backtest");
    assert.deepEqual(disagree(all.rows), []);
    assert.match(
      await Deno.readTextFile(join(dir, "CHECK.txt")),
      /negative_balances\n {4}raw answer: bars\.tsv\n/,
    );

    // A bar: the first entry's close (bar 65, line 67) a dollar higher. The fill, the books after it and the
    // summary's numbers move; the manifest names the file.
    const firstBuy = (l: string, i: number) =>
      i === 66 ? l.replace(/^(\d+\t[^\t]+\t[^\t]+\t[^\t]+\t)([^\t]+)/, (_, a, c) => a + (Number(c) + 1)) : l;
    const bar = (t: string) => t.split("\n").map(firstBuy).join("\n");
    await tampered(dir, "bars.tsv", bar, async () => {
      const bad = disagree(await recomputeBacktest(dir));
      const by = new Map(bad.map((r) => [r.check, r]));
      assert.match(
        by.get("trades.jsonl")!.note,
        /^trades\.jsonl line 1 differs from the backtest recomputed/,
      );
      assert.match(by.get("equity.tsv")!.note, /^equity\.tsv line 67 differs/);
      for (const k of ["equity_end", "return", "fees"]) assert.ok(by.has(`summary.json ${k}`), k);
      assert.ok(!by.has("gate bars_decided"));
      const whole = await checkFolder(dir, null);
      assert.equal(whole.ok, false);
      assert.ok(
        whole.rows.some((r) => r.verdict === "DISAGREE" && r.note.includes("bars.tsv")),
        "manifest names it",
      );
    });
    // A bar dropped, or moved outside the range run.json names.
    await tampered(dir, "bars.tsv", (t) => t.split("\n").filter((_, i) => i !== 500).join("\n"), async () => {
      const bad = names(await recomputeBacktest(dir));
      assert.ok(bad.includes("summary.json bars"), bad.join(","));
      assert.ok(!bad.includes("summary.json last_bar"), bad.join(","));
    });
    await tampered(dir, "bars.tsv", (t) => t.replace(/\n\d+\t/, "\n1\t"), async () => {
      assert.deepEqual((await recomputeBacktest(dir)).map((r) => [r.check, r.verdict, r.note]), [[
        "raw bars.tsv",
        "DISAGREE",
        "bars.tsv line 2: open time 1 is outside the range in run.json",
      ]]);
    });

    // A trade, a summary value (in summary.json, in the text), a gate: only that row.
    await tampered(dir, "trades.jsonl", (t) => t.replace('"side":"BUY"', '"side":"SELL"'), async () => {
      assert.deepEqual(names(await recomputeBacktest(dir)), ["trades.jsonl"]);
    });
    await tampered(
      dir,
      "summary.json",
      (t) => t.replace(/"return": "[^"]+"/, '"return": "0.5"'),
      async () => {
        const bad = disagree(await recomputeBacktest(dir));
        assert.deepEqual(bad.map((r) => [r.check, r.stored]), [["summary.json return", "0.5"]]);
      },
    );
    await tampered(
      dir,
      "BACKTEST_SUMMARY.txt",
      (t) => t.replace(/^win_rate=.*$/m, "win_rate=0.9"),
      async () => {
        const bad = disagree(await recomputeBacktest(dir));
        assert.deepEqual(bad.map((r) => [r.check, r.stored]), [["BACKTEST_SUMMARY.txt", "win_rate=0.9"]]);
      },
    );
    await tampered(dir, "summary.json", (t) => t.replace('"value": 2000', '"value": 1999'), async () => {
      assert.deepEqual(names(await recomputeBacktest(dir)), ["gate bars_decided"]);
    });

    // A setting: a different fee moves every fill; an unusable one is said once.
    await tampered(
      dir,
      "run.json",
      (t) => t.replace('"taker_rate_atoms": 100000', '"taker_rate_atoms": 200000'),
      async () => {
        const bad = names(await recomputeBacktest(dir));
        for (
          const c of ["summary.json taker_fee", "summary.json fees", "trades.jsonl", "BACKTEST_SUMMARY.txt"]
        ) {
          assert.ok(bad.includes(c), `${c}: ${bad.join(",")}`);
        }
      },
    );
    await tampered(
      dir,
      "run.json",
      (t) => t.replace('"symbol": "BTCUSDT"', '"symbol": "ETHUSDT"'),
      async () => {
        assert.deepEqual((await recomputeBacktest(dir)).map((r) => [r.check, r.note]), [[
          "settings",
          'run.json config.fill.symbol "ETHUSDT" is not BTC-USDT\'s (BTCUSDT)',
        ]]);
      },
    );

    // Parity's files where no run with these settings writes them.
    await Deno.writeTextFile(join(dir, "parity.tsv"), "bar\n");
    assert.deepEqual(names(await recomputeBacktest(dir)), ["parity.tsv"]);
    await Deno.remove(join(dir, "parity.tsv"));
    await Deno.remove(join(dir, "bars.tsv"));
    assert.deepEqual((await recomputeBacktest(dir)).map((r) => [r.check, r.note]), [[
      "raw bars.tsv",
      "raw answer bars.tsv missing",
    ]]);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
