#!/usr/bin/env -S deno run -A
// live_loop: the live execution loop (job live_loop, :9120 by default): LiveLoop trading through the
// Binance spot connector, the feed's bars as its marks, and its HTTP shell (/health, /metrics, admin).
import { EXIT, parseFlags, run, shutdownSignal, untilAborted } from "../lib/cli/main.ts";
import { PORTS } from "../lib/config/ports.ts";
import { realTimers } from "../lib/async/sleep.ts";
import { parseEnvFile } from "../lib/feed/env_file.ts";
import { DEFAULT_LIVE_CONFIG, loadLiveFile } from "../lib/live/config_file.ts";
import { startLiveService } from "../lib/live/service.ts";
import { registriesFromEnv } from "../lib/release/registries.ts";
import { CRASH_POINTS, type CrashPoint } from "../lib/live/core.ts";
import { shellConfig } from "../lib/live/shell_config.ts";
import { isId } from "../lib/events/ai_event.ts";
import { jsonLogger } from "../lib/log.ts";
import { DEFAULT_EVENTS_PATH } from "../lib/shadow/shadow_config.ts";
import { restTimeoutMs } from "../lib/trading/binance_rest.ts";
import { BinanceSpot } from "../lib/trading/binance_spot.ts";
import { tradingConfigFromEnv, tradingLine } from "../lib/trading/binance_config.ts";
import { credentialsFromEnv } from "../lib/trading/credentials.ts";
import { ConfigError } from "../lib/util/errors.ts";

const HELP = `Usage: ./tp live [flags]

Runs the live execution loop (job live_loop): OMS with an intent-first event log, risk manager,
persisted kill switch, reconciliation with the venue, the feed's closed bars as marks and price
reference, and GET /health, GET /metrics and the admin API /admin/kill-switch on 127.0.0.1
(TICKPROOF_BIND_HOST). Everything but the admin API is GET-only.

Flags:
  --start cold|warm   cold: hydrate from the state dir only; warm (the default when the state dir
                      holds a run): also reconcile with the venue before trading
  --config PATH       loop config: mode (shadow: RefStrat_01 decides, never orders; paper: it trades
                      the simulator; live), symbols, strategy, risk limits (default: ${DEFAULT_LIVE_CONFIG})
  --port N            listen port, 0 = any free one (default: ${PORTS.live_loop} = PORTS.live_loop)
  --live              required when the config's mode is live (testnet or live profile, real keys)
Env:
  LIVE_STATE_DIR              state dir: event log, snapshots, kill switch (default data/live/)
  LIVE_FEED_URL               the feed (default: the config's feed.url, else PORTS.live_connector)
  BUS_URL                     nats://host:port[,...]: the bars from the market bus (JetStream stream
                              MD_BARS, md.bars.<venue>.*.<interval>) instead of the feed, read from
                              after the bus sequence saved with the strategy's last decision; stale
                              after feed.stale_after_s plus one interval without a bar; /metrics then
                              also has live_loop_bus_lag_messages (other BUS_* keys: ./tp feed --help)
  LIVE_ADMIN_TOKEN            bearer token of the admin API (or LIVE_ADMIN_TOKEN_FILE; at least
                              16 characters; without one the admin API answers 503)
  LIVE_ADMIN_RATE_PER_MIN     admin calls per client address per minute (default 10)
  LIVE_HEARTBEAT_STALE_S      a venue silent longer fails /health (default 60)
  BINANCE_TRADING_PROFILE ... the connector (README "Trading connector"); unset: config/env/paper.env
  BINANCE_API_KEY, BINANCE_API_SECRET (or their _FILE forms): the keys, process env only
  PEAK_TRADE_AI_EVENTS_JSONL  AI events file: an ai_event action per fill and kill-switch change
                              (default ${DEFAULT_EVENTS_PATH})
  PEAK_TRADE_AI_RUN_ID        run id of those lines (default <tag>-<mode>)
Fault injection (the crash-point proof ./tp live-verify; mode paper and the paper profile only):
  LIVE_DRILL=1                the drill API: POST/DELETE/GET /admin/drill/orders (bearer token)
  LIVE_DRILL_RATE_PER_MIN     drill API calls per client address per minute (default 1200)
  LIVE_CRASH_POINT=STEP       the process kills itself (SIGKILL) the first time an order reaches STEP:
                              ${CRASH_POINTS.join(", ")}
The state dir carries its schema version (state_version.json, ./tp version --data): marked and
migrated forward at start; one newer than this release is refused before the loop reads it (exit 3).
Exit: 0 after SIGINT/SIGTERM (clean stop), 1 run failure, 2 bad flags/config, keys or port busy,
3 state dir newer than this release.`;

