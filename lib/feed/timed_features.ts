// The feature stage of the feed's commit path: the same indicators as lib/features/feature_set.ts
// (same classes, same order of updates), timed one by one for feature_compute_ms{feature}. It runs
// on the bars as stored, so a bar corrected from REST before storing feeds the corrected values.
import type { Features } from "../market/types.ts";
import { Atr } from "../features/atr.ts";
import { Ema } from "../features/ema.ts";
import { barProblem, type FeatureKey, type OhlcvInput } from "../features/feature_set.ts";
import { Rsi } from "../features/rsi.ts";
import { Sma } from "../features/sma.ts";
import { SessionVwap } from "../features/vwap.ts";

export type FeatureTimer = (feature: FeatureKey, ms: number) => void;

export class TimedFeatureSet {
  private readonly ema12 = new Ema(12);
  private readonly ema26 = new Ema(26);
  private readonly sma20 = new Sma(20);
  private readonly rsi14 = new Rsi(14);
  private readonly atr14 = new Atr(14);
  private readonly vwap = new SessionVwap();
  private lastOpenTimeMs = Number.NEGATIVE_INFINITY;
  private readonly timer: FeatureTimer;
  private readonly now: () => number;

  constructor(timer: FeatureTimer, now: () => number = () => performance.now()) {
    this.timer = timer;
    this.now = now;
  }

  /** Open time of the latest bar fed (-Infinity before the first). */
  get lastOpenTime(): number {
    return this.lastOpenTimeMs;
  }

  /** Updates every indicator; throws RangeError (state unchanged) on a bad or out-of-order bar. */
  update(bar: OhlcvInput): Features {
    const problem = barProblem(bar, this.lastOpenTimeMs);
    if (problem !== null) throw new RangeError(`features: ${problem}`);
    this.lastOpenTimeMs = bar.openTimeMs;
    const t = this.timed;
    return {
      ema_12: t("ema_12", () => this.ema12.update(bar.c)),
      ema_26: t("ema_26", () => this.ema26.update(bar.c)),
      sma_20: t("sma_20", () => this.sma20.update(bar.c)),
      rsi_14: t("rsi_14", () => this.rsi14.update(bar.c)),
      atr_14: t("atr_14", () => this.atr14.update(bar.h, bar.l, bar.c)),
      vwap_session_utc: t(
        "vwap_session_utc",
        () => this.vwap.update(bar.openTimeMs, bar.h, bar.l, bar.c, bar.v),
      ),
    };
  }

  private readonly timed = (key: FeatureKey, f: () => number | null): number | null => {
    const t0 = this.now();
    const v = f();
    this.timer(key, this.now() - t0);
    return v;
  };
}
