// The features drift is judged on, from stored bars. Levels that move with price (EMA, SMA, ATR, VWAP)
// are taken relative to the bar's close: a market that merely trended would otherwise show "drift" in
// every one of them. RSI is bounded and scale-free already; volume is kept raw. Quantile bins make PSI
// blind to any monotone rescaling (log volume, close/ema instead of ema/close - 1 give the same PSI),
// so only this choice of what to divide by matters. Pure.
import type { ClosedBar } from "../market/types.ts";

export const DRIFT_FEATURES = [
  { name: "ema_12_rel", what: "ema_12 / close - 1" },
  { name: "ema_26_rel", what: "ema_26 / close - 1" },
  { name: "sma_20_rel", what: "sma_20 / close - 1" },
  { name: "rsi_14", what: "rsi_14 (0..100, as stored)" },
  { name: "atr_14_rel", what: "atr_14 / close" },
  { name: "vwap_dist", what: "close / vwap_session_utc - 1 (distance from the session VWAP)" },
  { name: "log_return", what: "ln(close / previous close), bars one interval apart only" },
  { name: "volume", what: "volume (as stored)" },
] as const;

export type DriftFeature = typeof DRIFT_FEATURES[number]["name"];
export const DRIFT_FEATURE_NAMES: readonly DriftFeature[] = DRIFT_FEATURES.map((f) => f.name);

/**
 * What a report judges unless told otherwise: all but vwap_dist. The session VWAP restarts at 00:00
 * UTC and a price is a random walk away from it, so the distance's spread is set by that session's
 * trend: two windows almost never share it (on stationary simulated walks it was flagged in 27 to 30
 * of 30 runs at 500- and 1440-bar windows), so judged by default it would fail nearly every report.
 * It stays available by name (--features), and RefStrat_01 reads EMA and ATR, not the VWAP.
 */
export const DEFAULT_DRIFT_FEATURES: readonly DriftFeature[] = DRIFT_FEATURE_NAMES.filter((f) =>
  f !== "vwap_dist"
);

/** The bar fields the features read. */
export type DriftBar = Pick<ClosedBar, "openTimeMs" | "c" | "v" | "features">;

/**
 * Each feature's values over `bars` (open-time order), in bar order. A bar adds a value only where it
 * has one: indicators still warming up (null), a ratio over a close <= 0, anything not finite are
 * skipped, so each feature has its own sample size. A log return needs the bar exactly one interval
 * earlier in the same window (a hole in the store is not one return).
 */
export function featureSamples(
  bars: readonly DriftBar[],
  intervalMs: number,
): Record<DriftFeature, number[]> {
  const out = Object.fromEntries(DRIFT_FEATURE_NAMES.map((f) => [f, [] as number[]])) as Record<
    DriftFeature,
    number[]
  >;
  const add = (f: DriftFeature, x: number | null) => {
    if (x !== null && Number.isFinite(x)) out[f].push(x);
  };
  const rel = (level: number | null, c: number) => (level === null || !(c > 0) ? null : level / c - 1);
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i], f = b.features, c = b.c;
    add("ema_12_rel", rel(f.ema_12, c));
    add("ema_26_rel", rel(f.ema_26, c));
    add("sma_20_rel", rel(f.sma_20, c));
    add("rsi_14", f.rsi_14);
    add("atr_14_rel", f.atr_14 === null || !(c > 0) ? null : f.atr_14 / c);
    add(
      "vwap_dist",
      f.vwap_session_utc === null || !(f.vwap_session_utc > 0) ? null : c / f.vwap_session_utc - 1,
    );
    const prev = bars[i - 1];
    if (prev && b.openTimeMs - prev.openTimeMs === intervalMs && prev.c > 0 && c > 0) {
      add("log_return", Math.log(c / prev.c));
    }
    add("volume", b.v);
  }
  return out;
}
