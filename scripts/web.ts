#!/usr/bin/env -S deno run -A
// peak_trade_web: the read-only operator page and JSON API (job peak_trade_web, :8080 by default).
import { EXIT, parseFlags, run, shutdownSignal, untilAborted } from "../lib/cli/main.ts";
import { bindHost } from "../lib/config/ports.ts";
import { serve } from "../lib/http/serve.ts";
import { jsonLogger } from "../lib/log.ts";
import { createWebHandler } from "../lib/web/app.ts";
import {
  defaultWebConfig,
  envLayer,
  resolveWebConfig,
  WEB_ENV,
  type WebConfigInput,
} from "../lib/web/config.ts";
import { createWebMetrics } from "../lib/web/web_metrics.ts";

const HELP = `Usage: ./tp web [flags]

Serves the read-only operator page (stack, feed, AI, alerts, evidence) and its JSON API
(/api/stack, /api/feed, /api/bars, /api/ai, /api/alerts, /api/evidence[/<dir>/<file>]),
plus /metrics and /health. Every method but GET/HEAD answers 405. An upstream that does not
answer shows as "unreachable"; the page itself keeps working.

Flags (env var in brackets; flags win over env, env over defaults):
  --port N                 listen port, 0 = any free one [${WEB_ENV.port}] (default: PORTS.peak_trade_web)
  --prometheus-url URL     Prometheus HTTP API [${WEB_ENV.prometheusUrl}] (default: http://127.0.0.1:PORTS.prometheus)
  --alertmanager-url URL   Alertmanager (API v2) [${WEB_ENV.alertmanagerUrl}]
  --feed-url URL           live feed, serving /api/bars [${WEB_ENV.feedUrl}]
  --evidence-dir DIR       the only folder evidence is served from [${WEB_ENV.evidenceDir}] (default: .local_tmp)
  --evidence-limit N       newest proof folders listed [${WEB_ENV.evidenceLimit}] (default: 20)
  --timeout-ms N           per upstream call [${WEB_ENV.timeoutMs}] (default: 2000)
  --venues a,b             venues shown in the feed panel [${WEB_ENV.venues}] (default: all four)
  --symbols X-Y,..         symbols shown [${WEB_ENV.symbols}] (default: BTC-USDT,ETH-USDT)
  --interval 1m|1h         bar interval shown [${WEB_ENV.interval}] (default: 1m)
  --divergence-query Q     PromQL for the divergence column by symbol, $interval = --interval [${WEB_ENV.divergenceQuery}]
Binds ${WEB_ENV.host} or 127.0.0.1. Exit: 0 after SIGINT/SIGTERM, 2 bad flags or port busy.`;

async function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, {
    help: HELP,
    options: {
      port: { type: "string" },
      "prometheus-url": { type: "string" },
      "alertmanager-url": { type: "string" },
      "feed-url": { type: "string" },
      "evidence-dir": { type: "string" },
      "evidence-limit": { type: "string" },
      "timeout-ms": { type: "string" },
      venues: { type: "string" },
      symbols: { type: "string" },
      interval: { type: "string" },
      "divergence-query": { type: "string" },
    },
  });
  if (!parsed) return EXIT.OK;
  const v = parsed.values;
  const flags: WebConfigInput = {
    port: v.port,
    prometheusUrl: v["prometheus-url"],
    alertmanagerUrl: v["alertmanager-url"],
    feedUrl: v["feed-url"],
    evidenceDir: v["evidence-dir"],
    evidenceLimit: v["evidence-limit"],
    timeoutMs: v["timeout-ms"],
    venues: v.venues,
    symbols: v.symbols,
    interval: v.interval,
    divergenceQuery: v["divergence-query"],
  };
  const config = resolveWebConfig(defaultWebConfig(bindHost()), envLayer(Deno.env.toObject()), flags);
  const log = jsonLogger("peak_trade_web");
  const signal = shutdownSignal();
  const server = serve({
    name: "peak_trade_web",
    hostname: config.host,
    port: config.port,
    signal,
    handler: createWebHandler({
      config,
      upstream: {
        fetch: (input, init) => fetch(input, init),
        monoMs: () => performance.now(),
        timeoutMs: config.timeoutMs,
      },
      metrics: createWebMetrics(),
      log,
    }),
  });
  const { hostname, port } = server.addr;
  log("info", "listening", {
    url: `http://${hostname}:${port}/`,
    prometheus: config.prometheusUrl,
    alertmanager: config.alertmanagerUrl,
    feed: config.feedUrl,
    evidence: config.evidenceDir,
  });
  console.log(`peak_trade_web: http://${hostname}:${port}/`);
  await untilAborted(signal);
  await server.finished;
  log("info", "stopped", {});
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("web", main));
