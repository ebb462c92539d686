// PSI (population stability index) of one feature between a reference and a current sample, on
// quantile bins of the reference. Pure. Why sample sizes and a null baseline matter beside the fixed
// 0.1 / 0.2 thresholds: ../shared/docs/execution.md §9 (null_baseline.ts).

export const DEFAULT_BINS = 10;

/**
 * The proportion an empty bin takes, on either side (ln 0 has no value): 1e-4, Evidently's choice.
 * Only empty bins change; the others keep count/n and nothing is renormalised, so PSI stays the plain
 * sum over bins of (cur - ref)·ln(cur/ref) of what was counted.
 */
export const PSI_EPSILON = 1e-4;

/** A feature's bins and PSI: `edges` are the interior cut points, counts have edges.length + 1 bins. */
export interface PsiResult {
  readonly edges: readonly number[];
  readonly refCounts: readonly number[];
  readonly curCounts: readonly number[];
  readonly psi: number;
}

/**
 * Interior edges at the reference's quantiles k/bins (k = 1..bins-1), each the inverse empirical CDF:
 * the smallest reference value with at least k/bins of the sample at or below it (a value of the
 * sample, no interpolation, so the same data always give the same edges). Bins are right-closed:
 * (-inf, e0], (e0, e1], ..., (e_last, +inf). Ties make equal edges; each is kept once, so a value
 * repeated over several quantiles gets one bin of its own and there may be fewer than `bins` bins.
 * Ascending and unique.
 */
export function quantileEdges(reference: readonly number[], bins = DEFAULT_BINS): number[] {
  const n = reference.length;
  if (n === 0) throw new RangeError("quantileEdges: the reference sample is empty");
  if (!Number.isInteger(bins) || bins < 2) {
    throw new RangeError(`quantileEdges: bins must be >= 2, got ${bins}`);
  }
  const sorted = [...reference].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    // ceil(k·n/bins) in integers: exact for any n a window can hold.
    const e = sorted[Math.ceil((k * n) / bins) - 1];
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  return edges;
}

/** The bin of `x`: how many edges lie strictly below it (right-closed bins). */
export function binIndex(edges: readonly number[], x: number): number {
  let lo = 0, hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Counts per bin (edges.length + 1 bins). */
export function binCounts(edges: readonly number[], values: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const x of values) counts[binIndex(edges, x)]++;
  return counts;
}

/** count/n per bin, an empty bin taking PSI_EPSILON. */
export function proportions(counts: readonly number[], n: number): number[] {
  return counts.map((c) => c === 0 ? PSI_EPSILON : c / n);
}

/** PSI = sum over bins of (cur - ref)·ln(cur / ref), on smoothed proportions. */
export function psiOfCounts(refCounts: readonly number[], curCounts: readonly number[]): number {
  const nRef = refCounts.reduce((a, b) => a + b, 0), nCur = curCounts.reduce((a, b) => a + b, 0);
  const r = proportions(refCounts, nRef), c = proportions(curCounts, nCur);
  let sum = 0;
  for (let i = 0; i < r.length; i++) sum += (c[i] - r[i]) * Math.log(c[i] / r[i]);
  return sum;
}

/** PSI of `current` against `reference` on `bins` quantile bins of the reference. Finite values only. */
export function psiOf(
  reference: readonly number[],
  current: readonly number[],
  bins = DEFAULT_BINS,
): PsiResult {
  if (current.length === 0) throw new RangeError("psiOf: the current sample is empty");
  for (const [what, xs] of [["reference", reference], ["current", current]] as const) {
    const i = xs.findIndex((x) => !Number.isFinite(x));
    if (i >= 0) throw new RangeError(`psiOf: ${what}[${i}] is ${xs[i]}, not a finite number`);
  }
  const edges = quantileEdges(reference, bins);
  const refCounts = binCounts(edges, reference), curCounts = binCounts(edges, current);
  return { edges, refCounts, curCounts, psi: psiOfCounts(refCounts, curCounts) };
}
