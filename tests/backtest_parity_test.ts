// Parity on real parts: RefStrat_01 trades a paper session through the live loop on the venue simulator
// (the real connector over loopback, testing/live_loop.ts), each bar built from the simulator's own prints
// and handed to the strategy 1.5 s after it closed, so every MARKET order fills at a later print than the
// close the backtest uses. Then the backtest over the same bars against the loop's event log: every
// trade matched, each paper price the last print before the order (the fill model parity assumes), the
// tracking error above 0 and within the bound derived from the fill model; and `./tp backtest --parity`
// over a DuckDB store of those bars and the loop's state dir says the same (PASS, parity keys, metrics),
// which node-exporter's textfile collector hands a real Prometheus: the on-call tracking-error check and
// the Trading dashboard's panel show the command's numbers; `./tp evidence check` judges its folders again
// from their own bars.tsv and paper_orders.json (AGREE, the FAIL one too) and names the parity values a
// changed paper fill no longer gives.
import assert from "node:assert/strict";
import { join } from "node:path";
import { parityCurve } from "../lib/backtest/parity_curve.ts";
import { matchTrades } from "../lib/backtest/parity.ts";
import { runBacktest } from "../lib/backtest/run.ts";
import { BarStrategy, strategyStateFile } from "../lib/live/bar_strategy.ts";
import type { ClosedBar } from "../lib/market/types.ts";
import { instrument } from "../lib/sim/instruments.ts";
import { spotSymbol } from "../lib/sim/trading/symbols.ts";
import { gateSource } from "../lib/evidence/gate_sources.ts";
import { buildManifest, MANIFEST_NAME } from "../lib/evidence/manifest.ts";
import { BarStore } from "../lib/store/bar_store.ts";
import { placeOnBars, readPaperLog } from "../lib/verify/paper_orders.ts";
import { parsePaperOrdersJson, renderPaperOrdersJson } from "../lib/verify/paper_orders_json.ts";
import { startLoopRig, SYMBOL, U } from "../testing/live_loop.ts";
import { runScript } from "../testing/script_proc.ts";
import { waitForValue } from "../lib/async/poll.ts";
import { freePort } from "../lib/http/free_port.ts";
import { loadOncallConfig } from "../lib/oncall/config.ts";
import { evaluateReports, reportQueries } from "../lib/oncall/report_checks.ts";
import { num, Rows } from "../lib/oncall/rows.ts";
import { instantQuery } from "../lib/prom/client.ts";
import { startPrometheus } from "../lib/prom/launcher.ts";
import { startNodeExporter } from "../lib/prom/node_exporter.ts";
import { checkDashboardsAgainst } from "../testing/check_dashboards.ts";

const MIN = 60_000;
/** How long after a bar's close the strategy gets it (the feed's close delay and the SSE hop). */
const DELAY_MS = 1_500;
const BARS = 26;
const PARAMS = { stopAtrK: 2, feeBps: 10, size: 0.001 }; // config/live/paper.json's strategy
const FILL = { symbol: spotSymbol(instrument("BTC-USDT")), takerRate: 200_000, slippageBps: 0 }; // the rig's venue

/** EMAs that cross up at k % 8 == 4 and down at k % 8 == 0; an ATR that keeps the stop out of reach. */
function barOf(openTimeMs: number, k: number, prices: readonly number[], prevClose: number): ClosedBar {
  const px = prices.length ? prices : [prevClose];
  return {
    venue: "binance",
    symbol: "BTC-USDT",
    interval: "1m",
    openTimeMs,
    o: px[0],
    h: Math.max(...px),
    l: Math.min(...px),
    c: px[px.length - 1],
    v: prices.length,
    trades: prices.length,
    origin: prices.length ? "trades" : "flat",
    closedAtMs: openTimeMs + MIN + DELAY_MS,
    features: {
      ema_12: k % 8 < 4 ? 99 : 101,
      ema_26: 100,
      sma_20: null,
      rsi_14: null,
      atr_14: 1e6,
      vwap_session_utc: null,
    },
  };
}

