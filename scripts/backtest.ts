#!/usr/bin/env -S deno run -A
// task backtest: RefStrat_01 over the feed's stored bars with the simulator's fill model; --parity holds
// it to the live loop's paper trades. Evidence folder .local_tmp/backtest_<stamp>/, metrics backtest.prom.
import { EXIT, intFlag, numFlag, parseFlags, run, UsageError } from "../lib/cli/main.ts";
import { printProof } from "../lib/cli/proof_cli.ts";
import { DEFAULT_ENV_FILE, loadFeedConfig } from "../lib/feed/load_config.ts";
import { duckDbOnly } from "../lib/feed/store_choice.ts";
import { DEFAULT_LIVE_CONFIG, loadLiveFile } from "../lib/live/config_file.ts";
import { DEFAULT_REST_TIMEOUT_MS } from "../lib/trading/binance_rest.ts";
import { type Interval, INTERVALS, type Venue, VENUES } from "../lib/market/types.ts";
import { DEFAULT_TEXTFILE_DIR, TEXTFILE_DIR_ENV, textfileDir } from "../lib/prom/textfile.ts";
import { instrument } from "../lib/sim/instruments.ts";
import { rateFlag } from "../lib/sim/trading/cli_config.ts";
import { spotSymbol } from "../lib/sim/trading/symbols.ts";
import { registriesFromEnv } from "../lib/release/registries.ts";
import { ConfigError } from "../lib/util/errors.ts";
import { parseSymbol } from "../lib/venues/symbols.ts";
import { lotsOf } from "../lib/backtest/run.ts";
import { runBacktestProof } from "../lib/verify/backtest_proof.ts";

const HELP = `Usage: ./tp backtest [options]

Runs RefStrat_01 (the decision code shadow and paper mode run) over the feed's stored bars of one stream,
trading as the live loop's paper mode does (a MARKET buy of the strategy's size on enter_long, a MARKET
sell of the base held on exit_long, one order per bar), each filled by the venue simulator's own fill
model at the deciding bar's close: the last print moved by --slippage-bps, commission --taker-fee on what
the side receives (a buy's in base). Give the values the simulator runs with (its flags of those names).

Stream and range:
  --venue V           ${VENUES.join(", ")} (default: the loop config's feed venue)
  --symbol S          e.g. BTC-USDT (default: the loop config's strategy symbol, as the feed names it)
  --interval I        ${Object.keys(INTERVALS).join(", ")} (default: the loop config's feed interval)
  --from T, --to T    bar open times in [from, to): ISO 8601 (2026-01-01T00:00:00Z) or epoch ms
                      (default: every stored bar)
  --db PATH           the feed's DuckDB store (default: STORE_PATH as the feed resolves it: env,
                      then the env file)
  --env FILE          the feed's env file for that default (default ${DEFAULT_ENV_FILE})
Strategy and fills:
  --config FILE       the live loop's config: strategy stop_atr_k and size (default ${DEFAULT_LIVE_CONFIG})
  --taker-fee X       the simulator's taker commission rate (default 0.001)
  --slippage-bps N    the simulator's taker slippage, whole bps (default 0)
  --equity N          starting quote balance (default 10000)
Parity with the loop:
  --parity            compare with the loop's paper fills over the period it ran (bars closed between its
                      event log's first and last record): trades matched by correlation id (bar), side,
                      quantity; each price within its own bound; tracking error (std of the per-bar return difference) against a bound
                      derived from the fill model; cumulative return gap
  --state-dir DIR     the loop's LIVE_STATE_DIR with its event log (default: env LIVE_STATE_DIR, data/live/)
Output:
  --out-root DIR      where the evidence folder appears (default .local_tmp)
  -h, --help          this help

Writes .local_tmp/backtest_<UTC stamp>/: BACKTEST_SUMMARY.txt (key=value: return, max drawdown, trades,
win rate, fees, what the verdict judges, parity keys; verdict= last), trades.jsonl, trades.tsv, equity.tsv
(per bar), bars.tsv (the bars it ran over), with --parity parity.tsv (per trade), parity_bars.tsv (per bar)
and paper_orders.json (the loop's orders and fills it matched), summary.json, run.json, gates.junit.xml,
MANIFEST_SHA256.txt: ./tp evidence check DIR re-judges it from its own files. Then ${TEXTFILE_DIR_ENV} (default ${DEFAULT_TEXTFILE_DIR})/backtest.prom
for node-exporter's textfile collector: backtest_last_run_timestamp_seconds and, with --parity,
backtest_parity_unmatched_trades, backtest_tracking_error, backtest_cumulative_return_gap and
backtest_tracking_error_bound.

Exit: 0 PASS, 1 FAIL, 2 usage or environment (a bad flag, a missing store, no bars in the range, no event
log in the state dir), 3 a store or state dir at a schema version newer than this release reads.`;

