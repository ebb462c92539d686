// backtest.prom for node-exporter's textfile collector: when each stream's last backtest ran and, from
// its last --parity run, how far the backtest and the loop were apart. One file holds every stream (the
// merge is lib/prom/stream_textfile.ts's, as for drift.prom): a run replaces its stream's run time; only
// a --parity run replaces that stream's parity series, so a plain backtest (of any stream) never erases
// a failing parity result. A --parity run that measured nothing leaves no parity series (never a stale
// or made-up 0).
import type { Matching } from "../backtest/parity.ts";
import type { ParityCurve } from "../backtest/parity_curve.ts";
import { ofStream, type PromSample, type Stream } from "../prom/stream_textfile.ts";

export const BACKTEST_PROM_FILE = "backtest.prom";

/** backtest.prom's metrics with their HELP text, in the order they are rendered. */
export const BACKTEST_METRICS = [
  ["backtest_last_run_timestamp_seconds", "Unix time the last ./tp backtest finished."],
  [
    "backtest_parity_unmatched_trades",
    "Trades of the loop's paper period without a backtest trade of the same bar, side and quantity, or the reverse.",
  ],
  [
    "backtest_tracking_error",
    "Standard deviation of the per-bar return difference, paper minus backtest (returns on the equity at stake).",
  ],
  [
    "backtest_cumulative_return_gap",
    "Paper minus backtest equity at the end of the loop's period, over the equity at stake.",
  ],
  [
    "backtest_tracking_error_bound",
    "The largest tracking error the simulator's fill model allows for that period (BACKTEST_SUMMARY.txt says why).",
  ],
] as const;

export function backtestSamples(
  labels: Stream,
  nowSeconds: number,
  m: Matching | null,
  c: ParityCurve | null,
): PromSample[] {
  const l = { venue: labels.venue, symbol: labels.symbol, interval: labels.interval };
  const out: PromSample[] = [
    { name: "backtest_last_run_timestamp_seconds", labels: l, value: Math.floor(nowSeconds) },
  ];
  if (m) {
    const unmatched = m.rows.filter((r) => r.status !== "matched").length;
    out.push({ name: "backtest_parity_unmatched_trades", labels: l, value: unmatched });
  }
  if (c) {
    out.push(
      { name: "backtest_tracking_error", labels: l, value: c.trackingError },
      { name: "backtest_cumulative_return_gap", labels: l, value: c.cumulativeReturnGap },
    );
    if (c.trackingErrorBound !== null) {
      out.push({ name: "backtest_tracking_error_bound", labels: l, value: c.trackingErrorBound });
    }
  }
  return out;
}

/** The series a run replaces: its stream's run time, and with --parity also its stream's parity series. */
export const ownedByBacktestRun = (stream: Stream, parity: boolean) => (s: PromSample) =>
  ofStream(s.labels, stream) && (parity || s.name === "backtest_last_run_timestamp_seconds");
