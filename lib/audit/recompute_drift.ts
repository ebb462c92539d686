// drift_report: every feature judged again from the bars the report read (bars.tsv) with the run's
// bins, resamples and seed (run.json config), the same pure code, so PSI, the null baseline and the
// flags must come out to the bit; then the verdict, drift_psi.tsv and the text summary.
import { DRIFT_FEATURE_NAMES, type DriftFeature, featureSamples } from "../drift/drift_features.ts";
import { type JudgeOptions, judgeSamples, renderPsiTsv } from "../drift/judge.ts";
import { INTERVALS } from "../market/types.ts";
import { BARS_TSV, parseBarsTsv } from "../verify/drift_bars_tsv.ts";
import { DRIFT_HEADER, DRIFT_PSI_TSV, DRIFT_SUMMARY, driftGates } from "../verify/drift_gates.ts";
import { byKey, type CheckRow, compareGate, problem, readJson, readText, unexpected } from "./rows.ts";
import { summaryFileRow, summaryMissing, summaryTextRow, verdictRow } from "./summary_rows.ts";

function runSettings(config: unknown): JudgeOptions & { intervalMs: number } {
  const c = (config ?? {}) as Record<string, unknown>;
  const intervalMs = (INTERVALS as Record<string, number>)[String(c.interval)];
  const whole = (k: string) => {
    const v = c[k];
    if (typeof v !== "number" || !Number.isSafeInteger(v)) {
      throw new TypeError(`run.json config.${k} is not a whole number`);
    }
    return v;
  };
  if (intervalMs === undefined) {
    throw new TypeError(`run.json config.interval "${String(c.interval)}" is not known`);
  }
  const features = c.features;
  if (
    !Array.isArray(features) || features.length === 0 ||
    !features.every((f) => (DRIFT_FEATURE_NAMES as readonly unknown[]).includes(f))
  ) {
    throw new TypeError(`run.json config.features is not a list of ${DRIFT_FEATURE_NAMES.join(", ")}`);
  }
  return {
    intervalMs,
    bins: whole("bins"),
    resamples: whole("resamples"),
    seed: whole("seed"),
    block: whole("block"),
    features: features as DriftFeature[],
  };
}

export async function recomputeDrift(dir: string): Promise<CheckRow[]> {
  const summary = await readJson(dir, "summary.json");
  if (!summary) return summaryMissing();
  let run;
  try {
    run = runSettings((await readJson(dir, "run.json"))?.config);
  } catch (err) {
    return [problem("settings", "run.json", "unusable", (err as Error).message)];
  }
  const text = await readText(dir, BARS_TSV);
  if (text === null) return [problem(`raw ${BARS_TSV}`, "-", "-", `raw answer ${BARS_TSV} missing`)];
  let bars;
  try {
    bars = parseBarsTsv(text);
  } catch (err) {
    return [problem(`raw ${BARS_TSV}`, "unreadable", "-", (err as Error).message)];
  }
  let drifts;
  try {
    drifts = judgeSamples(
      featureSamples(bars.reference, run.intervalMs),
      featureSamples(bars.current, run.intervalMs),
      run,
    );
  } catch (err) {
    return [problem(`raw ${BARS_TSV}`, "-", "unjudgeable", (err as Error).message)];
  }
  const results = driftGates(drifts);
  const stored = byKey(summary.gates);
  return [
    ...results.map((r) => compareGate(r.key, stored.get(r.key), r)),
    ...unexpected(stored, results.map((r) => r.key)),
    verdictRow(summary, results, "gates"),
    summaryTextRow(DRIFT_PSI_TSV, await readText(dir, DRIFT_PSI_TSV), renderPsiTsv(drifts)),
    await summaryFileRow(dir, DRIFT_SUMMARY, summary, DRIFT_HEADER, results),
  ];
}
