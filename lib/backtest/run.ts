// The backtest: RefStrat_01 (lib/strategy, the decision code shadow and paper mode run) over stored bars,
// trading as the live loop's paper mode does (lib/live/bar_strategy.ts): a MARKET buy of the configured
// size on enter_long, a MARKET sell of what the account holds (whole lots) on exit_long, one order per
// bar, filled by the simulator's fill model at the deciding bar's close (its last print). Pure.
import type { ClosedBar } from "../market/types.ts";
import {
  INITIAL_STATE,
  type Reason,
  type RefStratParams,
  type RefStratState,
  step,
} from "../strategy/refstrat_01.ts";
import {
  type Account,
  equityOf,
  type Fill,
  type FillConfig,
  marketFill,
  openAccount,
  priceOf,
  ticksOf,
} from "./account.ts";

export interface BacktestConfig {
  readonly params: RefStratParams;
  /** Base atoms bought on an entry (the loop's strategy.size). */
  readonly sizeAtoms: number;
  readonly fill: FillConfig;
  /** Starting quote balance, atoms. */
  readonly startQuoteAtoms: number;
}

/** One fill of the backtest, with the bar that decided it. */
export interface Trade extends Fill {
  readonly bar: number;
  readonly openTimeMs: number;
  readonly reason: Reason;
  /** Fill price in quote units. */
  readonly price: number;
}

/** The account marked at one bar's close, after that bar's fill. */
export interface EquityPoint {
  readonly bar: number;
  readonly openTimeMs: number;
  readonly close: number;
  readonly quote: number;
  readonly base: number;
  /** Quote atoms. */
  readonly equity: number;
}

export interface BacktestResult {
  readonly trades: readonly Trade[];
  readonly equity: readonly EquityPoint[];
  /** Decisions by kind over every bar. */
  readonly decisions: { readonly enter_long: number; readonly exit_long: number; readonly hold: number };
  /** Entries the account could not pay for, and exits with nothing to sell: decided, no fill. */
  readonly unfilled: readonly { readonly bar: number; readonly why: string }[];
  readonly account: Account;
  readonly state: RefStratState;
}

/** Lots of `atoms` base, refusing a size the simulator's lot does not divide (it would reject the order). */
export function lotsOf(f: FillConfig, atoms: number): number {
  const lots = atoms / f.symbol.lotAtoms;
  if (!Number.isSafeInteger(lots) || lots <= 0) {
    throw new RangeError(
      `Cannot trade ${atoms / 1e8} ${f.symbol.base}: not a whole number of lots of ${
        f.symbol.lotAtoms / 1e8
      } (${f.symbol.name})`,
    );
  }
  return lots;
}

export function runBacktest(bars: readonly ClosedBar[], cfg: BacktestConfig): BacktestResult {
  const buyLots = lotsOf(cfg.fill, cfg.sizeAtoms);
  const s = cfg.fill.symbol;
  let state = INITIAL_STATE;
  let acct = openAccount(cfg.startQuoteAtoms);
  const trades: Trade[] = [], equity: EquityPoint[] = [];
  const unfilled: { bar: number; why: string }[] = [];
  const decisions = { enter_long: 0, exit_long: 0, hold: 0 };
  bars.forEach((b, i) => {
    const f = b.features;
    const r = step(state, { close: b.c, ema12: f.ema_12, ema26: f.ema_26, atr14: f.atr_14 }, cfg.params);
    state = r.state;
    decisions[r.decision]++;
    if (r.action) {
      const buy = r.action.action === "open_long";
      // An exit sells what the account holds, in whole lots (the loop's closableQty).
      const lots = buy ? buyLots : Math.floor(acct.base / s.lotAtoms);
      const done = lots > 0 ? marketFill(acct, buy ? "BUY" : "SELL", lots, ticksOf(s, b.c), cfg.fill) : null;
      if (done) {
        acct = done.account;
        const price = priceOf(s, done.fill.priceTicks);
        trades.push({ ...done.fill, bar: i, openTimeMs: b.openTimeMs, reason: r.reason, price });
      } else {
        unfilled.push({ bar: i, why: buy ? "insufficient quote balance" : "nothing to sell" });
        // The loop's resync: a long the account does not hold goes flat, so the next cross can enter.
        if (buy) state = { ...state, book: { ...state.book, size: 0, entryPrice: null, stop: null } };
      }
    }
    equity.push({
      bar: i,
      openTimeMs: b.openTimeMs,
      close: b.c,
      quote: acct.quote,
      base: acct.base,
      equity: equityOf(acct, b.c),
    });
  });
  return { trades, equity, decisions, unfilled, account: acct, state };
}
