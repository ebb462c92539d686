// `./tp backtest`: RefStrat_01 over the feed's stored bars with the simulator's fill model (lib/backtest),
// optionally against the live loop's paper trades (--parity), sealed as `.local_tmp/backtest_<stamp>/`
// by withEvidence; its headline numbers go to the textfile collector's `backtest.prom` afterwards.
import { parityCurve } from "../backtest/parity_curve.ts";
import { matchTrades, type PaperOrder } from "../backtest/parity.ts";
import { equityTsv, num, parityBarsTsv, parityTsv, tradesJsonl, tradesTsv } from "../backtest/report.ts";
import { type BacktestConfig, runBacktest } from "../backtest/run.ts";
import { backtestStats } from "../backtest/stats.ts";
import { proofRun, type ProofRunOptions } from "../evidence/proof_run.ts";
import { withEvidence } from "../evidence/with_evidence.ts";
import { formatAtoms } from "../sim/trading/decimal.ts";
import type { Interval, SymbolName, Venue } from "../market/types.ts";
import { INTERVALS } from "../market/types.ts";
import { writeTextfile } from "../prom/textfile.ts";
import { loadBars } from "./backtest_bars.ts";
import { BACKTEST_SUMMARY, backtestGates, JUDGES, parityGates, parityHeader } from "./backtest_judge.ts";
import { backtestSamples } from "./backtest_metrics.ts";
import { overallVerdict, renderSummary } from "./gates.ts";
import { placeOnBars, readPaperLog } from "./paper_orders.ts";

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
}

export interface BacktestProofResult {
  readonly verdict: "PASS" | "FAIL";
  readonly dir: string;
  readonly summaryText: string;
  readonly textfile: string;
}

export async function runBacktestProof(o: BacktestProofOptions): Promise<BacktestProofResult> {
  const now = o.now ?? Date.now;
  const bars = await loadBars(o.db, o.venue, o.symbol, o.interval, o.fromMs, o.toMs);
  const sym = o.fill.symbol.name;
  const log = o.parity ? await readPaperLog(o.parity.stateDir, sym) : null;
  const paper: PaperOrder[] | null = log ? placeOnBars(log, sym, bars) : null;
  const r = runBacktest(bars, o);
  const stats = backtestStats(r, o.startQuoteAtoms);
  const intervalMs = INTERVALS[o.interval];
  const match = paper ? matchTrades(r.trades, paper, bars, o.fill, intervalMs) : null;
  const curve = paper && match ? parityCurve(r, match, paper, bars, o.fill, o.startQuoteAtoms) : null;
  const gates = [...backtestGates(stats), ...(match && log ? parityGates(match, curve, log.problems) : [])];
  const iso = (ms: number) => new Date(ms).toISOString();
  const p = o.params;
  const header: Record<string, string> = {
    venue: o.venue,
    symbol: o.symbol,
    interval: o.interval,
    from: o.fromMs === null ? "first stored bar" : iso(o.fromMs),
    to: o.toMs === null ? "after the last stored bar" : iso(o.toMs),
    db: o.db,
    bars: String(stats.bars),
    first_bar: iso(bars[0].openTimeMs),
    last_bar: iso(bars[bars.length - 1].openTimeMs),
    strategy: `refstrat_01 stop_atr_k=${p.stopAtrK} size=${formatAtoms(o.sizeAtoms)} (${o.strategySource})`,
    fill_model:
      `simulator MARKET taker (lib/sim/trading/fill_model.ts): ${sym} at the bar's close moved by ` +
      `slippage_bps, whole ticks; commission taker_fee on what the side receives`,
    taker_fee: formatAtoms(o.fill.takerRate).replace(/0+$/, "").replace(/\.$/, ""),
    slippage_bps: String(o.fill.slippageBps),
    equity_start: num(stats.equityStart),
    equity_end: num(stats.equityEnd),
    return: num(stats.returnRatio),
    max_drawdown: num(stats.maxDrawdown),
    fills: String(stats.fills),
    trades: String(stats.trades),
    wins: String(stats.wins),
    win_rate: stats.winRate === null ? "NO_DATA" : num(stats.winRate),
    fees: num(stats.fees),
    realized_pnl: num(stats.realisedPnl),
    unrealized_pnl: num(stats.unrealisedPnl),
    decisions:
      `enter_long=${r.decisions.enter_long} exit_long=${r.decisions.exit_long} hold=${r.decisions.hold}`,
    unfilled_decisions: String(r.unfilled.length),
    judges: JUDGES,
    ...(match && log
      ? {
        parity_log_runs: String(log.runs),
        parity_other_symbol_orders: String(log.otherSymbols),
        ...parityHeader(o.parity!.stateDir, log.orders.length, match, curve, (i) => iso(bars[i].openTimeMs)),
      }
      : {}),
  };
  const sealed = await withEvidence(
    "backtest",
    proofRun(o, "backtest", { now, configFiles: [o.strategySource] }),
    async (ev) => {
      await ev.write("trades.jsonl", tradesJsonl(r.trades, o.fill));
      await ev.write("trades.tsv", tradesTsv(r.trades, o.fill));
      await ev.write("equity.tsv", equityTsv(r.equity, o.startQuoteAtoms));
      if (match) await ev.write("parity.tsv", parityTsv(match.rows, bars));
      if (curve) await ev.write("parity_bars.tsv", parityBarsTsv(curve.bars));
      const text = renderSummary(header, gates);
      const verdict = overallVerdict(gates);
      return {
        verdict,
        summary: { file: BACKTEST_SUMMARY, text },
        summaryJson: { ...header, gates, unfilled: r.unfilled, verdict },
        gates,
        config: {
          venue: o.venue,
          symbol: o.symbol,
          interval: o.interval,
          from_ms: o.fromMs,
          to_ms: o.toMs,
          db: o.db,
          strategy: { ...o.params, size_atoms: o.sizeAtoms, source: o.strategySource },
          fill: { symbol: sym, taker_rate_atoms: o.fill.takerRate, slippage_bps: o.fill.slippageBps },
          start_quote_atoms: o.startQuoteAtoms,
          parity_state_dir: o.parity?.stateDir ?? null,
          textfile_dir: o.textfileDir,
        },
        value: null,
      };
    },
  );
  const labels = { venue: o.venue, symbol: o.symbol, interval: o.interval };
  const samples = backtestSamples(labels, now() / 1000, match, curve);
  const textfile = await writeTextfile(o.textfileDir, "backtest.prom", samples);
  return { verdict: sealed.verdict, dir: sealed.dir, summaryText: sealed.summaryText, textfile };
}
