// The one feature stage of the feed, shared by the live commit path and replay: per (venue, symbol,
// interval) stream, the FeatureSet turns a released bar (already REST-repaired when it was) into a
// ClosedBar. A stream can checkpoint its indicator state before a bar and rewind to it, so a bar
// corrected after it was published is recomputed together with every later bar of its stream.
import type { Bar, ClosedBar, Features, ReleasedBar, SymbolName } from "../market/types.ts";
import { FEATURE_KEYS, type FeatureKey, FeatureSet, type FeatureTimer } from "./feature_set.ts";

/** Timing of one indicator update of one symbol (feature_compute_ms{feature,symbol}). */
export type StageTimer = (feature: FeatureKey, symbol: SymbolName, ms: number) => void;

export function streamKey(b: Pick<Bar, "venue" | "symbol" | "interval">): string {
  return `${b.venue}|${b.symbol}|${b.interval}`;
}

/** The features of one stream. */
export class FeatureStream {
  private set = new FeatureSet();
  private readonly timer: FeatureTimer | undefined;

  constructor(timer?: FeatureTimer) {
    this.timer = timer;
  }

  /** The bar with its features; throws RangeError (state unchanged) on a bad or out-of-order bar. */
  close(bar: ReleasedBar): ClosedBar {
    const features = this.set.update(bar, this.timer);
    // Field by field, in the published order: a ClosedBar being recomputed loses its old features.
    return {
      venue: bar.venue,
      symbol: bar.symbol,
      interval: bar.interval,
      openTimeMs: bar.openTimeMs,
      o: bar.o,
      h: bar.h,
      l: bar.l,
      c: bar.c,
      v: bar.v,
      trades: bar.trades,
      origin: bar.origin,
      features,
      closedAtMs: bar.closedAtMs,
    };
  }

  /** The indicator state now, to rewind to later (e.g. taken before each bar). */
  checkpoint(): FeatureSet {
    return this.set.clone();
  }

  /** Back to a checkpoint (the checkpoint itself stays unchanged and reusable). */
  rewind(to: FeatureSet): void {
    this.set = to.clone();
  }

  /** Open time of the latest bar fed, or -Infinity. */
  get lastOpenTime(): number {
    return this.set.lastOpenTime;
  }
}

/** Every stream's features, created on a stream's first bar. */
export class FeatureStage {
  private readonly streams = new Map<string, FeatureStream>();
  private readonly timer: StageTimer | undefined;
  private readonly now: () => number;

  constructor(timer?: StageTimer, now: () => number = () => performance.now()) {
    this.timer = timer;
    this.now = now;
  }

  stream(b: Bar): FeatureStream {
    const key = streamKey(b);
    let s = this.streams.get(key);
    if (!s) {
      const t = this.timer;
      const timer = t && { now: this.now, record: (f: FeatureKey, ms: number) => t(f, b.symbol, ms) };
      this.streams.set(key, s = new FeatureStream(timer));
    }
    return s;
  }

  /** The next bar of its stream with its features; throws RangeError (state unchanged) on a bad bar. */
  close(bar: ReleasedBar): ClosedBar {
    return this.stream(bar).close(bar);
  }
}

/** True when every feature is the same number (or both null), bit for bit. */
export function sameFeatures(a: Features, b: Features): boolean {
  for (const k of FEATURE_KEYS) if (!Object.is(a[k], b[k])) return false;
  return true;
}
