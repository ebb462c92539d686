// backtest.prom for node-exporter's textfile collector: when the last backtest ran and, when it compared
// with the loop (--parity), how far apart they were. The parity series are absent after a run without
// --parity (not measured), never a stale or made-up 0.
import type { Matching } from "../backtest/parity.ts";
import type { ParityCurve } from "../backtest/parity_curve.ts";
import type { GaugeSample } from "../prom/textfile.ts";

export function backtestSamples(
  labels: Readonly<Record<string, string>>,
  nowSeconds: number,
  m: Matching | null,
  c: ParityCurve | null,
): GaugeSample[] {
  const out: GaugeSample[] = [{
    name: "backtest_last_run_timestamp_seconds",
    help: "Unix time the last ./tp backtest finished.",
    labels,
    value: Math.floor(nowSeconds),
  }];
  if (m) {
    out.push({
      name: "backtest_parity_unmatched_trades",
      help:
        "Trades of the loop's paper period without a backtest trade of the same bar, side and quantity, or the reverse.",
      labels,
      value: m.rows.filter((r) => r.status !== "matched").length,
    });
  }
  if (c) {
    out.push(
      {
        name: "backtest_tracking_error",
        help:
          "Standard deviation of the per-bar return difference, paper minus backtest (returns on the equity at stake).",
        labels,
        value: c.trackingError,
      },
      {
        name: "backtest_cumulative_return_gap",
        help: "Paper minus backtest equity at the end of the loop's period, over the equity at stake.",
        labels,
        value: c.cumulativeReturnGap,
      },
    );
    if (c.trackingErrorBound !== null) {
      out.push({
        name: "backtest_tracking_error_bound",
        help:
          "The largest tracking error the simulator's fill model allows for that period (BACKTEST_SUMMARY.txt says why).",
        labels,
        value: c.trackingErrorBound,
      });
    }
  }
  return out;
}