Deno.test("parity: a paper session on the simulator against its backtest: every trade matched, tracking error within the bound", async () => {
  const r = await startLoopRig();
  const tmp = await Deno.makeTempDir({ prefix: "tp_backtest_parity_" });
  try {
    const loop = r.make();
    await loop.start();
    const st = new BarStrategy(
      {
        mode: "paper",
        tag: "t1",
        params: PARAMS,
        sizeAtoms: U / 1000,
        stateFile: strategyStateFile(r.dir, "t1"),
      },
      loop,
      () => ({ ok: true, error: null }),
      () => {},
      () => r.s.t.sim.clock.nowMs(),
      null,
    );
    const now = () => r.s.t.sim.clock.nowMs();
    const open0 = Math.ceil((now() + 1) / MIN) * MIN;
    await r.step(loop, open0 - now());
    const bars: ClosedBar[] = [];
    /** The last print the simulator had when each order was sent, by bar. */
    const lastPrint = new Map<number, number>();
    for (let k = 0; k < BARS; k++) {
      const open = open0 + k * MIN;
      // Small steps, as wall time passes: the user stream's pings are answered on time.
      while (now() < open + MIN + DELAY_MS) {
        await r.step(loop, Math.min(1_000, open + MIN + DELAY_MS - now()));
      }
      await r.pump("the loop ready", () => loop.snapshot().status === "ready");
      const prices = r.s.prints.filter((p) => p.timeMs >= open && p.timeMs < open + MIN).map((p) =>
        p.priceTicks / 100
      );
      const bar = barOf(open, k, prices, bars.at(-1)?.c ?? 60_000);
      bars.push(bar);
      await loop.onBar({ symbol: SYMBOL, close: Math.round(bar.c * U), closeTimeMs: open + MIN });
      const out = await st.onBar(bar, SYMBOL);
      if (out.kind === "decided" && out.order) {
        assert.ok(out.order.ok, `bar ${k}: ${JSON.stringify(out.order)}`);
        lastPrint.set(k, r.s.prints.at(-1)!.priceTicks / 100);
        const n = loop.orders().length;
        await r.pump(`bar ${k}'s order filled`, () => loop.orders()[n - 1]?.state === "FILLED");
      }
    }
    await loop.shutdown();
    assert.deepEqual([...lastPrint.keys()], [4, 8, 12, 16, 20, 24]);

    const log = await readPaperLog(r.dir, SYMBOL);
    assert.deepEqual([log.runs, log.problems, log.tags, log.otherSymbols], [1, [], ["t1"], 0]);
    const paper = placeOnBars(log, SYMBOL, bars);
    const cfg = { params: PARAMS, sizeAtoms: U / 1000, fill: FILL, startQuoteAtoms: 10_000 * U };
    const bt = runBacktest(bars, cfg);
    assert.deepEqual(bt.trades.map((t) => t.bar), [4, 8, 12, 16, 20, 24], "the same decisions");
    assert.deepEqual(paper.map((o) => [o.bar, o.side]), bt.trades.map((t) => [t.bar, t.side]));
    const m = matchTrades(bt.trades, paper, bars, FILL, MIN, log.ran);
    assert.deepEqual(m.rows.map((x) => x.status), Array(6).fill("matched"));
    // The period is when the loop ran (its log's first to last record): from before bar 0 to after bar 25,
    // not only its first to last fill (bars 4..24).
    assert.deepEqual([m.period, m.outside], [{ from: 0, to: 25 }, 0]);
    for (const row of m.rows) {
      assert.equal(
        row.paperPrice,
        lastPrint.get(row.bar!),
        `bar ${row.bar}: the paper fill is the last print`,
      );
      assert.equal(row.btPrice, bars[row.bar!].c, `bar ${row.bar}: the backtest fill is the close`);
      assert.ok(
        Math.abs(row.priceDiff!) <= row.priceBound!,
        `bar ${row.bar}: ${row.priceDiff} within ${row.priceBound}`,
      );
    }
    assert.ok(m.rows.some((x) => x.priceDiff !== 0), "the prints moved between close and order");
    const c = parityCurve(bt, m, paper, bars, FILL, cfg.startQuoteAtoms)!;
    assert.equal(c.bars.length, 26);
    assert.ok(
      c.trackingError > 0 && c.trackingError <= c.trackingErrorBound!,
      `${c.trackingError} ${c.trackingErrorBound}`,
    );
    assert.ok(Math.abs(c.cumulativeReturnGap) <= c.cumulativeGapBound!);

    // The command, end to end, on a store of those bars and the loop's state dir.
    const db = join(tmp, "feed.duckdb");
    const store = await BarStore.open(db);
    await store.upsertBars(bars);
    await store.close();
    const cli = (toMs: number) =>
      runScript("scripts/backtest.ts", [
        ...["--db", db, "--from", new Date(open0).toISOString(), "--to", String(toMs)],
        ...["--taker-fee", "0.002", "--parity", "--state-dir", r.dir, "--out-root", join(tmp, "ev")],
      ], { env: { NO_COLOR: "1", TICKPROOF_SIGNING_KEY: "", TICKPROOF_TEXTFILE_DIR: join(tmp, "tf") } });
    const res = await cli(open0 + BARS * MIN);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    const kv = Object.fromEntries(
      res.stdout.split("\n").filter((l) => l.includes("=")).map((l) => [
        l.slice(0, l.indexOf("=")),
        l.slice(l.indexOf("=") + 1),
      ]),
    );
    assert.deepEqual(
      [
        kv.bars,
        kv.fills,
        kv.trades,
        kv.parity_matched_trades,
        kv.parity_unmatched_trades,
        kv.parity_period_bars,
      ],
      ["26", "6", "3", "6", "0", "26"],
    );
    assert.match(res.stdout, /^gate\.parity_prices_outside_bound=PASS \(want =0, got 0\)$/m);
    assert.equal(Number(kv.parity_tracking_error), Number(c.trackingError.toPrecision(12)));
    assert.equal(Number(kv.parity_tracking_error_bound), Number(c.trackingErrorBound!.toPrecision(12)));
    assert.equal(kv.verdict, "PASS");
    const dir = /^evidence: (.+)$/m.exec(res.stdout)![1];
    const parityTsv = await Deno.readTextFile(join(dir, "parity.tsv"));
    assert.equal(parityTsv.trimEnd().split("\n").length, 7);
    const prom = await Deno.readTextFile(join(tmp, "tf", "backtest.prom"));
    assert.match(
      prom,
      /^backtest_parity_unmatched_trades\{venue="binance",symbol="BTC-USDT",interval="1m"\} 0$/m,
    );
    assert.match(prom, /^backtest_tracking_error\{[^}]*\} [0-9.e-]+$/m);
    assert.match(prom, /^backtest_cumulative_return_gap\{[^}]*\} -?[0-9.e-]+$/m);
    assert.match(prom, /^backtest_last_run_timestamp_seconds\{[^}]*\} \d{10}$/m);

    // That backtest.prom through node-exporter's textfile collector into a real Prometheus: the on-call
    // tracking-error check and the Trading dashboard's panel read the command's own numbers.
    const node = await startNodeExporter({
      host: "127.0.0.1",
      port: freePort(),
      textfileDir: join(tmp, "tf"),
      logFile: join(tmp, "node_exporter.log"),
    });
    const promSrv = await startPrometheus({
      workDir: join(tmp, "prom"),
      host: "127.0.0.1",
      port: 0,
      scrape: {
        scrape_interval: "1s",
        scrape_timeout: "1s",
        evaluation_interval: "1s",
        jobs: ["node"],
        rules_dir: join(tmp, "no_rules"),
      },
      targets: { node: new URL(node.url).host },
      alertmanager: null,
    });
    try {
      const q = reportQueries();
      const row = await waitForValue("the tracking error in Prometheus", async () => {
        const rows = new Rows();
        evaluateReports((await loadOncallConfig()).reports!, {
          tracking_error: await instantQuery(promSrv.url, q.tracking_error),
          tracking_error_bound: await instantQuery(promSrv.url, q.tracking_error_bound),
        }, rows);
        const r = rows.out.find((x) => x.key === "backtest_tracking_error_ratio")!;
        return r.status === "NO_DATA" ? undefined : r;
      }, { timeoutMs: 30_000, everyMs: 500 });
      const te = Number(kv.parity_tracking_error), bound = Number(kv.parity_tracking_error_bound);
      assert.deepEqual([row.status, row.detail], [
        "PASS",
        `binance/BTC-USDT/1m te=${num(te, 6)} bound=${num(bound, 6)}`,
      ]);
      assert.ok(Math.abs(row.value! - te / bound) < 1e-9, `${row.value} vs ${te / bound}`);
      const panel = (await checkDashboardsAgainst(promSrv.url, undefined, fetch, ["trading.json"]))
        .filter((c) => c.panel === "Tracking error vs bound");
      assert.deepEqual(panel.map((c) => [c.refId, c.resultCount, c.error]), [["A", 1, undefined], [
        "B",
        1,
        undefined,
      ]]);
    } finally {
      await promSrv.stop();
      await node.stop();
    }

    // A range that ends before the loop's last two orders: their correlation ids name no bar of it.
    const cut = await cli(open0 + 20 * MIN);
    assert.equal(cut.code, 1, cut.stdout + cut.stderr);
    assert.match(cut.stdout, /^parity_unmatched_trades=2$/m);
    assert.match(cut.stdout, /^gate\.parity_unmatched_trades=FAIL \(want =0, got 2\)$/m);
    assert.match(cut.stdout, /^verdict=FAIL$/m);
    const cutTsv = await Deno.readTextFile(join(/^evidence: (.+)$/m.exec(cut.stdout)![1], "parity.tsv"));
    assert.deepEqual(
      cutTsv.trimEnd().split("\n").slice(1).map((l) => l.split("\t")[2]),
      ["paper_only", "paper_only", "matched", "matched", "matched", "matched"],
    );
    assert.match(
      await Deno.readTextFile(join(tmp, "tf", "backtest.prom")),
      /^backtest_parity_unmatched_trades\{[^}]*\} 2$/m,
    );

    // Both folders re-judged offline from their own files agree (the FAIL one is a true FAIL).
    const check = (d: string) => runScript("scripts/evidence.ts", ["check", d, "--json"]);
    for (const d of [dir, /^evidence: (.+)$/m.exec(cut.stdout)![1]]) {
      const c = await check(d);
      assert.equal(c.code, 0, c.stdout + c.stderr);
      const checks = JSON.parse(c.stdout).rows.map((x: { check: string }) => x.check);
      for (
        const k of ["gate parity_tracking_error", "summary.json parity_tracking_error_bound", "parity.tsv"]
      ) {
        assert.ok(checks.includes(k), k);
      }
    }
    // Every gate's raw answers, as CHECK.txt names them, are in the folder.
    for (const g of JSON.parse(await Deno.readTextFile(join(dir, "summary.json"))).gates) {
      for (const f of gateSource("backtest", g.key).raw) assert.ok((await Deno.stat(join(dir, f))).isFile, f);
    }
    // The first paper fill's quote amount changed, the manifest rebuilt: its price, the per-bar returns and
    // the tracking error no longer follow.
    const orders = join(dir, "paper_orders.json");
    const kept = parsePaperOrdersJson(await Deno.readTextFile(orders));
    assert.deepEqual(kept, log, "the folder keeps the orders and fills the loop's event log gave");
    const o0 = kept.orders[0], changed = { ...o0.fills[0], quote: o0.fills[0].quote + 50 * U / 1000 };
    const forgedLog = {
      ...kept,
      orders: [{ ...o0, fills: [changed, ...o0.fills.slice(1)] }, ...kept.orders.slice(1)],
    };
    await Deno.writeTextFile(orders, renderPaperOrdersJson(forgedLog));
    await Deno.writeTextFile(join(dir, MANIFEST_NAME), await buildManifest(dir));
    const forged = await check(dir);
    assert.equal(forged.code, 1, forged.stdout + forged.stderr);
    const bad = JSON.parse(forged.stdout).rows.filter((x: { verdict: string }) => x.verdict === "DISAGREE")
      .map((x: { check: string }) => x.check);
    for (
      const k of [
        "summary.json parity_max_abs_price_diff",
        "summary.json parity_cumulative_return_gap",
        "gate parity_tracking_error",
        "parity.tsv",
        "parity_bars.tsv",
      ]
    ) {
      assert.ok(bad.includes(k), `${k}: ${bad.join(", ")}`);
    }
    assert.ok(!bad.includes("trades.jsonl"), "the backtest's own trades do not depend on the paper fills");
  } finally {
    await r.close();
    await Deno.remove(tmp, { recursive: true });
  }
});
