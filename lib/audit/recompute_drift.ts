// drift_report: every feature judged again from the bars the report read (bars.tsv) with the run's
// bins, resamples and seed (run.json config), the same pure code, so PSI, the null baseline and the
// flags must come out to the bit; then every summary header value (all but judged_at come from the
// folder's own data), the gates, the verdict, drift_psi.tsv, each hist_<feature>.svg and the text summary.
import { DRIFT_FEATURE_NAMES, type DriftFeature, featureSamples } from "../drift/drift_features.ts";
import { type FeatureDrift, type JudgeOptions, judgeSamples, renderPsiTsv } from "../drift/judge.ts";
import { INTERVALS } from "../market/types.ts";
import { BARS_TSV, parseBarsTsv } from "../verify/drift_bars_tsv.ts";
import {
  DRIFT_PSI_TSV,
  DRIFT_SUMMARY,
  driftGates,
  driftHeader,
  histogramFiles,
  type TimeWindow,
} from "../verify/drift_gates.ts";
import { renderSummary } from "../verify/gates.ts";
import {
  byKey,
  type CheckRow,
  compareGate,
  problem,
  readJson,
  readSummaryBody,
  readText,
  unexpected,
} from "./rows.ts";
import { headerRows, summaryMissing, summaryTextRow, verdictRow } from "./summary_rows.ts";

const BASIS = { basis: "the drift report recomputed from the folder" };
const HIST_SVG = /^hist_.*\.svg$/;

/** A window run.json names: {fromMs, toMs} in whole milliseconds, or null (it held no bar). */
function windowSetting(v: unknown, k: string): TimeWindow | null {
  if (v === null) return null;
  const w = (v ?? {}) as Record<string, unknown>;
  if (!Number.isSafeInteger(w.fromMs) || !Number.isSafeInteger(w.toMs)) {
    throw new TypeError(`run.json config.${k} is neither null nor {fromMs, toMs}`);
  }
  return { fromMs: w.fromMs as number, toMs: w.toMs as number };
}

function runSettings(config: unknown) {
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
  const judge: JudgeOptions = {
    bins: whole("bins"),
    resamples: whole("resamples"),
    seed: whole("seed"),
    block: whole("block"),
    features: features as DriftFeature[],
  };
  const windows = {
    reference: windowSetting(c.reference, "reference"),
    current: windowSetting(c.current, "current"),
  };
  const names = { venue: String(c.venue), symbol: String(c.symbol), interval: String(c.interval) };
  return { intervalMs, judge, windows, ...names, db: String(c.db) };
}

/** Each judged feature's histogram rendered again; a hist_*.svg of a feature not judged is named. */
async function histogramRows(dir: string, drifts: readonly FeatureDrift[]): Promise<CheckRow[]> {
  const files = histogramFiles(drifts);
  const out: CheckRow[] = [];
  for (const [file, svg] of files) out.push(summaryTextRow(file, await readText(dir, file), svg, BASIS));
  const stray: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (HIST_SVG.test(e.name) && !files.has(e.name)) stray.push(e.name);
  }
  for (const file of stray.sort()) {
    out.push(problem(file, "present", "absent", `${file}: not a feature this report judged`));
  }
  return out;
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
      run.judge,
    );
  } catch (err) {
    return [problem(`raw ${BARS_TSV}`, "-", "unjudgeable", (err as Error).message)];
  }
  const results = driftGates(drifts);
  const header = driftHeader({
    ...run,
    barCounts: { reference: bars.reference.length, current: bars.current.length },
    drifts,
    judgedAt: String(summary.judged_at), // the moment of judging: nothing in the folder derives it
  });
  const stored = byKey(summary.gates);
  return [
    ...headerRows(summary, header, ["gates", "verdict"], "drift"),
    ...results.map((r) => compareGate(r.key, stored.get(r.key), r)),
    ...unexpected(stored, results.map((r) => r.key)),
    verdictRow(summary, results, "gates"),
    summaryTextRow(DRIFT_PSI_TSV, await readText(dir, DRIFT_PSI_TSV), renderPsiTsv(drifts)),
    ...await histogramRows(dir, drifts),
    summaryTextRow(
      DRIFT_SUMMARY,
      await readSummaryBody(dir, DRIFT_SUMMARY),
      renderSummary(header, results),
      BASIS,
    ),
  ];
}
