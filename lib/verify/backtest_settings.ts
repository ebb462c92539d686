// What a backtest was run with, as run.json's `config` records it, and back: `evidence check` judges the
// folder again with exactly these settings. The fill symbol keeps its tick and lot decimals, so the
// folder does not depend on the instrument table of a later tickproof.
import { z } from "zod";
import { type Interval, INTERVALS, type SymbolName, type Venue, VENUES } from "../market/types.ts";
import { instrument } from "../sim/instruments.ts";
import { spotSymbol } from "../sim/trading/symbols.ts";
import type { BacktestConfig } from "../backtest/run.ts";

export interface BacktestSettings extends BacktestConfig {
  readonly venue: Venue;
  readonly symbol: SymbolName;
  readonly interval: Interval;
  /** Open times in [fromMs, toMs); null: from the first / to after the last stored bar. */
  readonly fromMs: number | null;
  readonly toMs: number | null;
  readonly db: string;
  /** Where the strategy's parameters came from (the loop's config file). */
  readonly strategySource: string;
  /** The loop's state dir parity read (null: no --parity). */
  readonly parityStateDir: string | null;
}

/** run.json `config`. */
export function backtestRunConfig(s: BacktestSettings, textfileDir: string): Record<string, unknown> {
  const sym = s.fill.symbol;
  return {
    venue: s.venue,
    symbol: s.symbol,
    interval: s.interval,
    from_ms: s.fromMs,
    to_ms: s.toMs,
    db: s.db,
    strategy: { ...s.params, size_atoms: s.sizeAtoms, source: s.strategySource },
    fill: {
      symbol: sym.name,
      price_decimals: sym.priceDecimals,
      size_decimals: sym.sizeDecimals,
      taker_rate_atoms: s.fill.takerRate,
      slippage_bps: s.fill.slippageBps,
    },
    start_quote_atoms: s.startQuoteAtoms,
    parity_state_dir: s.parityStateDir,
    textfile_dir: textfileDir,
  };
}

const whole = z.int();
const ConfigSchema = z.object({
  venue: z.enum(VENUES),
  symbol: z.string(),
  interval: z.enum(Object.keys(INTERVALS) as [Interval, ...Interval[]]),
  from_ms: whole.nullable(),
  to_ms: whole.nullable(),
  db: z.string(),
  strategy: z.object({
    stopAtrK: z.number(),
    feeBps: z.number(),
    size: z.number(),
    size_atoms: whole,
    source: z.string(),
  }),
  fill: z.object({
    symbol: z.string(),
    // Older folders did not record them: the instrument table stands in.
    price_decimals: whole.optional(),
    size_decimals: whole.optional(),
    taker_rate_atoms: whole,
    slippage_bps: whole,
  }),
  start_quote_atoms: whole,
  parity_state_dir: z.string().nullable(),
});

/** run.json `config` back to the settings; a TypeError names the first field that does not fit. */
export function parseBacktestRunConfig(config: unknown): BacktestSettings {
  const r = ConfigSchema.safeParse(config);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new TypeError(`run.json config.${issue.path.join(".")}: ${issue.message}`);
  }
  const c = r.data;
  let symbol;
  try {
    const inst = instrument(c.symbol);
    symbol = spotSymbol({
      ...inst,
      priceDecimals: c.fill.price_decimals ?? inst.priceDecimals,
      sizeDecimals: c.fill.size_decimals ?? inst.sizeDecimals,
    });
  } catch (err) {
    throw new TypeError(`run.json config.symbol: ${(err as Error).message}`);
  }
  if (symbol.name !== c.fill.symbol) {
    throw new TypeError(
      `run.json config.fill.symbol "${c.fill.symbol}" is not ${c.symbol}'s (${symbol.name})`,
    );
  }
  const { size_atoms, source, ...params } = c.strategy;
  return {
    venue: c.venue,
    symbol: c.symbol,
    interval: c.interval,
    fromMs: c.from_ms,
    toMs: c.to_ms,
    db: c.db,
    params,
    sizeAtoms: size_atoms,
    strategySource: source,
    fill: { symbol, takerRate: c.fill.taker_rate_atoms, slippageBps: c.fill.slippage_bps },
    startQuoteAtoms: c.start_quote_atoms,
    parityStateDir: c.parity_state_dir,
  };
}
