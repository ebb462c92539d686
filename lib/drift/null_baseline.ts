// What PSI looks like when nothing drifted, at the sizes at hand: with 10 bins its expected value is
// about (bins - 1)·(1/n_ref + 1/n_cur) (0.18 at 100 bars a window), so a fixed 0.2 alone cries wolf on
// small windows. The null draws, from the reference alone, a new reference of n_ref and a current of
// n_cur, bins them again on the new reference's quantiles and takes PSI: the whole procedure, edges
// included, under "the current window comes from the reference's distribution". Seeded, so a report
// is reproducible to the bit.
//
// Draws are circular blocks of consecutive values (a moving-block bootstrap), not single values:
// smoothed indicators are strongly autocorrelated (an EMA, ATR or RSI value shares most of its inputs
// with its neighbours), so 500 bars hold far fewer than 500 independent values and an i.i.d. bootstrap
// puts the null p95 far too low. On stationary simulated random walks, 500-bar windows, the i.i.d.
// null (block 1) let atr_14_rel be flagged in 15 of 30 runs, a 30-bar block in 7 (at 1440-bar windows,
// none either way); for values that are independent already (log returns, volume) a block changes
// nothing. Block 1 is the plain bootstrap.
import type { Interval } from "../market/types.ts";
import { mulberry32, type Rng } from "../util/mulberry32.ts";
import { DEFAULT_BINS, psiOf } from "./psi.ts";

export const DEFAULT_RESAMPLES = 200;
export const DEFAULT_SEED = 1;
/** Longer than the slowest indicator's window (ema_26), so a block keeps most of one value's memory. */
export const DEFAULT_BLOCK = 30;

/**
 * Bars per default window: whole days of 1m bars, whole weeks of 1h bars (volume and volatility follow
 * the time of day and the weekday), and enough of them for the null to be trusted. A week of 1h bars
 * (168) is too few: the block is capped at 16 there, shorter than ema_26's or atr_14's memory, and the
 * windows hold only a handful of independent stretches of a smoothed indicator, so 25 of 40 calm
 * simulated reports flagged a feature. At 8 weeks (1344) the block keeps its 30 and 0 of 20 did, as
 * at a day of 1m bars (tests/drift_false_alarm_test.ts; 1 of 40 in a longer probe).
 */
export const DEFAULT_WINDOW_BARS: Readonly<Record<Interval, number>> = { "1m": 1440, "1h": 1344 };

export interface NullOptions {
  readonly resamples?: number;
  readonly seed?: number;
  readonly bins?: number;
  /** Values per block (default DEFAULT_BLOCK; effectiveBlock caps it). */
  readonly block?: number;
}

/** n values in blocks of `block` consecutive values of `from` (wrapping at its end), each at a random start. */
export function blockDraw(from: readonly number[], n: number, block: number, rng: Rng): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n;) {
    const start = Math.floor(rng() * from.length);
    for (let j = 0; j < block && i < n; j++) out[i++] = from[(start + j) % from.length];
  }
  return out;
}

/**
 * The block length used: at most a tenth of the reference, so a resample is made of ten blocks or
 * more. Longer blocks drawn from a short reference overlap so much that resamples look alike and the
 * null comes out too narrow (i.i.d. data, 60 values, blocks of 30: flagged 44 times in 200, not ~10).
 */
export function effectiveBlock(block: number, nRef: number): number {
  return Math.max(1, Math.min(block, Math.floor(nRef / 10)));
}

/** PSI of `resamples` block-bootstrap pairs (n_ref, nCur) drawn from the reference (in time order), in draw order. */
export function nullPsi(reference: readonly number[], nCur: number, opts: NullOptions = {}): number[] {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`nullPsi: resamples must be a whole number >= 1, got ${resamples}`);
  }
  const asked = opts.block ?? DEFAULT_BLOCK;
  if (!Number.isInteger(asked) || asked < 1) {
    throw new RangeError(`nullPsi: block must be a whole number >= 1`);
  }
  const block = effectiveBlock(asked, reference.length);
  const rng = mulberry32(opts.seed ?? DEFAULT_SEED);
  const out: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const ref = blockDraw(reference, reference.length, block, rng);
    out.push(psiOf(ref, blockDraw(reference, nCur, block, rng), opts.bins ?? DEFAULT_BINS).psi);
  }
  return out;
}

/**
 * The pct-th percentile (1..100) as the inverse empirical CDF: the smallest value with at least pct%
 * of the sample at or below it (the 190th of 200 for the 95th), a value of the sample, no interpolation.
 */
export function percentile(values: readonly number[], pct: number): number {
  if (values.length === 0) throw new RangeError("percentile: no values");
  if (!Number.isInteger(pct) || pct < 1 || pct > 100) throw new RangeError(`percentile: pct must be 1..100`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((pct * sorted.length) / 100) - 1];
}

/**
 * A feature's own seed: the run's seed mixed with the feature's name (FNV-1a), so each feature's null
 * draws stay the same when features are added, removed or reordered.
 */
export function featureSeed(seed: number, feature: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < feature.length; i++) h = Math.imul(h ^ feature.charCodeAt(i), 0x01000193);
  return (h ^ seed) >>> 0;
}
