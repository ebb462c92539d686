// /api/ai: the AI exporter's telemetry as Prometheus sees it (per run, per source, latency quantiles).
import { promQuery, type QueryResult } from "./prom_api.ts";
import type { UpstreamDeps } from "./upstream.ts";

/** Metric names are the exporter's public API (peaktrade_ai_*). */
export const AI_QUERIES = {
  decisions: "sum by (run_id) (peaktrade_ai_decisions_total)",
  actions: "sum by (run_id) (peaktrade_ai_actions_total)",
  // Keeps every label of the gauge (source, run_id...), minus __name__, which PromQL drops.
  lastEventAgeSeconds: "time() - peaktrade_ai_last_event_timestamp_seconds",
  decisionLatencyP95Ms:
    "histogram_quantile(0.95, sum by (le) (rate(peaktrade_ai_decision_latency_ms_bucket[5m])))",
  decisionLatencyP99Ms:
    "histogram_quantile(0.99, sum by (le) (rate(peaktrade_ai_decision_latency_ms_bucket[5m])))",
  // `without (instance, job)` keeps whatever reason/source labels the exporter uses.
  parseErrors: "sum without (instance, job) (peaktrade_ai_events_parse_errors_total)",
  dropped: "sum without (instance, job) (peaktrade_ai_events_dropped_total)",
} as const;

export type AiView = { readonly [K in keyof typeof AI_QUERIES]: QueryResult };

export async function aiView(deps: UpstreamDeps, prometheusUrl: string): Promise<AiView> {
  const names = Object.keys(AI_QUERIES) as (keyof typeof AI_QUERIES)[];
  const results = await Promise.all(names.map((n) => promQuery(deps, prometheusUrl, AI_QUERIES[n])));
  return Object.fromEntries(names.map((n, i) => [n, results[i]])) as unknown as AiView;
}
