import assert from "node:assert/strict";
import { join } from "node:path";
import type { Matching } from "../backtest/parity.ts";
import type { ParityCurve } from "../backtest/parity_curve.ts";
import { mergeTextfile } from "../prom/stream_textfile.ts";
import { runTool } from "../prom/tools.ts";
import {
  BACKTEST_METRICS,
  BACKTEST_PROM_FILE,
  backtestSamples,
  ownedByBacktestRun,
} from "./backtest_metrics.ts";

const BTC = { venue: "binance", symbol: "BTC-USDT", interval: "1m" };
const ETH = { venue: "binance", symbol: "ETH-USDT", interval: "1m" };
const failing = {
  m: { rows: [{ status: "backtest_only" }], period: { from: 0, to: 9 }, outside: 0 } as unknown as Matching,
  c: { trackingError: 0.02, trackingErrorBound: 0.001, cumulativeReturnGap: -0.05 } as unknown as ParityCurve,
};
const passing = {
  m: { rows: [{ status: "matched" }], period: { from: 0, to: 9 }, outside: 0 } as unknown as Matching,
  c: {
    trackingError: 0.0005,
    trackingErrorBound: 0.001,
    cumulativeReturnGap: 0.25,
  } as unknown as ParityCurve,
};

const series = (text: string) => text.split("\n").filter((l) => l && !l.startsWith("#"));

Deno.test("backtest.prom: plain backtests keep a stream's failing parity series until its next --parity run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "backtest_prom_" });
  try {
    const run = (s: typeof BTC, t: number, p: typeof failing | null) =>
      mergeTextfile(
        dir,
        BACKTEST_PROM_FILE,
        BACKTEST_METRICS,
        ownedByBacktestRun(s, p !== null),
        backtestSamples(s, t, p?.m ?? null, p?.c ?? null),
      );
    const path = await run(BTC, 1000, failing); // ./tp backtest --parity BTC: FAIL
    await run(ETH, 1060, null); // ./tp backtest ETH
    await run(BTC, 1120, null); // ./tp backtest BTC without --parity
    const b = 'venue="binance",symbol="BTC-USDT",interval="1m"',
      e = 'venue="binance",symbol="ETH-USDT",interval="1m"';
    assert.deepEqual(series(await Deno.readTextFile(path)), [
      `backtest_last_run_timestamp_seconds{${b}} 1120`,
      `backtest_last_run_timestamp_seconds{${e}} 1060`,
      `backtest_parity_unmatched_trades{${b}} 1`,
      `backtest_tracking_error{${b}} 0.02`,
      `backtest_cumulative_return_gap{${b}} -0.05`,
      `backtest_tracking_error_bound{${b}} 0.001`,
    ]);
    await run(BTC, 1180, passing); // a newer --parity run of BTC replaces them
    const text = await Deno.readTextFile(join(dir, BACKTEST_PROM_FILE));
    assert.deepEqual(series(text), [
      `backtest_last_run_timestamp_seconds{${b}} 1180`,
      `backtest_last_run_timestamp_seconds{${e}} 1060`,
      `backtest_parity_unmatched_trades{${b}} 0`,
      `backtest_tracking_error{${b}} 0.0005`,
      `backtest_cumulative_return_gap{${b}} 0.25`,
      `backtest_tracking_error_bound{${b}} 0.001`,
    ]);
    await run(BTC, 1240, { m: passing.m, c: null as unknown as ParityCurve }); // --parity, no curve measured
    assert.deepEqual(series(await Deno.readTextFile(path)).filter((l) => l.includes("BTC")), [
      `backtest_last_run_timestamp_seconds{${b}} 1240`,
      `backtest_parity_unmatched_trades{${b}} 0`,
    ]);
    const r = await runTool("promtool", ["check", "metrics"], text);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout + r.stderr, "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
