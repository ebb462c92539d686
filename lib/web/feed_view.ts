// /api/feed and /api/bars: per venue/symbol last bar and features (from the feed's /api/bars) joined
// with its Prometheus metrics (latency, bar rate, reconnects, gaps, NaN, divergence).
import { z } from "zod";
import { promQuery, type QueryResult, type Series } from "./prom_api.ts";
import { fetchJson, type SourceReport, type UpstreamDeps } from "./upstream.ts";
import { fetchFeedHealth, type RowHealth, rowHealth } from "./feed_health.ts";

const num = z.number().nullable().optional();
const BarSchema = z.object({
  openTimeMs: z.number(),
  o: z.number(),
  h: z.number(),
  l: z.number(),
  c: z.number(),
  v: z.number(),
  origin: z.string().optional(),
  closedAtMs: z.number().optional(),
  features: z.object({
    ema_12: num,
    ema_26: num,
    sma_20: num,
    rsi_14: num,
    atr_14: num,
    vwap_session_utc: num,
  }).optional(),
});
// The feed answers a plain array; an envelope {bars: [...]} is accepted too.
const BarsSchema = z.union([
  z.array(BarSchema),
  z.object({ bars: z.array(BarSchema) }).transform((o) => o.bars),
]);

export type FeedBar = z.infer<typeof BarSchema>;

export interface BarsQuery {
  readonly venue: string;
  readonly symbol: string;
  readonly interval: string;
  readonly limit: number;
}

export async function fetchBars(
  deps: UpstreamDeps,
  feedUrl: string,
  q: BarsQuery,
): Promise<{ readonly source: SourceReport; readonly bars: readonly FeedBar[] }> {
  const params = new URLSearchParams({
    venue: q.venue,
    symbol: q.symbol,
    interval: q.interval,
    limit: String(q.limit),
  });
  const got = await fetchJson(deps, "feed", `${feedUrl}/api/bars?${params}`, BarsSchema);
  return { source: got.report, bars: got.data ?? [] };
}

/**
 * One PromQL per column, over the series the feed exports (lib/feed/metrics.ts): latency, bars, gaps and
 * NaN per venue+symbol, reconnects per venue, divergence per symbol+interval (it compares venues, so it
 * has no venue label). `$interval` in the divergence query is replaced by the page's interval.
 */
export function feedQueries(interval: string, divergenceQuery: string): Readonly<Record<FeedMetric, string>> {
  return {
    p99LatencyMs:
      "histogram_quantile(0.99, sum by (venue, symbol, le) (rate(feed_transport_latency_ms_bucket[5m])))",
    barsPerMinute: `sum by (venue, symbol) (rate(feed_bars_total{interval="${interval}"}[5m])) * 60`,
    reconnects: "sum by (venue) (feed_reconnects_total)",
    // The feed counts gaps in its finest interval's bars, whatever the page shows.
    gaps: "sum by (venue, symbol) (feed_gaps_total)",
    nanRecords: "sum by (venue, symbol) (feed_nan_records_total)",
    divergenceBps: divergenceQuery.replaceAll("$interval", interval),
  };
}

export const FEED_METRICS = [
  "p99LatencyMs",
  "barsPerMinute",
  "reconnects",
  "gaps",
  "nanRecords",
  "divergenceBps",
] as const;
export type FeedMetric = typeof FEED_METRICS[number];

export interface FeedRow {
  readonly venue: string;
  readonly symbol: string;
  readonly source: SourceReport;
  readonly lastBar: FeedBar | null;
  readonly metrics: Readonly<Record<FeedMetric, number | null>>;
  /** From the feed's /health (null when it did not answer). */
  readonly health: RowHealth | null;
}

export interface FeedView {
  readonly interval: string;
  readonly source: SourceReport | null;
  readonly queries: Readonly<Record<FeedMetric, QueryResult>>;
  readonly rows: readonly FeedRow[];
}

export interface FeedSettings {
  readonly prometheusUrl: string;
  readonly feedUrl: string;
  readonly venues: readonly string[];
  readonly symbols: readonly string[];
  readonly interval: string;
  readonly divergenceQuery: string;
}

export async function feedView(deps: UpstreamDeps, s: FeedSettings): Promise<FeedView> {
  const texts = feedQueries(s.interval, s.divergenceQuery);
  const [results, health] = await Promise.all([
    Promise.all(FEED_METRICS.map((m) => promQuery(deps, s.prometheusUrl, texts[m]))),
    fetchFeedHealth(deps, s.feedUrl),
  ]);
  const queries = Object.fromEntries(FEED_METRICS.map((m, i) => [m, results[i]])) as Record<
    FeedMetric,
    QueryResult
  >;
  // Configured pairs first, then any pair Prometheus knows that the config does not name.
  const pairs = new Map<string, { venue: string; symbol: string }>();
  for (const venue of s.venues) {
    for (const symbol of s.symbols) pairs.set(`${venue}/${symbol}`, { venue, symbol });
  }
  for (const r of results) {
    for (const { labels } of r.series) {
      if (labels.venue && labels.symbol) {
        pairs.set(`${labels.venue}/${labels.symbol}`, { venue: labels.venue, symbol: labels.symbol });
      }
    }
  }
  const rows = await Promise.all([...pairs.values()].map(async ({ venue, symbol }) => {
    const got = await fetchBars(deps, s.feedUrl, { venue, symbol, interval: s.interval, limit: 1 });
    const metrics = Object.fromEntries(
      FEED_METRICS.map((m) => [m, pick(queries[m].series, venue, symbol)]),
    ) as Record<FeedMetric, number | null>;
    const h = rowHealth(health, venue, symbol);
    return { venue, symbol, source: got.source, lastBar: got.bars.at(-1) ?? null, metrics, health: h };
  }));
  return { interval: s.interval, source: summarise(rows.map((r) => r.source)), queries, rows };
}

/**
 * The pair's own series, else a venue-wide one (no symbol label, e.g. reconnects), else a symbol-wide
 * one (no venue label, e.g. cross-venue divergence), else null.
 */
function pick(series: readonly Series[], venue: string, symbol: string): number | null {
  let venueWide: number | null = null;
  let symbolWide: number | null = null;
  for (const s of series) {
    const v = s.labels.venue, sym = s.labels.symbol;
    if (v === venue && sym === symbol) return s.value;
    if (v === venue && !sym) venueWide = s.value;
    if (!v && sym === symbol) symbolWide = s.value;
  }
  return venueWide ?? symbolWide;
}

/** The feed as one source: reachable if any pair answered (its slowest call), else the first failure. */
function summarise(reports: readonly SourceReport[]): SourceReport | null {
  const ok = reports.filter((r) => r.ok);
  if (ok.length > 0) return ok.reduce((a, b) => (b.latencyMs > a.latencyMs ? b : a));
  return reports[0] ?? null;
}
