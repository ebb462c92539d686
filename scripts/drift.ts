#!/usr/bin/env -S deno run -A
// task drift: PSI per feature between a reference and a current window of one stream's stored bars.
import { EXIT, intFlag, parseFlags, run, UsageError, verdictExit } from "../lib/cli/main.ts";
import {
  DEFAULT_DRIFT_FEATURES,
  DRIFT_FEATURE_NAMES,
  DRIFT_FEATURES,
  type DriftFeature,
} from "../lib/drift/drift_features.ts";
import { DRIFT_PROM_FILE } from "../lib/drift/drift_prom.ts";
import { NULL_PCT, PSI_MODERATE, PSI_SIGNIFICANT } from "../lib/drift/judge.ts";
import { DEFAULT_BINS, PSI_EPSILON } from "../lib/drift/psi.ts";
import {
  DEFAULT_BLOCK,
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  DEFAULT_WINDOW_BARS,
} from "../lib/drift/null_baseline.ts";
import { parseEnvFile } from "../lib/feed/env_file.ts";
import { DEFAULT_ENV_FILE } from "../lib/feed/load_config.ts";
import { type Interval, INTERVALS, type Venue, VENUES } from "../lib/market/types.ts";
import { StoreLockedError } from "../lib/store/bar_reader.ts";
import { parseStoreUrl } from "../lib/store/store_url.ts";
import { duckDbOnly } from "../lib/feed/store_choice.ts";
import { registriesFromEnv } from "../lib/release/registries.ts";
import { EnvironmentError, SchemaTooNewError } from "../lib/util/errors.ts";
import { parseSymbol } from "../lib/venues/symbols.ts";
import { runDriftReport, type TimeWindow, TooFewBarsError } from "../lib/verify/drift_report.ts";

/** Bars per default window (null_baseline.ts says why these sizes). */
const DEFAULT_BARS = DEFAULT_WINDOW_BARS;
const DEFAULT_MIN_BARS = 100, DEFAULT_TEXTFILE_DIR = "data/textfile";

