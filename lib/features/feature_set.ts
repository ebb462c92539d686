// The feature stage for one (venue, symbol, interval) stream: every indicator is updated once per
// closed bar, in open-time order. Bad bars are refused before any indicator state changes.
import type { Features, Ohlcv } from "../market/types.ts";
import { Atr } from "./atr.ts";
import { Ema } from "./ema.ts";
import { Rsi } from "./rsi.ts";
import { Sma } from "./sma.ts";
import { SessionVwap } from "./vwap.ts";

/** The OHLCV part of a bar the features need. `Bar` satisfies it. */
export type OhlcvInput = Ohlcv;

export const FEATURE_KEYS = ["ema_12", "ema_26", "sma_20", "rsi_14", "atr_14", "vwap_session_utc"] as const;
export type FeatureKey = typeof FEATURE_KEYS[number];

/** Features with every value null: what a stream reports before its first bar. */
export const EMPTY_FEATURES: Features = Object.freeze({
  ema_12: null,
  ema_26: null,
  sma_20: null,
  rsi_14: null,
  atr_14: null,
  vwap_session_utc: null,
});

/**
 * Why a bar cannot enter the indicators, or null when it can: non-finite fields, negative volume,
 * or an open time that does not move forward (indicators must see bars in open-time order).
 */
export function barProblem(bar: OhlcvInput, lastOpenTimeMs: number): string | null {
  for (const f of ["openTimeMs", "o", "h", "l", "c", "v"] as const) {
    const x = bar[f];
    if (typeof x !== "number" || x - x !== 0) return `field "${f}" must be a finite number, got ${String(x)}`;
  }
  if (bar.v < 0) return `field "v" must be >= 0, got ${bar.v}`;
  if (bar.openTimeMs <= lastOpenTimeMs) {
    return `field "openTimeMs" must increase: ${bar.openTimeMs} after ${lastOpenTimeMs}`;
  }
  return null;
}

/** Times each indicator of an update (feature_compute_ms{feature}); `now` is a monotonic ms clock. */
export interface FeatureTimer {
  readonly now: () => number;
  readonly record: (feature: FeatureKey, ms: number) => void;
}

/** EMA(12), EMA(26), SMA(20), RSI(14), ATR(14) and session VWAP for one bar stream. */
export class FeatureSet {
  private readonly ema12: Ema;
  private readonly ema26: Ema;
  private readonly sma20: Sma;
  private readonly rsi14: Rsi;
  private readonly atr14: Atr;
  private readonly vwap: SessionVwap;
  private lastOpenTimeMs = Number.NEGATIVE_INFINITY;
  private latest: Features = EMPTY_FEATURES;

  /** A fresh set; `from` (clone() only) gives a copy of another set's state. */
  constructor(from?: FeatureSet) {
    this.ema12 = from ? from.ema12.clone() : new Ema(12);
    this.ema26 = from ? from.ema26.clone() : new Ema(26);
    this.sma20 = from ? from.sma20.clone() : new Sma(20);
    this.rsi14 = from ? from.rsi14.clone() : new Rsi(14);
    this.atr14 = from ? from.atr14.clone() : new Atr(14);
    this.vwap = from ? from.vwap.clone() : new SessionVwap();
    if (from) {
      this.lastOpenTimeMs = from.lastOpenTimeMs;
      this.latest = from.latest;
    }
  }

  /**
   * Updates every indicator with a closed bar, each one timed when a timer is given.
   * Throws RangeError (state unchanged) on a bad bar.
   */
  update(bar: OhlcvInput, timer?: FeatureTimer): Features {
    const problem = barProblem(bar, this.lastOpenTimeMs);
    if (problem !== null) throw new RangeError(`features: ${problem}`);
    this.lastOpenTimeMs = bar.openTimeMs;
    let t = timer === undefined ? 0 : timer.now();
    // Records the time since the previous lap; absent without a timer, so untimed updates pay nothing.
    const lap = timer && ((key: FeatureKey) => {
      const n = timer.now();
      timer.record(key, n - t);
      t = n;
    });
    const c = bar.c;
    const ema_12 = this.ema12.update(c);
    lap?.("ema_12");
    const ema_26 = this.ema26.update(c);
    lap?.("ema_26");
    const sma_20 = this.sma20.update(c);
    lap?.("sma_20");
    const rsi_14 = this.rsi14.update(c);
    lap?.("rsi_14");
    const atr_14 = this.atr14.update(bar.h, bar.l, c);
    lap?.("atr_14");
    const vwap_session_utc = this.vwap.update(bar.openTimeMs, bar.h, bar.l, c, bar.v);
    lap?.("vwap_session_utc");
    return (this.latest = { ema_12, ema_26, sma_20, rsi_14, atr_14, vwap_session_utc });
  }

  /** Features after the latest bar (all null before the first). */
  get features(): Features {
    return this.latest;
  }

  /** Open time of the latest bar fed, or -Infinity. */
  get lastOpenTime(): number {
    return this.lastOpenTimeMs;
  }

  /** An independent copy of every indicator's state: a checkpoint to rewind a stream to. */
  clone(): FeatureSet {
    return new FeatureSet(this);
  }
}
