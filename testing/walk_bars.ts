// Seeded random-walk closed bars with their features from the real FeatureSet: market-like input for
// drift tests (a regime = a volatility and a volume level, so a test can shift one on purpose).
import { FeatureSet } from "../lib/features/feature_set.ts";
import type { ClosedBar, Interval, Venue } from "../lib/market/types.ts";
import { INTERVALS } from "../lib/market/types.ts";
import { mulberry32 } from "../lib/util/mulberry32.ts";

export interface Regime {
  /** Bars in this regime. */
  readonly count: number;
  /** Standard deviation of a bar's log return. */
  readonly sigma: number;
  /** Mean volume per bar. */
  readonly volume: number;
}

export interface WalkSpec {
  readonly venue: Venue;
  readonly symbol: string;
  readonly interval: Interval;
  readonly firstOpenTimeMs: number;
  readonly startPrice: number;
  readonly seed: number;
  readonly regimes: readonly Regime[];
}

export function walkBars(spec: WalkSpec): ClosedBar[] {
  const rng = mulberry32(spec.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const stepMs = INTERVALS[spec.interval];
  const features = new FeatureSet();
  const bars: ClosedBar[] = [];
  let close = spec.startPrice;
  for (const r of spec.regimes) {
    for (let k = 0; k < r.count; k++) {
      const openTimeMs = spec.firstOpenTimeMs + bars.length * stepMs;
      const o = close;
      const c = o * Math.exp(r.sigma * normal());
      const h = Math.max(o, c) * (1 + Math.abs(r.sigma * normal()) / 2);
      const l = Math.min(o, c) * (1 - Math.abs(r.sigma * normal()) / 2);
      const v = r.volume * (0.5 + rng());
      bars.push({
        venue: spec.venue,
        symbol: spec.symbol,
        interval: spec.interval,
        openTimeMs,
        o,
        h,
        l,
        c,
        v,
        trades: 1 + Math.floor(rng() * 20),
        origin: "trades",
        closedAtMs: openTimeMs + stepMs,
        features: features.update({ openTimeMs, o, h, l, c, v }),
      });
      close = c;
    }
  }
  return bars;
}