const HELP = `Usage: ./tp drift [options]

Population stability index (PSI) per feature between a reference and a current window of one
stream's bars in the feed's DuckDB store, each judged against the fixed thresholds and a null baseline.

Features (levels that move with price are divided by the close, so a trend alone is not drift;
quantile bins make PSI blind to any monotone rescaling, so only that choice matters):
${DRIFT_FEATURES.map((f) => `  ${f.name.padEnd(12)} ${f.what}`).join("\n")}
Warm-up bars (null features) add no value to that feature. Judged by default: all but vwap_dist,
whose spread is set by each UTC session's own trend (the VWAP restarts at 00:00), so two windows
almost never share it; name it in --features to see it anyway.

PSI: ${DEFAULT_BINS} bins at the reference's quantiles (inverse empirical CDF; right-closed; tied edges kept
once, so a heavily repeated value gets one bin and there may be fewer bins); an empty bin takes the
proportion ${PSI_EPSILON} (no renormalisation). Null baseline: PSI of --resamples bootstrap pairs drawn from
the reference alone at the same sizes (n_ref, n_cur), re-binned each time, seeded (--seed); drawn in
blocks of --block consecutive values (at most a tenth of the reference), because an indicator value
shares most of its inputs with its neighbours (block 1 = the plain bootstrap, too narrow for them).
Its ${NULL_PCT}th percentile is reported beside the fixed thresholds ${PSI_MODERATE} (moderate) and ${PSI_SIGNIFICANT} (significant).
A feature is flagged only when PSI > ${PSI_SIGNIFICANT} AND PSI > null p${NULL_PCT}. PASS when no feature is flagged.

Windows: bars opening in [FROM, TO); FROM and TO are ISO times with a zone (2026-03-01T12:00:00Z,
+02:00) or dates (UTC midnight). Default: the current window is the last --bars bars, the reference
the --bars bars before it (--bars: ${DEFAULT_BARS["1m"]} for 1m, a day; ${
  DEFAULT_BARS["1h"]
} for 1h, eight weeks: volume and
volatility follow the time of day and the weekday, so windows of whole days and weeks compare like with
like; and a window must hold many stretches of an indicator's memory for the null baseline to be
trusted: with a week of 1h bars, calm simulated markets flagged a feature in 25 of 40 reports, with
eight weeks in 0 of 20 (1 of 40 in a longer probe), as with a day of 1m bars. Shorter windows (--bars, --reference/--current) cap
the block at a tenth of the reference and false alarms grow as they shrink).

Store: --db, else STORE_PATH from the environment, else from the feed's env file (--env, default
${DEFAULT_ENV_FILE}). It is opened read-only; DuckDB lets no other process open a file the feed holds
for writing, so while the feed runs: stop it, or point --db at a copy of the store.

Writes .local_tmp/drift_report_<UTC stamp>/: DRIFT_REPORT_SUMMARY.txt (key=value, verdict= last),
summary.json, drift_psi.tsv (feature, n_ref, n_cur, psi, null_p95, flagged), hist_<feature>.svg (the
reference and current histograms on the reference bins), bars.tsv (the bars judged; ./tp evidence
check re-judges the folder from it), run.json, MANIFEST_SHA256.txt. Then replaces this stream's series
in <textfile dir>/${DRIFT_PROM_FILE} (atomically; other streams' series kept) for node-exporter's textfile
collector: drift_psi{venue,symbol,interval,feature}, drift_psi_null_p95{...},
drift_report_last_run_timestamp_seconds{venue,symbol,interval}.

Options:
  --venue NAME        ${VENUES.join(", ")} (default binance)
  --symbol SYM        BTC-USDT or BTCUSDT (default BTC-USDT)
  --interval I        ${Object.keys(INTERVALS).join(", ")} (default 1m)
  --reference F..T    reference window (default: the --bars bars before the current window)
  --current F..T      current window (default: the last --bars bars)
  --bars N            bars per default window (default ${DEFAULT_BARS["1m"]} for 1m, ${
  DEFAULT_BARS["1h"]
} for 1h)
  --min-bars N        fewest values a window may give any feature (default ${DEFAULT_MIN_BARS})
  --bins N            quantile bins (default ${DEFAULT_BINS})
  --features LIST     features judged, comma-separated (default: all but vwap_dist)
  --resamples N       null-baseline resamples (default ${DEFAULT_RESAMPLES})
  --block N           null-baseline block length in values (default ${DEFAULT_BLOCK}; 1 = i.i.d.)
  --seed N            null-baseline seed (default ${DEFAULT_SEED})
  --db PATH           the DuckDB store
  --env FILE          the feed env file whose STORE_PATH is the default store
  --textfile-dir DIR  where ${DRIFT_PROM_FILE} goes (default TICKPROOF_TEXTFILE_DIR, else ${DEFAULT_TEXTFILE_DIR})
  --out-root DIR      where the evidence folder goes (default .local_tmp)
  -h, --help          this help

Exit: 0 PASS, 1 FAIL (a feature flagged), 2 usage, no store, store held by the feed, too few bars,
3 a store at a schema version newer than this release reads (./tp version --data).`;

const TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

function windowFlag(name: string, raw: string | undefined): TimeWindow | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split("..");
  const ms = parts.map((p) => (TIME.test(p.trim()) ? Date.parse(p.trim()) : NaN));
  if (parts.length !== 2 || ms.some((x) => !Number.isFinite(x))) {
    throw new UsageError(
      `--${name} must be FROM..TO in ISO time with a zone or dates, e.g. ` +
        `2026-03-01T00:00:00Z..2026-03-02T00:00:00Z, got "${raw}"`,
    );
  }
  if (ms[0] >= ms[1]) throw new UsageError(`--${name}: FROM must be before TO, got "${raw}"`);
  return { fromMs: ms[0], toMs: ms[1] };
}

