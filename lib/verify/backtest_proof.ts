// `./tp backtest`: RefStrat_01 over the feed's stored bars with the simulator's fill model (lib/backtest),
// optionally against the live loop's paper trades (--parity), sealed as `.local_tmp/backtest_<stamp>/`
// by withEvidence; its headline numbers are merged per stream into the textfile collector's `backtest.prom` afterwards. The
// folder keeps what it was judged from (bars.tsv; with --parity paper_orders.json) so `evidence check`
// judges it again offline (lib/audit/recompute_backtest.ts).
import type { BacktestConfig } from "../backtest/run.ts";
import { BACKTEST_FILES } from "../evidence/gate_sources.ts";
import { proofRun, type ProofRunOptions } from "../evidence/proof_run.ts";
import { withEvidence } from "../evidence/with_evidence.ts";
import type { Interval, SymbolName, Venue } from "../market/types.ts";
import { mergeTextfile } from "../prom/stream_textfile.ts";
import { prepareStateDir, type StateRegistry } from "../oms/state_version.ts";
import type { StoreRegistry } from "../store/store_schema.ts";
import { loadBars } from "./backtest_bars.ts";
import { BACKTEST_SUMMARY } from "./backtest_judge.ts";
import { judgeBacktest } from "./backtest_judgement.ts";
import {
  BACKTEST_METRICS,
  BACKTEST_PROM_FILE,
  backtestSamples,
  ownedByBacktestRun,
} from "./backtest_metrics.ts";
import { backtestRunConfig, type BacktestSettings } from "./backtest_settings.ts";
import { renderBarsTsv } from "./bars_tsv.ts";
import { overallVerdict, renderSummary } from "./gates.ts";
import { readPaperLog } from "./paper_orders.ts";
import { renderPaperOrdersJson } from "./paper_orders_json.ts";

export interface BacktestProofOptions extends ProofRunOptions, BacktestConfig {
  readonly venue: Venue;
  readonly symbol: SymbolName;
  readonly interval: Interval;
  /** Open times in [fromMs, toMs); null: from the first / to after the last stored bar. */
  readonly fromMs: number | null;
  readonly toMs: number | null;
  readonly db: string;
  /** Where the strategy's parameters came from (the loop's config file). */
  readonly strategySource: string;
  readonly parity: { readonly stateDir: string } | null;
  readonly textfileDir: string;
  readonly now?: () => number;
  /** The schema versions this release reads (default its own): a newer store or state dir is refused. */
  readonly registries?: { readonly store?: StoreRegistry; readonly state?: StateRegistry };
}

export interface BacktestProofResult {
  readonly verdict: "PASS" | "FAIL";
  readonly dir: string;
  readonly summaryText: string;
  readonly textfile: string;
}

export async function runBacktestProof(o: BacktestProofOptions): Promise<BacktestProofResult> {
  const now = o.now ?? Date.now;
  const settings: BacktestSettings = {
    venue: o.venue,
    symbol: o.symbol,
    interval: o.interval,
    fromMs: o.fromMs,
    toMs: o.toMs,
    db: o.db,
    params: o.params,
    sizeAtoms: o.sizeAtoms,
    fill: o.fill,
    startQuoteAtoms: o.startQuoteAtoms,
    strategySource: o.strategySource,
    parityStateDir: o.parity?.stateDir ?? null,
  };
  const bars = await loadBars(o.db, o.venue, o.symbol, o.interval, o.fromMs, o.toMs, o.registries?.store);
  if (o.parity) await prepareStateDir(o.parity.stateDir, { registry: o.registries?.state, migrate: false });
  const log = o.parity ? await readPaperLog(o.parity.stateDir, o.fill.symbol.name) : null;
  const j = judgeBacktest(settings, bars, log);
  const sealed = await withEvidence(
    "backtest",
    proofRun(o, "backtest", { now, configFiles: [o.strategySource] }),
    async (ev) => {
      await ev.write(BACKTEST_FILES.bars, renderBarsTsv(bars));
      if (log) await ev.write(BACKTEST_FILES.paperOrders, renderPaperOrdersJson(log));
      for (const [file, text] of j.files) await ev.write(file, text);
      const verdict = overallVerdict(j.gates);
      return {
        verdict,
        summary: { file: BACKTEST_SUMMARY, text: renderSummary(j.header, j.gates) },
        summaryJson: { ...j.header, gates: j.gates, unfilled: j.run.unfilled, verdict },
        gates: j.gates,
        config: backtestRunConfig(settings, o.textfileDir),
        value: null,
      };
    },
  );
  const stream = { venue: o.venue, symbol: o.symbol, interval: o.interval };
  const samples = backtestSamples(stream, now() / 1000, j.match, j.curve);
  const owned = ownedByBacktestRun(stream, o.parity !== null);
  const textfile = await mergeTextfile(o.textfileDir, BACKTEST_PROM_FILE, BACKTEST_METRICS, owned, samples);
  return { verdict: sealed.verdict, dir: sealed.dir, summaryText: sealed.summaryText, textfile };
}
