// peak_trade_web's own metrics on an owned prom-client Registry (never the global one): requests by
// route and status, request durations, and each upstream call's outcome and latency.
import { Counter, Histogram, Registry } from "prom-client";

export interface WebMetrics {
  readonly registry: Registry;
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  observeUpstream(source: string, ok: boolean, latencyMs: number): void;
}

/** Request and upstream latencies share one bucket layout, so their quantiles compare. */
const SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createWebMetrics(): WebMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: "peak_trade_web_http_requests_total",
    help: "HTTP requests answered, by route pattern, method and status code.",
    labelNames: ["route", "method", "status"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "peak_trade_web_http_request_duration_seconds",
    help: "Time to answer an HTTP request (until the response is built), by route pattern.",
    labelNames: ["route"] as const,
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  });
  const upstream = new Counter({
    name: "peak_trade_web_upstream_requests_total",
    help: "Calls to upstream sources (prometheus, alertmanager, feed), by outcome (ok or error).",
    labelNames: ["source", "outcome"] as const,
    registers: [registry],
  });
  const upstreamDuration = new Histogram({
    name: "peak_trade_web_upstream_duration_seconds",
    help: "Latency of upstream calls, by source.",
    labelNames: ["source"] as const,
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    observeRequest(route, method, status, seconds) {
      requests.inc({ route, method, status: String(status) });
      duration.observe({ route }, seconds);
    },
    observeUpstream(source, ok, latencyMs) {
      upstream.inc({ source, outcome: ok ? "ok" : "error" });
      upstreamDuration.observe({ source }, latencyMs / 1000);
    },
  };
}
