// A backtest judged from its inputs, pure: the run over the bars, its numbers, with --parity the matching
// against the loop's paper orders and the tracking error, the gates, the summary's key=value header and
// every file rendered from the result. `./tp backtest` writes these; `evidence check` computes them again
// from the folder's own bars.tsv, paper_orders.json and run.json and holds the folder to them.
import { type ParityCurve, parityCurve } from "../backtest/parity_curve.ts";
import { type Matching, matchTrades } from "../backtest/parity.ts";
import { equityTsv, num, parityBarsTsv, parityTsv, tradesJsonl, tradesTsv } from "../backtest/report.ts";
import { type BacktestResult, runBacktest } from "../backtest/run.ts";
import { type BacktestStats, backtestStats } from "../backtest/stats.ts";
import { BACKTEST_FILES } from "../evidence/gate_sources.ts";
import { type ClosedBar, INTERVALS } from "../market/types.ts";
import { formatAtoms } from "../sim/trading/decimal.ts";
import { backtestGates, JUDGES, parityGates, parityHeader } from "./backtest_judge.ts";
import type { BacktestSettings } from "./backtest_settings.ts";
import type { GateResult } from "./gates.ts";
import { type PaperLog, placeOnBars } from "./paper_orders.ts";

export interface BacktestJudgement {
  readonly run: BacktestResult;
  readonly stats: BacktestStats;
  /** With --parity only. */
  readonly match: Matching | null;
  readonly curve: ParityCurve | null;
  readonly gates: GateResult[];
  readonly header: Record<string, string>;
  /** The files rendered from the result, by name (parity's only when there was something to compare). */
  readonly files: ReadonlyMap<string, string>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** `log`: the loop's paper orders with --parity, else null. `bars` must not be empty. */
export function judgeBacktest(
  s: BacktestSettings,
  bars: readonly ClosedBar[],
  log: PaperLog | null,
): BacktestJudgement {
  const sym = s.fill.symbol.name;
  const paper = log ? placeOnBars(log, sym, bars) : null;
  const r = runBacktest(bars, s);
  const stats = backtestStats(r, s.startQuoteAtoms);
  const match = log && paper
    ? matchTrades(r.trades, paper, bars, s.fill, INTERVALS[s.interval], log.ran)
    : null;
  const curve = paper && match ? parityCurve(r, match, paper, bars, s.fill, s.startQuoteAtoms) : null;
  const gates = [...backtestGates(stats), ...(match && log ? parityGates(match, curve, log.problems) : [])];
  const p = s.params;
  const header: Record<string, string> = {
    venue: s.venue,
    symbol: s.symbol,
    interval: s.interval,
    from: s.fromMs === null ? "first stored bar" : iso(s.fromMs),
    to: s.toMs === null ? "after the last stored bar" : iso(s.toMs),
    db: s.db,
    bars: String(stats.bars),
    first_bar: iso(bars[0].openTimeMs),
    last_bar: iso(bars[bars.length - 1].openTimeMs),
    strategy: `refstrat_01 stop_atr_k=${p.stopAtrK} size=${formatAtoms(s.sizeAtoms)} (${s.strategySource})`,
    fill_model:
      `simulator MARKET taker (lib/sim/trading/fill_model.ts): ${sym} at the bar's close moved by ` +
      `slippage_bps, whole ticks; commission taker_fee on what the side receives`,
    taker_fee: formatAtoms(s.fill.takerRate).replace(/0+$/, "").replace(/\.$/, ""),
    slippage_bps: String(s.fill.slippageBps),
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
        ...parityHeader(s.parityStateDir ?? "", log.orders.length, match, curve, (i) =>
          iso(bars[i].openTimeMs)),
      }
      : {}),
  };
  const F = BACKTEST_FILES;
  const files = new Map<string, string>([
    [F.trades, tradesJsonl(r.trades, s.fill)],
    [F.tradesTsv, tradesTsv(r.trades, s.fill)],
    [F.equity, equityTsv(r.equity, s.startQuoteAtoms)],
  ]);
  if (match) files.set(F.parity, parityTsv(match.rows, bars));
  if (curve) files.set(F.parityBars, parityBarsTsv(curve.bars));
  return { run: r, stats, match, curve, gates, header, files };
}
