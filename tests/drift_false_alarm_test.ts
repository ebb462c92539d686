// How often a calm market fails a drift report at the defaults: stationary simulated random walks (one
// volatility, one volume level, seeds 1..N), both windows the default --bars of their interval, the
// default bins, resamples, seed and block. Seven features at a 5 % null each would, if independent,
// flag one in about 30 % of calm reports; a null too narrow for the window (the old 1h default of 168
// bars: 25 of 40) flags far more. And a real shift (three times the volatility and the volume) is still
// flagged in every report.
import assert from "node:assert/strict";
import { DEFAULT_DRIFT_FEATURES, featureSamples } from "../lib/drift/drift_features.ts";
import { judgeSamples } from "../lib/drift/judge.ts";
import {
  DEFAULT_BLOCK,
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  DEFAULT_WINDOW_BARS,
} from "../lib/drift/null_baseline.ts";
import { DEFAULT_BINS } from "../lib/drift/psi.ts";
import { type Interval, INTERVALS } from "../lib/market/types.ts";
import { walkBars } from "../testing/walk_bars.ts";

const CALM = { sigma: 0.01, volume: 40 }, SHIFTED = { sigma: 0.03, volume: 120 };

/** Reports (of seeds 1..runs) with any feature flagged, and the flags per feature. */
function flaggedReports(interval: Interval, runs: number, current: typeof CALM) {
  const n = DEFAULT_WINDOW_BARS[interval], ms = INTERVALS[interval];
  const perFeature: Record<string, number> = {};
  let reports = 0;
  for (let seed = 1; seed <= runs; seed++) {
    const bars = walkBars({
      venue: "bybit",
      symbol: "ETH-USDT",
      interval,
      firstOpenTimeMs: Date.UTC(2026, 1, 1),
      startPrice: 3000,
      seed,
      regimes: [{ count: n, ...CALM }, { count: n, ...current }],
    });
    const d = judgeSamples(featureSamples(bars.slice(0, n), ms), featureSamples(bars.slice(n), ms), {
      bins: DEFAULT_BINS,
      resamples: DEFAULT_RESAMPLES,
      seed: DEFAULT_SEED,
      block: DEFAULT_BLOCK,
      features: DEFAULT_DRIFT_FEATURES,
    });
    for (const x of d) if (x.flagged) perFeature[x.feature] = (perFeature[x.feature] ?? 0) + 1;
    if (d.some((x) => x.flagged)) reports++;
  }
  return { reports, perFeature };
}

Deno.test("calm markets at the 1h default window (8 weeks): 0 of 20 reports flag a feature", () => {
  assert.deepEqual(flaggedReports("1h", 20, CALM), { reports: 0, perFeature: {} });
});

Deno.test("calm markets at the 1m default window (a day): 0 of 20 reports flag a feature", () => {
  assert.deepEqual(flaggedReports("1m", 20, CALM), { reports: 0, perFeature: {} });
});

Deno.test("a real shift at the 1h and 1m default windows is flagged in every report", () => {
  for (const interval of ["1h", "1m"] as const) {
    assert.equal(flaggedReports(interval, 5, SHIFTED).reports, 5, interval);
  }
});