/** ISO 8601 or epoch ms. */
function timeFlag(name: string, raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const ms = /^\d{1,16}$/.test(raw) ? Number(raw) : /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : NaN;
  if (!Number.isSafeInteger(ms)) {
    throw new UsageError(
      `--${name} must be an ISO 8601 time (2026-01-01T00:00:00Z) or epoch ms, got "${raw}"`,
    );
  }
  return ms;
}

async function main(args: string[]): Promise<number> {
  const s = { type: "string" } as const;
  const flags = parseFlags(args, {
    help: HELP,
    options: {
      venue: s,
      symbol: s,
      interval: s,
      from: s,
      to: s,
      db: s,
      env: s,
      config: s,
      "taker-fee": s,
      "slippage-bps": s,
      equity: s,
      parity: { type: "boolean" },
      "state-dir": s,
      "out-root": s,
    },
  });
  if (!flags) return EXIT.OK;
  const v = flags.values;
  const env = (n: string) => Deno.env.get(n);
  const configPath = v.config ?? DEFAULT_LIVE_CONFIG;
  // The loop's own file, held to the loop's rules (the connector's default timeout: a backtest sends nothing).
  const live = await loadLiveFile(configPath, env, { venueTimeoutMs: DEFAULT_REST_TIMEOUT_MS });
  const st = live.strategy;
  if (!st) throw new ConfigError(`${configPath}: no "strategy" to backtest`);
  const venue = v.venue ?? live.feed.venue;
  if (!(VENUES as readonly string[]).includes(venue)) {
    throw new UsageError(`--venue must be one of ${VENUES.join(", ")}, got "${venue}"`);
  }
  const interval = v.interval ?? live.feed.interval;
  if (!Object.hasOwn(INTERVALS, interval)) {
    throw new UsageError(`--interval must be one of ${Object.keys(INTERVALS).join(", ")}, got "${interval}"`);
  }
  const feedSymbol = Object.entries(live.feed.symbols).find(([, loop]) => loop === st.symbol)?.[0];
  let symbol: string;
  try {
    symbol = parseSymbol(v.symbol ?? feedSymbol ?? "");
  } catch (err) {
    throw new UsageError(`--symbol: ${(err as Error).message}`);
  }
  const fromMs = timeFlag("from", v.from), toMs = timeFlag("to", v.to);
  if (fromMs !== null && toMs !== null && toMs <= fromMs) throw new UsageError("--to must be after --from");
  const db = v.db ?? duckDbOnly(
    loadFeedConfig(v.env ?? DEFAULT_ENV_FILE, Deno.env.toObject(), {}).store,
    "./tp backtest",
    "give --db PATH of a DuckDB copy of the bars",
  );
  const equity = numFlag("equity", v.equity, 1e-8, 1e12) ?? 10_000;
  if (v["state-dir"] !== undefined && !v.parity) throw new UsageError("--state-dir goes with --parity");
  const fill = {
    symbol: spotSymbol(instrument(symbol)),
    takerRate: rateFlag("taker-fee", v["taker-fee"]),
    slippageBps: intFlag("slippage-bps", v["slippage-bps"], 0, 0, 9999),
  };
  try {
    lotsOf(fill, st.sizeAtoms);
  } catch (err) {
    throw new ConfigError(`${configPath}: strategy.size: ${(err as Error).message}`);
  }
  const res = await runBacktestProof({
    venue: venue as Venue,
    symbol,
    interval: interval as Interval,
    fromMs,
    toMs,
    db,
    params: st.params,
    sizeAtoms: st.sizeAtoms,
    strategySource: configPath,
    fill,
    startQuoteAtoms: Math.round(equity * 1e8),
    parity: v.parity ? { stateDir: v["state-dir"] ?? live.loop.stateDir } : null,
    textfileDir: textfileDir(env),
    evidenceRoot: v["out-root"],
    args,
    registries: registriesFromEnv(env),
  });
  const code = printProof(res);
  console.log(`metrics: ${res.textfile}`);
  return code;
}

if (import.meta.main) Deno.exit(await run("backtest", main));