async function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, {
    help: HELP,
    options: {
      start: { type: "string" },
      port: { type: "string" },
      config: { type: "string" },
      live: { type: "boolean" },
    },
  });
  if (!parsed) return EXIT.OK;
  const v = parsed.values;
  const env = (k: string) => Deno.env.get(k);
  const shell = shellConfig(env, v);
  // The paper profile's endpoints unless the process env names a profile (its values win).
  const base = env("BINANCE_TRADING_PROFILE") ? {} : parseEnvFile(
    await Deno.readTextFile("config/env/paper.env"),
    "config/env/paper.env",
  );
  const tenv = (k: string) => env(k) ?? base[k];
  const trading = tradingConfigFromEnv(tenv);
  // The file's in-flight timings are checked against the timeout of the connector built below.
  const file = await loadLiveFile(v.config ?? DEFAULT_LIVE_CONFIG, env, {
    venueTimeoutMs: restTimeoutMs(trading.spot.rest),
  });
  const mode = file.loop.mode;
  if (mode === "live" && (!v.live || trading.profile === "paper")) {
    throw new ConfigError("mode live needs --live and BINANCE_TRADING_PROFILE testnet or live");
  }
  if (mode !== "live" && trading.profile !== "paper") {
    throw new ConfigError(`mode ${mode} trades on the paper profile only, got ${trading.profile}`);
  }
  const runId = env("PEAK_TRADE_AI_RUN_ID") || `${file.loop.tag}-${mode}`;
  if (!isId(runId)) throw new ConfigError(`PEAK_TRADE_AI_RUN_ID must be 1-64 of [A-Za-z0-9._:-]`);
  const events = { path: env("PEAK_TRADE_AI_EVENTS_JSONL") || DEFAULT_EVENTS_PATH, runId };
  const crash = env("LIVE_CRASH_POINT") || null;
  const drill = env("LIVE_DRILL") === "1";
  if (crash !== null && !(CRASH_POINTS as readonly string[]).includes(crash)) {
    throw new ConfigError(`LIVE_CRASH_POINT must be one of ${CRASH_POINTS.join(", ")}, got "${crash}"`);
  }
  if ((crash !== null || drill) && (mode !== "paper" || trading.profile !== "paper")) {
    throw new ConfigError("LIVE_CRASH_POINT and LIVE_DRILL are for mode paper on the paper profile only");
  }
  const venue = new BinanceSpot(trading.spot, credentialsFromEnv(env), {
    rest: { fetch, now: () => Date.now() },
    userStream: { connect: (u) => new WebSocket(u), now: () => Date.now() },
  });
  const log = jsonLogger("live_loop");
  console.log(
    `live_loop: mode=${mode} ${tradingLine(trading)}${
      mode === "live" ? " (LIVE: real orders)" : ""
    } strategy=${
      file.strategy
        ? `refstrat_01 on ${file.strategy.symbol}${mode === "shadow" ? " (decides, never orders)" : ""}`
        : "none"
    } events=${events.path}${file.bus.url === null ? "" : ` bus=${file.bus.url}`}${drill ? " drill=on" : ""}${
      crash ? ` crash_point=${crash}` : ""
    }`,
  );
  const signal = shutdownSignal();
  const svc = await startLiveService({
    shell,
    file,
    venue,
    now: () => venue.rest.clock.timestamp(Date.now()),
    wallNow: () => Date.now(),
    timers: realTimers,
    log,
    events,
    drill,
    stateRegistry: registriesFromEnv(env).state,
    // A real kill -9 at a deterministic step: nothing after it runs, not even a flush.
    crashAt: crash === null ? undefined : (p: CrashPoint) => {
      if (p === crash) Deno.kill(Deno.pid, "SIGKILL");
    },
  });
  console.log(
    `live_loop: http://${shell.hostname}:${svc.shell.port}/ (start ${svc.startMode}, status ${svc.started.status}${
      svc.started.reason ? `: ${svc.started.reason}` : ""
    }, state ${file.loop.stateDir})`,
  );
  await untilAborted(signal);
  const left = await svc.stop();
  console.log(`live_loop: stopped (open ${left.open.length}, queued ${left.queued.length})`);
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("live", main));
