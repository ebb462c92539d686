// shadow_mvs HTTP: GET /metrics (own registry) and GET /health (JSON); GET-only, plain handlers.
import type { Registry } from "prom-client";
import { getOnlyRouter, type Handler, json, text } from "../http/serve.ts";
import type { SeriesKey } from "./feed_schema.ts";
import { lastBarAgeSeconds, type ShadowStatus } from "./shadow_metrics.ts";

export interface HealthInfo {
  readonly runId: string;
  readonly series: SeriesKey;
  readonly feedUrl: string;
  readonly eventsPath: string;
}

/** The /health body: always 200 while the process serves; `status` says whether decisions are allowed. */
export function healthBody(s: ShadowStatus, info: HealthInfo, nowMs: number) {
  return {
    status: s.feedOk ? "ok" : "degraded",
    component: "shadow_mvs",
    strategy: "refstrat_01",
    mode: "shadow",
    run_id: info.runId,
    venue: info.series.venue,
    symbol: info.series.symbol,
    interval: info.series.interval,
    feed: {
      url: info.feedUrl,
      ok: s.feedOk,
      reason: s.feedReason,
      connected: s.connected,
      reconnects: s.reconnects,
      last_bar_age_s: lastBarAgeSeconds(s, nowMs),
    },
    position: s.position,
    pnl: { realised: s.pnlRealised, unrealised: s.pnlUnrealised, total: s.pnlTotal },
    decisions: s.decisions,
    actions: s.actions,
    bars: { consumed: s.barsConsumed, primed: s.historyBarsPrimed, skipped: s.barsSkipped },
    last_decided_bar_open_time_ms: s.lastDecidedOpenTimeMs,
    events: { path: info.eventsPath, written: s.eventsWritten, write_errors: s.eventWriteErrors },
    uptime_s: Math.max(0, nowMs - s.startedMs) / 1000,
  };
}

export function shadowHandler(
  status: () => ShadowStatus,
  registry: Registry,
  info: HealthInfo,
  now: () => number,
): Handler {
  return getOnlyRouter({
    "/metrics": async () => text(200, await registry.metrics(), registry.contentType),
    "/health": () => json(200, healthBody(status(), info, now())),
  });
}
