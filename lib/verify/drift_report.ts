// ./tp drift: PSI per feature between a reference and a current window of one stream's stored bars,
// judged against the fixed thresholds and a seeded null baseline. Reads the store read-only, writes
// the evidence folder `drift_report_<stamp>/` (summary, drift_psi.tsv, one SVG histogram pair per
// feature, bars.tsv to re-judge it offline) and then drift.prom for node-exporter's textfile collector.
import { featureSamples } from "../drift/drift_features.ts";
import { DRIFT_METRICS, DRIFT_PROM_FILE, driftSamples, ownedByDriftRun } from "../drift/drift_prom.ts";
import { mergeTextfile } from "../prom/stream_textfile.ts";
import {
  type FeatureDrift,
  type JudgeOptions,
  judgeSamples,
  renderPsiTsv,
  smallestSample,
} from "../drift/judge.ts";
import { PSI_EPSILON } from "../drift/psi.ts";
import { proofRun, type ProofRunOptions } from "../evidence/proof_run.ts";
import { withEvidence } from "../evidence/with_evidence.ts";
import { type ClosedBar, type Interval, INTERVALS, type SymbolName, type Venue } from "../market/types.ts";
import type { StoreRegistry } from "../store/store_schema.ts";
import { BarReader } from "../store/bar_reader.ts";
import { EnvironmentError } from "../util/errors.ts";
import { BARS_TSV, renderBarsTsv } from "./drift_bars_tsv.ts";
import {
  DRIFT_PSI_TSV,
  DRIFT_SUMMARY,
  driftGates,
  driftHeader,
  histogramFiles,
  type TimeWindow,
  windowText,
} from "./drift_gates.ts";
import { gateJudgement } from "./gate_judgement.ts";

export type { TimeWindow };

export interface DriftReportOptions extends ProofRunOptions {
  readonly db: string;
  readonly venue: Venue;
  readonly symbol: SymbolName;
  readonly interval: Interval;
  /** Default: the `bars` bars before the current window's first bar. */
  readonly reference?: TimeWindow;
  /** Default: the stream's last `bars` bars. */
  readonly current?: TimeWindow;
  readonly bars: number;
  /** Each window must give every feature at least this many values. */
  readonly minBars: number;
  readonly judge: JudgeOptions;
  readonly textfileDir: string;
  readonly now?: () => number;
  /** The store's migrations this release reads (default its own): a newer store is refused. */
  readonly storeRegistry?: StoreRegistry;
}

export interface DriftReportResult {
  readonly verdict: "PASS" | "FAIL";
  readonly dir: string;
  readonly summaryText: string;
  readonly drifts: readonly FeatureDrift[];
  readonly promFile: string;
}

/** A window gives some feature fewer values than the minimum: nothing to judge (no folder, no metrics). */
export class TooFewBarsError extends EnvironmentError {
  override name = "TooFewBarsError";
}

/** A window as the report names it: the one asked for, else the span of the bars it holds. */
function shown(
  asked: TimeWindow | undefined,
  bars: readonly ClosedBar[],
  intervalMs: number,
): TimeWindow | null {
  if (asked) return asked;
  return bars.length
    ? { fromMs: bars[0].openTimeMs, toMs: bars[bars.length - 1].openTimeMs + intervalMs }
    : null;
}

async function readWindows(o: DriftReportOptions) {
  const reader = await BarReader.open(o.db, { threads: 1 }, o.storeRegistry);
  try {
    const current = o.current
      ? await reader.barsBetween(o.venue, o.symbol, o.interval, o.current.fromMs, o.current.toMs)
      : await reader.recentBars(o.venue, o.symbol, o.interval, o.bars);
    const firstCur = current[0]?.openTimeMs ?? o.current?.fromMs ?? null;
    const reference = o.reference
      ? await reader.barsBetween(o.venue, o.symbol, o.interval, o.reference.fromMs, o.reference.toMs)
      : firstCur === null
      ? []
      : await reader.barsBefore(o.venue, o.symbol, o.interval, firstCur, o.bars);
    return { reference, current };
  } finally {
    reader.close();
  }
}

export async function runDriftReport(o: DriftReportOptions): Promise<DriftReportResult> {
  const now = o.now ?? Date.now;
  const intervalMs = INTERVALS[o.interval];
  const bars = await readWindows(o);
  const windows = {
    reference: shown(o.reference, bars.reference, intervalMs),
    current: shown(o.current, bars.current, intervalMs),
  };
  const ref = featureSamples(bars.reference, intervalMs), cur = featureSamples(bars.current, intervalMs);
  const low = smallestSample(ref, cur, o.judge.features);
  if (low.n < Math.max(1, o.minBars)) {
    throw new TooFewBarsError(
      `too few bars in ${o.db} for ${o.venue} ${o.symbol} ${o.interval}: the ${low.window} window ` +
        `(${windowText(windows[low.window])}, ${bars[low.window].length} bars) gives ${low.n} values of ` +
        `${low.feature}, at least ${o.minBars} are needed`,
    );
  }
  const drifts = judgeSamples(ref, cur, o.judge);
  const results = driftGates(drifts);
  const sealed = await withEvidence("drift_report", proofRun(o, "drift", { now }), async (ev) => {
    await ev.write(BARS_TSV, renderBarsTsv(bars));
    await ev.write(DRIFT_PSI_TSV, renderPsiTsv(drifts));
    for (const [file, svg] of histogramFiles(drifts)) await ev.write(file, svg);
    const header = driftHeader({
      venue: o.venue,
      symbol: o.symbol,
      interval: o.interval,
      db: o.db,
      windows,
      barCounts: { reference: bars.reference.length, current: bars.current.length },
      judge: o.judge,
      drifts,
      judgedAt: new Date(now()).toISOString(),
    });
    return {
      ...gateJudgement(DRIFT_SUMMARY, header, results, "gates"),
      config: {
        db: o.db,
        venue: o.venue,
        symbol: o.symbol,
        interval: o.interval,
        reference: windows.reference,
        current: windows.current,
        bars: o.bars,
        minBars: o.minBars,
        bins: o.judge.bins,
        resamples: o.judge.resamples,
        seed: o.judge.seed,
        block: o.judge.block,
        epsilon: PSI_EPSILON,
        features: o.judge.features,
        textfileDir: o.textfileDir,
      },
      value: undefined,
    };
  });
  const stream = { venue: o.venue, symbol: o.symbol, interval: o.interval };
  const fresh = driftSamples(stream, drifts, now());
  const promFile = await mergeTextfile(
    o.textfileDir,
    DRIFT_PROM_FILE,
    DRIFT_METRICS,
    ownedByDriftRun(stream),
    fresh,
  );
  return { verdict: sealed.verdict, dir: sealed.dir, summaryText: sealed.summaryText, drifts, promFile };
}
