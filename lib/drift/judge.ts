// A drift report's judgement, per feature: PSI on reference quantile bins, the null baseline's 95th
// percentile at the same sample sizes, and the flag. Pure; the same function judges a run and
// `./tp evidence check` re-judges its folder.
import type { DriftFeature } from "./drift_features.ts";
import { featureSeed, nullPsi, percentile } from "./null_baseline.ts";
import { psiOf } from "./psi.ts";

/** The fixed PSI conventions: below 0.1 no drift, 0.1 to 0.2 moderate, above 0.2 significant. */
export const PSI_MODERATE = 0.1;
export const PSI_SIGNIFICANT = 0.2;
/** The null baseline's percentile a PSI must also exceed to be flagged. */
export const NULL_PCT = 95;

export interface JudgeOptions {
  readonly bins: number;
  readonly resamples: number;
  readonly seed: number;
  /** Null-baseline block length in values (null_baseline.ts). */
  readonly block: number;
  /** The features judged, in report order. */
  readonly features: readonly DriftFeature[];
}

export interface FeatureDrift {
  readonly feature: DriftFeature;
  readonly nRef: number;
  readonly nCur: number;
  readonly psi: number;
  readonly nullP95: number;
  readonly flagged: boolean;
  readonly edges: readonly number[];
  readonly refCounts: readonly number[];
  readonly curCounts: readonly number[];
}

/**
 * Flagged only when PSI is past the significant threshold AND past what the reference gives against
 * itself 95 times in 100 at these sizes: a small window's noise alone is never drift.
 */
export function isFlagged(psi: number, nullP95: number): boolean {
  return psi > PSI_SIGNIFICANT && psi > nullP95;
}

/** The fixed-threshold band of a PSI, for people reading the report. */
export function psiBand(psi: number): "none" | "moderate" | "significant" {
  return psi > PSI_SIGNIFICANT ? "significant" : psi > PSI_MODERATE ? "moderate" : "none";
}

export function judgeFeature(
  feature: DriftFeature,
  reference: readonly number[],
  current: readonly number[],
  opts: JudgeOptions,
): FeatureDrift {
  const r = psiOf(reference, current, opts.bins);
  const nulls = nullPsi(reference, current.length, {
    resamples: opts.resamples,
    seed: featureSeed(opts.seed, feature),
    bins: opts.bins,
    block: opts.block,
  });
  const nullP95 = percentile(nulls, NULL_PCT);
  return {
    feature,
    nRef: reference.length,
    nCur: current.length,
    psi: r.psi,
    nullP95,
    flagged: isFlagged(r.psi, nullP95),
    edges: r.edges,
    refCounts: r.refCounts,
    curCounts: r.curCounts,
  };
}

export type Samples = Readonly<Record<DriftFeature, readonly number[]>>;

/** The chosen features of the two windows' samples (featureSamples), in `opts.features` order. */
export function judgeSamples(reference: Samples, current: Samples, opts: JudgeOptions): FeatureDrift[] {
  return opts.features.map((f) => judgeFeature(f, reference[f], current[f], opts));
}

/** The window and feature with the fewest values (ties: the reference first, then `features` order). */
export function smallestSample(
  reference: Samples,
  current: Samples,
  features: readonly DriftFeature[],
): { window: "reference" | "current"; feature: DriftFeature; n: number } {
  let best = { window: "reference" as "reference" | "current", feature: features[0], n: Infinity };
  for (const [window, s] of [["reference", reference], ["current", current]] as const) {
    for (const f of features) {
      if (s[f].length < best.n) best = { window, feature: f, n: s[f].length };
    }
  }
  return best;
}

/** `drift_psi.tsv`: feature, n_ref, n_cur, psi, null_p95, flagged (values in full precision). */
export function renderPsiTsv(drifts: readonly FeatureDrift[]): string {
  const rows = drifts.map((d) =>
    [d.feature, d.nRef, d.nCur, d.psi, d.nullP95, d.flagged ? "yes" : "no"].join("\t")
  );
  return ["feature\tn_ref\tn_cur\tpsi\tnull_p95\tflagged", ...rows].join("\n") + "\n";
}
