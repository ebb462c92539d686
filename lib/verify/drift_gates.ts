// A drift report as gates: one per feature, FAIL when the feature is flagged (PSI > 0.2 and above the
// null baseline's p95), so the summary, summary.json, JUnit and `./tp evidence check` treat it like
// every other proof. Pure.
import { DRIFT_FEATURES } from "../drift/drift_features.ts";
import { DRIFT_FILES } from "../evidence/gate_sources.ts";
import { histogramSvg } from "../drift/drift_svg.ts";
import {
  type FeatureDrift,
  type JudgeOptions,
  NULL_PCT,
  PSI_MODERATE,
  PSI_SIGNIFICANT,
  psiBand,
} from "../drift/judge.ts";
import { PSI_EPSILON } from "../drift/psi.ts";
import { fmtNum, type GateResult } from "./gates.ts";

export const DRIFT_SUMMARY = "DRIFT_REPORT_SUMMARY.txt";
export const DRIFT_PSI_TSV = DRIFT_FILES.psi;
export const histogramFile = (feature: string) => `hist_${feature}.svg`;

/** The summary's key=value header, in order (summary.json holds the same keys). */
export const DRIFT_HEADER = [
  "venue",
  "symbol",
  "interval",
  "db",
  "reference",
  "reference_bars",
  "current",
  "current_bars",
  "bins",
  "epsilon",
  "features",
  "null_resamples",
  "null_block",
  "null_percentile",
  "seed",
  "psi_moderate",
  "psi_significant",
  "flag_rule",
  "flagged_features",
  "judged_at",
] as const;

const WHAT: Readonly<Record<string, string>> = Object.fromEntries(
  DRIFT_FEATURES.map((f) => [f.name, f.what]),
);

export const gateKey = (feature: string) => `psi_${feature}`;

export function driftGates(drifts: readonly FeatureDrift[]): GateResult[] {
  return drifts.map((d) => ({
    key: gateKey(d.feature),
    promql: `PSI of ${WHAT[d.feature]} (bars.tsv)`,
    want: `<=${PSI_SIGNIFICANT} or <=null_p${NULL_PCT}`,
    status: d.flagged ? "FAIL" : "PASS",
    value: d.psi,
    detail: `null_p${NULL_PCT} ${fmtNum(d.nullP95)}; n_ref ${d.nRef}, n_cur ${d.nCur}; ` +
      `${d.refCounts.length} bins; band ${psiBand(d.psi)}${d.flagged ? "; flagged" : ""}`,
  }));
}

/** Bars opening in [fromMs, toMs). */
export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** A window as the summary shows it; null is a window that held no bar. */
export const windowText = (w: TimeWindow | null) => (w ? `${iso(w.fromMs)}..${iso(w.toMs)}` : "empty");

export interface DriftHeaderInput {
  readonly venue: string;
  readonly symbol: string;
  readonly interval: string;
  readonly db: string;
  readonly windows: Readonly<Record<"reference" | "current", TimeWindow | null>>;
  readonly barCounts: Readonly<Record<"reference" | "current", number>>;
  readonly judge: JudgeOptions;
  readonly drifts: readonly FeatureDrift[];
  readonly judgedAt: string;
}

/** The summary's header (DRIFT_HEADER order): the report writes it and `evidence check` re-derives it. */
export function driftHeader(h: DriftHeaderInput): Record<(typeof DRIFT_HEADER)[number], string> {
  const flagged = h.drifts.filter((d) => d.flagged).map((d) => d.feature);
  return {
    venue: h.venue,
    symbol: h.symbol,
    interval: h.interval,
    db: h.db,
    reference: windowText(h.windows.reference),
    reference_bars: String(h.barCounts.reference),
    current: windowText(h.windows.current),
    current_bars: String(h.barCounts.current),
    bins: String(h.judge.bins),
    epsilon: String(PSI_EPSILON),
    features: h.judge.features.join(","),
    null_resamples: String(h.judge.resamples),
    null_block: String(h.judge.block),
    null_percentile: String(NULL_PCT),
    seed: String(h.judge.seed),
    psi_moderate: String(PSI_MODERATE),
    psi_significant: String(PSI_SIGNIFICANT),
    flag_rule: `psi > ${PSI_SIGNIFICANT} and psi > null_p${NULL_PCT}`,
    flagged_features: flagged.length ? flagged.join(",") : "none",
    judged_at: h.judgedAt,
  };
}

/** One histogram SVG per judged feature, file name -> text, in judging order. */
export function histogramFiles(drifts: readonly FeatureDrift[]): Map<string, string> {
  return new Map(drifts.map((d) => [histogramFile(d.feature), histogramSvg(d, WHAT[d.feature])]));
}
