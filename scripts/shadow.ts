#!/usr/bin/env -S deno run -A
// shadow_mvs: the reference strategy RefStrat_01 in shadow mode (job shadow_mvs, :9111 by default).
import { EXIT, intFlag, parseFlags, run, shutdownSignal, untilAborted } from "../lib/cli/main.ts";
import { PORTS } from "../lib/config/ports.ts";
import { type Handler, serve, text } from "../lib/http/serve.ts";
import { jsonLogger } from "../lib/log.ts";
import { DEFAULT_CONFIG_PATH, DEFAULT_EVENTS_PATH, loadConfig } from "../lib/shadow/shadow_config.ts";
import { startShadowService } from "../lib/shadow/shadow_service.ts";

const HELP = `Usage: ./tp shadow [flags]

Runs RefStrat_01 (EMA(12)/EMA(26) cross, ATR(14) stop, long-only) in SHADOW mode: it never sends an
order. It warms up from the feed's /api/bars, consumes closed bars from the feed's SSE stream
(<feed>/stream/bars), makes one decision per closed bar and keeps a shadow position and PnL. It
writes ai_event v1 lines (decision, action, heartbeat) to the events file and serves GET /metrics
and GET /health. Feed before bot: while the stream is down or stale, or the feed says feedOk:false,
it makes no decisions and its heartbeats say feed_ok:false. A restart resumes after the last bar
already decided in the events file (per run id), so no bar is decided twice.

With BUS_URL=nats://host:port[,...] it reads its series' bars from the market bus (JetStream stream
MD_BARS, subject md.bars.<venue>.<symbol>.<interval>) instead of the feed, resuming after the bus
sequence written with its last decision; /metrics then also has shadow_bus_lag_messages.

Flags (flags win over env, env over the config file):
  --config PATH    strategy config (default: ${DEFAULT_CONFIG_PATH};
                   demo on 1m bars: config/strategy/refstrat_01.demo.json)
  --events PATH    events file [PEAK_TRADE_AI_EVENTS_JSONL] (default: ${DEFAULT_EVENTS_PATH})
  --feed-url URL   live feed base URL (default: config feed_url, else http://127.0.0.1:PORTS.live_connector)
  --port N         listen port, 0 = any free one (default: ${PORTS.shadow_mvs} = PORTS.shadow_mvs)
  --run-id ID      run id [PEAK_TRADE_AI_RUN_ID] (default: config run_id)
Binds 127.0.0.1 (TICKPROOF_BIND_HOST). Exit: 0 after SIGINT/SIGTERM, 2 bad flags/config or port busy.`;

async function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, {
    help: HELP,
    options: {
      config: { type: "string" },
      events: { type: "string" },
      "feed-url": { type: "string" },
      port: { type: "string" },
      "run-id": { type: "string" },
    },
  });
  if (!parsed) return EXIT.OK;
  const v = parsed.values;
  const cfg = await loadConfig(v.config ?? DEFAULT_CONFIG_PATH, (k) => Deno.env.get(k), {
    events: v.events,
    feedUrl: v["feed-url"],
    port: v.port === undefined ? undefined : intFlag("port", v.port, PORTS.shadow_mvs, 0, 65535),
    runId: v["run-id"],
  });
  const log = jsonLogger("shadow_mvs");
  const signal = shutdownSignal();
  // Bind first, so a busy port exits 2 before the events file or the feed is touched.
  let inner: Handler | null = null;
  const server = serve({
    name: "shadow_mvs",
    hostname: cfg.hostname,
    port: cfg.port,
    signal,
    handler: (req) => inner ? inner(req) : text(503, "starting\n"),
  });
  const service = await startShadowService({ cfg, log });
  inner = service.handler;
  const { hostname, port } = server.addr;
  log("info", "listening", { url: `http://${hostname}:${port}/` });
  const from = cfg.bus.url === null ? `feed ${cfg.feedUrl}` : `bus ${cfg.bus.url}`;
  console.log(`shadow_mvs: http://${hostname}:${port}/ (events ${cfg.eventsPath}, ${from})`);
  await untilAborted(signal);
  await service.stop();
  await server.finished;
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("shadow", main));
