// A drift report as gates: one per feature, FAIL when the feature is flagged (PSI > 0.2 and above the
// null baseline's p95), so the summary, summary.json, JUnit and `./tp evidence check` treat it like
// every other proof. Pure.
import { DRIFT_FEATURES } from "../drift/drift_features.ts";
import { DRIFT_FILES } from "../evidence/gate_sources.ts";
import { type FeatureDrift, NULL_PCT, PSI_SIGNIFICANT, psiBand } from "../drift/judge.ts";
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
