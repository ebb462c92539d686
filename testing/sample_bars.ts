// Deterministic closed bars in the feed's /api/bars shape, their features from the real FeatureSet
// (one indicator implementation). Test and demo input.
import { FeatureSet } from "../lib/features/feature_set.ts";
import type { ClosedBar, Interval, Venue } from "../lib/market/types.ts";
import { INTERVALS } from "../lib/market/types.ts";

export interface SampleBarsSpec {
  readonly venue: Venue;
  readonly symbol: string;
  readonly interval: Interval;
  readonly count: number;
  readonly firstOpenTimeMs: number;
  readonly basePrice: number;
}

/** Bar i closes at base * (1 + 0.01·sin(i/7) + 0.004·sin(i/2.3)): smooth, wavy, reproducible. */
export function sampleBars(spec: SampleBarsSpec): ClosedBar[] {
  const stepMs = INTERVALS[spec.interval];
  const features = new FeatureSet();
  const bars: ClosedBar[] = [];
  let prevClose = spec.basePrice;
  for (let i = 0; i < spec.count; i++) {
    const price = (k: number) => spec.basePrice * (1 + 0.01 * Math.sin(k / 7) + 0.004 * Math.sin(k / 2.3));
    const o = i === 0 ? price(-1) : prevClose;
    const c = round(price(i));
    const h = round(Math.max(o, c) * 1.0008);
    const l = round(Math.min(o, c) * 0.9992);
    const v = round(1 + (i % 5) * 0.25);
    const openTimeMs = spec.firstOpenTimeMs + i * stepMs;
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
      trades: 3 + (i % 4),
      origin: "trades",
      closedAtMs: openTimeMs + stepMs,
      features: features.update({ openTimeMs, o, h, l, c, v }),
    });
    prevClose = c;
  }
  return bars;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
