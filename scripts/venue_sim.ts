#!/usr/bin/env -S deno run -A
// The venue simulator: Binance, Bybit, OKX and Kraken public market data (WS + REST klines) on one
// loopback port, driven by a seeded market on a simulated clock, with chaos knobs.
import { EXIT, intFlag, parseFlags, run, shutdownSignal, untilAborted, UsageError } from "../lib/cli/main.ts";
import { numFlag as num } from "../lib/cli/main.ts";
import { sleep } from "../lib/async/sleep.ts";
import { bindHost, PORTS } from "../lib/config/ports.ts";
import { jsonLogger } from "../lib/log.ts";
import { type Venue, VENUES } from "../lib/market/types.ts";
import { type ChaosConfig, inScope, mergeChaos, parseChaos } from "../lib/sim/chaos.ts";
import { minuteAligned } from "../lib/sim/clock.ts";
import { instrument } from "../lib/sim/instruments.ts";
import { JsonlWriter } from "../lib/sim/jsonl_writer.ts";
import { SimServer } from "../lib/sim/sim_server.ts";
import {
  TRADING_FLAGS,
  TRADING_HELP,
  tradingFromFlags,
  writeKeysFile,
} from "../lib/sim/trading/cli_config.ts";
import {
  TRADING_CHAOS_FLAGS,
  TRADING_CHAOS_HELP,
  tradingChaosFromFlags,
} from "../lib/sim/trading/chaos_flags.ts";
import { TradingChaos } from "../lib/sim/trading/trading_chaos.ts";
import { TradingVenue } from "../lib/sim/trading/venue.ts";
import { VenueSim } from "../lib/sim/venue_sim.ts";

const HELP = `Usage: ./tp venue-sim [options]

Simulated Binance / Bybit / OKX / Kraken public market data on one port (default ${PORTS.venue_sim}):
WS /binance/ws, /binance/stream, /bybit/v5/public/spot, /okx/ws/v5/public, /okx/ws/v5/business,
/kraken/v2; REST klines under /binance, /bybit, /okx, /kraken; GET /sim/clock, /sim/health.

Market:
  --seed N             random seed (default 1); same seed + same simulated range = same trades
  --speed X            simulated seconds per wall second (default 1; 60 closes a 1m bar each second)
  --start-ms MS        simulated epoch in ms (default: now, floored to the minute)
  --symbols LIST       canonical symbols, comma-separated (default BTC-USDT,ETH-USDT)
  --venues LIST        venues to serve (default ${VENUES.join(",")})
  --trade-rate X       mean trades per simulated second per venue and symbol (default 1)
  --duration-s N       stop by itself after N wall seconds (default: run until SIGINT/SIGTERM)
Server:
  --host HOST          bind address (default ${bindHost()})
  --port N             port (default ${PORTS.venue_sim}; 0 picks a free one)
  --quiet              log warnings and errors only
Files (JSONL, appended as whole lines, flushed on exit):
  --ground-truth FILE  every trade generated: venue, symbol, tradeId, price, size, side, venueTimeMs
  --chaos-log FILE     every anomaly injected (kind, venue, symbol, connId, tradeId, ...)
Chaos (all off by default; --chaos-file overrides these key by key, re-read every second):
  --chaos-file FILE    JSON chaos config, e.g. {"stall":[{"venue":"okx","symbol":"BTC-USDT"}]}
  --chaos-venues LIST  venues the rates, drops and cuts apply to (default all)
  --drop-every-s X     close each connection (1011) after X wall seconds
  --cut-every-s X      planned cut after X wall seconds (Binance serverShutdown, OKX notice; 1001)
  --cut-notice-s X     close a cut connection X wall seconds after its notice (default at once)
  --max-age-s X        the venue's connection age limit: close 1001 without notice after X wall s
  --stall LIST         silent stall of venue[:symbol] entries, e.g. okx:BTC-USDT,kraken
  --malformed-rate P   share of data frames sent truncated
  --bad-value-rate P   share of trade frames with price "NaN" or size "-1"
  --duplicate-rate P   share of trade frames sent twice
  --reorder-rate P     share of trade frames sent after the next one
  --late-rate P        share of trade frames held --late-ms and sent out of order (late trades)
  --late-ms N          wall ms a late trade frame is held (default 1000)
  --jitter-ms N        delay each frame by 0..N wall ms (order kept)
${TRADING_HELP}
${TRADING_CHAOS_HELP}
Exit: 0 stopped cleanly, 1 failure, 2 usage or environment (bad flag, port busy, unwritable file).`;