function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(", ")}, got "${raw}"`);
  }
  return raw as T;
}

function featuresFlag(raw: string | undefined): readonly DriftFeature[] {
  if (raw === undefined) return DEFAULT_DRIFT_FEATURES;
  const list = raw.split(",").map((f) => f.trim()).filter(Boolean);
  const bad = list.filter((f) => !(DRIFT_FEATURE_NAMES as readonly string[]).includes(f));
  if (bad.length || !list.length) {
    throw new UsageError(`--features takes names from ${DRIFT_FEATURE_NAMES.join(",")}, got "${raw}"`);
  }
  return [...new Set(list)] as DriftFeature[];
}

/**
 * --db, else the feed's store: STORE_URL (a DuckDB file; PostgreSQL is one line, exit 2), else STORE_PATH,
 * each from the environment, then the feed env file's: where the feed writes.
 */
function storePath(db: string | undefined, envFile: string): { path: string; from: string } {
  if (db !== undefined) return { path: db, from: "--db" };
  let file: Record<string, string> | null = null;
  const fileEnv = () => {
    if (file) return file;
    let text: string;
    try {
      text = Deno.readTextFileSync(envFile);
    } catch (err) {
      throw new UsageError(`cannot read env file ${envFile}: ${err instanceof Error ? err.message : err}`);
    }
    return file = parseEnvFile(text, envFile);
  };
  const envUrl = Deno.env.get("STORE_URL")?.trim();
  const url = envUrl || fileEnv().STORE_URL?.trim();
  if (url) {
    const where = envUrl ? "STORE_URL in the environment" : `STORE_URL in ${envFile}`;
    const path = duckDbOnly(parseStoreUrl(url), "./tp drift", "give --db PATH of a DuckDB copy of the bars");
    return { path, from: where };
  }
  const fromEnv = Deno.env.get("STORE_PATH");
  if (fromEnv) return { path: fromEnv, from: "STORE_PATH in the environment" };
  const path = fileEnv().STORE_PATH;
  if (!path) throw new UsageError(`${envFile} sets no STORE_PATH: name the store with --db PATH`);
  return { path, from: `STORE_PATH in ${envFile}` };
}

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: HELP,
    options: {
      venue: { type: "string" },
      symbol: { type: "string" },
      interval: { type: "string" },
      reference: { type: "string" },
      current: { type: "string" },
      bars: { type: "string" },
      "min-bars": { type: "string" },
      bins: { type: "string" },
      features: { type: "string" },
      block: { type: "string" },
      resamples: { type: "string" },
      seed: { type: "string" },
      db: { type: "string" },
      env: { type: "string" },
      "textfile-dir": { type: "string" },
      "out-root": { type: "string" },
    },
  });
  if (!flags) return EXIT.OK;
  const v = flags.values;
  let symbol;
  try {
    symbol = parseSymbol(v.symbol ?? "BTC-USDT");
  } catch (err) {
    throw new UsageError(`--symbol: ${err instanceof Error ? err.message : err}`);
  }
  const venue = oneOf<Venue>("venue", v.venue ?? "binance", VENUES);
  const interval = oneOf<Interval>("interval", v.interval ?? "1m", Object.keys(INTERVALS) as Interval[]);
  const reference = windowFlag("reference", v.reference), current = windowFlag("current", v.current);
  const bars = intFlag("bars", v.bars, DEFAULT_BARS[interval], 10, 1_000_000);
  const minBars = intFlag("min-bars", v["min-bars"], DEFAULT_MIN_BARS, 10, 1_000_000);
  const bins = intFlag("bins", v.bins, DEFAULT_BINS, 2, 100);
  const resamples = intFlag("resamples", v.resamples, DEFAULT_RESAMPLES, 20, 100_000);
  const seed = intFlag("seed", v.seed, DEFAULT_SEED, 0, 2 ** 32 - 1);
  const block = intFlag("block", v.block, DEFAULT_BLOCK, 1, 100_000);
  const features = featuresFlag(v.features);
  const textfileDir = v["textfile-dir"] ?? (Deno.env.get("TICKPROOF_TEXTFILE_DIR") || DEFAULT_TEXTFILE_DIR);
  const db = storePath(v.db, v.env ?? DEFAULT_ENV_FILE);
  let res;
  try {
    res = await runDriftReport({
      db: db.path,
      venue,
      symbol,
      interval,
      reference,
      current,
      bars,
      minBars,
      judge: { bins, resamples, seed, block, features },
      textfileDir,
      evidenceRoot: v["out-root"],
      command: "drift",
      args,
      storeRegistry: registriesFromEnv((k) => Deno.env.get(k)).store,
    });
  } catch (err) {
    if (err instanceof SchemaTooNewError) throw err; // its own line and exit code (3)
    if (err instanceof StoreLockedError) {
      throw new EnvironmentError(`${err.message}: stop the feed, or point --db at a copy of the store`);
    }
    if (err instanceof TooFewBarsError) {
      throw new EnvironmentError(
        `${err.message} (--min-bars; choose windows with --bars or --reference/--current)`,
      );
    }
    if (err instanceof EnvironmentError && err.message.startsWith(`store ${db.path} `)) {
      throw new EnvironmentError(`${err.message} (${db.from}; --db PATH reads another store)`);
    }
    throw err;
  }
  console.log(res.summaryText.trimEnd());
  console.log(`evidence: ${res.dir}`);
  console.log(`metrics: ${res.promFile}`);
  return verdictExit(res.verdict);
}

if (import.meta.main) Deno.exit(await run("drift", main));
