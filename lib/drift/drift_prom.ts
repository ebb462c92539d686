// drift.prom: the drift report's gauges in the Prometheus text format, for node-exporter's textfile
// collector. One file holds every stream ever reported: a run replaces its own stream's series and
// keeps the others' (a report for ETH-USDT must not erase BTC-USDT's), each stream with the time it
// was last judged, so a stream no longer reported shows as stale instead of vanishing. The merge itself
// is lib/prom/stream_textfile.ts's (shared with backtest.prom); this module says what the series are. Pure.
import type { FeatureDrift } from "./judge.ts";

export const DRIFT_PROM_FILE = "drift.prom";

/** drift.prom's metrics with their HELP text, in the order they are rendered. */
export const DRIFT_METRICS = [
  ["drift_psi", "PSI of a feature between the reference and current windows of stored bars."],
  [
    "drift_psi_null_p95",
    "95th percentile of the PSI of the reference against bootstrap resamples of itself.",
  ],
  ["drift_report_last_run_timestamp_seconds", "When the drift report last judged the stream (Unix time)."],
] as const;
type MetricName = typeof DRIFT_METRICS[number][0];

export interface Stream {
  readonly venue: string;
  readonly symbol: string;
  readonly interval: string;
}

export interface PromSample {
  readonly name: MetricName;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** This run's samples for one stream. */
export function driftSamples(stream: Stream, drifts: readonly FeatureDrift[], nowMs: number): PromSample[] {
  const base = { venue: stream.venue, symbol: stream.symbol, interval: stream.interval };
  return [
    ...drifts.map((d) => ({
      name: "drift_psi" as const,
      labels: { ...base, feature: d.feature },
      value: d.psi,
    })),
    ...drifts.map((d) => ({
      name: "drift_psi_null_p95" as const,
      labels: { ...base, feature: d.feature },
      value: d.nullP95,
    })),
    { name: "drift_report_last_run_timestamp_seconds", labels: base, value: nowMs / 1000 },
  ];
}

/** A drift run owns every series of its own stream: it replaces them all, and no other stream's. */
export const ownedByDriftRun =
  (stream: Stream) => (s: { readonly labels: Readonly<Record<string, string>> }) =>
    s.labels.venue === stream.venue && s.labels.symbol === stream.symbol &&
    s.labels.interval === stream.interval;