function list(raw: string): string[] {
  return raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

function venuesFlag(name: string, raw: string): Venue[] {
  const out = list(raw);
  const bad = out.find((v) => !(VENUES as readonly string[]).includes(v));
  if (bad !== undefined || out.length === 0) {
    throw new UsageError(`--${name} takes venues from ${VENUES.join(",")}, got "${raw}"`);
  }
  return out as Venue[];
}

function chaosFromFlags(v: Record<string, string | boolean | undefined>): ChaosConfig {
  const s = (k: string) => v[k] as string | undefined;
  const stall = s("stall") === undefined ? undefined : list(s("stall")!).map((e) => {
    const [venue, symbol] = e.split(":");
    if (!(VENUES as readonly string[]).includes(venue)) {
      throw new UsageError(`--stall entries are venue[:symbol], got "${e}"`);
    }
    return symbol ? { venue, symbol } : { venue };
  });
  const cfg = {
    venues: s("chaos-venues") === undefined ? undefined : venuesFlag("chaos-venues", s("chaos-venues")!),
    dropEveryS: num("drop-every-s", s("drop-every-s"), 0.001, 1e9),
    cutEveryS: num("cut-every-s", s("cut-every-s"), 0.001, 1e9),
    cutNoticeS: num("cut-notice-s", s("cut-notice-s"), 0, 1e9),
    maxAgeS: num("max-age-s", s("max-age-s"), 0.001, 1e9),
    stall,
    malformedRate: num("malformed-rate", s("malformed-rate"), 0, 1),
    badValueRate: num("bad-value-rate", s("bad-value-rate"), 0, 1),
    duplicateRate: num("duplicate-rate", s("duplicate-rate"), 0, 1),
    reorderRate: num("reorder-rate", s("reorder-rate"), 0, 1),
    lateRate: num("late-rate", s("late-rate"), 0, 1),
    lateMs: s("late-ms") === undefined ? undefined : intFlag("late-ms", s("late-ms"), 1, 1, 600_000),
    jitterMs: s("jitter-ms") === undefined ? undefined : intFlag("jitter-ms", s("jitter-ms"), 0, 0, 60_000),
    trading: tradingChaosFromFlags(v),
  };
  const defined = Object.fromEntries(Object.entries(cfg).filter(([, x]) => x !== undefined));
  try {
    return parseChaos(JSON.stringify(defined), "flags");
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

const str = { type: "string" } as const;

export async function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, {
    help: HELP,
    options: {
      seed: str,
      speed: str,
      "start-ms": str,
      symbols: str,
      venues: str,
      "trade-rate": str,
      "duration-s": str,
      host: str,
      port: str,
      quiet: { type: "boolean" },
      "ground-truth": str,
      "chaos-log": str,
      "chaos-file": str,
      "chaos-venues": str,
      "drop-every-s": str,
      "cut-every-s": str,
      "cut-notice-s": str,
      "max-age-s": str,
      stall: str,
      "malformed-rate": str,
      "bad-value-rate": str,
      "duplicate-rate": str,
      "reorder-rate": str,
      "late-rate": str,
      "late-ms": str,
      "jitter-ms": str,
      ...TRADING_FLAGS,
      ...TRADING_CHAOS_FLAGS,
    },
  });
  if (!parsed) return EXIT.OK;
  const v = parsed.values;
  const symbols = list(v.symbols ?? "BTC-USDT,ETH-USDT").map((s) => s.toUpperCase());
  for (const s of symbols) {
    try {
      instrument(s);
    } catch (err) {
      throw new UsageError(`--symbols: ${err instanceof Error ? err.message : err}`);
    }
  }
  if (symbols.length === 0) throw new UsageError("--symbols needs at least one symbol");
  const chaos = chaosFromFlags(v);
  const log = jsonLogger("venue_sim", { quiet: v.quiet });
  const opts = {
    seed: intFlag("seed", v.seed, 1, 0, 0xffffffff),
    speed: num("speed", v.speed, 0.001, 100_000) ?? 1,
    startSimMs: intFlag("start-ms", v["start-ms"], minuteAligned(Date.now())),
    symbols,
    venues: v.venues === undefined ? [...VENUES] : venuesFlag("venues", v.venues),
    tradeRate: num("trade-rate", v["trade-rate"], 0, 1000) ?? 1,
    chaos,
    chaosFile: v["chaos-file"],
  };
  const durationS = num("duration-s", v["duration-s"], 0.001, 1e9);
  const port = intFlag("port", v.port, PORTS.venue_sim, 0, 65535);
  const hostname = v.host ?? bindHost();
  const open = (flag: string, path: string | undefined) => {
    if (!path) return null;
    try {
      return JsonlWriter.open(path);
    } catch (err) {
      throw new UsageError(`--${flag}: ${err instanceof Error ? err.message : err}`);
    }
  };
  const groundTruth = open("ground-truth", v["ground-truth"]);
  let chaosLog: JsonlWriter | null = null;
  const truth: (JsonlWriter | null)[] = [];
  let venue: TradingVenue | null = null;
  let flushTimer: ReturnType<typeof setInterval> | undefined;
  try {
    chaosLog = open("chaos-log", v["chaos-log"]);
    if (opts.chaosFile) parseChaosFileOnce(opts.chaosFile, chaos);
    const sim = new VenueSim({
      ...opts,
      groundTruth,
      chaosLog,
      onWarn: (m, f) => log("warn", m, f),
      onTrade: (t) => venue?.onTrade(t),
      onChaosReload: () => venue?.chaosReloaded(),
    });
    const trading = tradingFromFlags(v, sim.instruments, () => sim.clock.nowMs());
    if (trading) {
      truth.push(open("orders-truth", v["orders-truth"]), open("fills-truth", v["fills-truth"]));
      venue = await TradingVenue.open({
        ...trading.options,
        ordersTruth: truth[0],
        fillsTruth: truth[1],
        // Execution chaos: the chaos file's `trading` key, re-read with the rest; faults go to --chaos-log.
        chaos: new TradingChaos(() => sim.chaos().trading),
        chaosLog: (e) => sim.chaosLog.record(e),
        // --cut-every-s / cutEveryS also cut the WebSocket API: serverShutdown, then 1001 after the notice.
        plannedCut: () => {
          const c = sim.chaos();
          return inScope(c, "binance") ? { everyS: c.cutEveryS, noticeS: c.cutNoticeS } : {};
        },
      });
      if (v["keys-file"]) await writeKeysFile(v["keys-file"], trading.key);
      // Fills from the trade stream are saved within a second; REST replies wait for their own save.
      flushTimer = setInterval(
        () => {
          venue!.housekeeping(Date.now()); // the 24 h cut; execution chaos: periodic user-stream drops
          venue!.flush().catch((err) => log("error", "state save failed", { error: String(err) }));
        },
        1000,
      );
    }
    const server = new SimServer(sim, { hostname, port, log, privateApi: venue ?? undefined });
    server.start();
    log("info", "listening", {
      url: `http://${hostname}:${server.port}`,
      seed: opts.seed,
      speed: opts.speed,
      startSimMs: opts.startSimMs,
      symbols,
      venues: opts.venues,
      chaos,
      trading: venue ? { keysFile: v["keys-file"] ?? null, state: v["trading-state"] ?? null } : null,
    });
    const signal = shutdownSignal();
    // Until Ctrl-C, or --duration-s (cut short by Ctrl-C).
    if (durationS === undefined) await untilAborted(signal);
    else await sleep(durationS * 1000, signal);
    await server.stop();
    clearInterval(flushTimer);
    await venue?.close();
    log("info", "stopped", {
      simNowMs: sim.simNow(),
      tradesByVenue: sim.tradesByVenue,
      chaos: sim.chaosLog.counts,
    });
    return EXIT.OK;
  } finally {
    clearInterval(flushTimer);
    groundTruth?.close();
    chaosLog?.close();
    for (const w of truth) w?.close();
  }
}

/**
 * A chaos file that exists must parse at start, alone and merged with the flags (later edits that
 * break either are warned about, not fatal).
 */
function parseChaosFileOnce(path: string, flags: ChaosConfig): void {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw new UsageError(`--chaos-file: cannot read ${path}: ${err instanceof Error ? err.message : err}`);
  }
  if (text.trim() === "") return;
  try {
    mergeChaos(flags, parseChaos(text, `file ${path}`));
  } catch (err) {
    throw new UsageError(`--chaos-file: ${err instanceof Error ? err.message : err}`);
  }
}

if (import.meta.main) Deno.exit(await run("venue-sim", main));
