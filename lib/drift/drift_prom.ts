// drift.prom: the drift report's gauges in the Prometheus text format, for node-exporter's textfile
// collector. One file holds every stream ever reported: a run replaces its own stream's series and
// keeps the others' (a report for ETH-USDT must not erase BTC-USDT's), each stream with the time it
// was last judged, so a stream no longer reported shows as stale instead of vanishing. Pure.
import type { FeatureDrift } from "./judge.ts";

export const DRIFT_PROM_FILE = "drift.prom";

const METRICS = [
  ["drift_psi", "PSI of a feature between the reference and current windows of stored bars."],
  [
    "drift_psi_null_p95",
    "95th percentile of the PSI of the reference against bootstrap resamples of itself.",
  ],
  ["drift_report_last_run_timestamp_seconds", "When the drift report last judged the stream (Unix time)."],
] as const;
type MetricName = typeof METRICS[number][0];

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

const escapeLabel = (v: string) => v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
const unescapeLabel = (v: string) => v.replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));

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

/** The drift samples of a drift.prom this module wrote; other lines (comments, foreign series) are skipped. */
export function parseDriftProm(text: string): PromSample[] {
  const names = new Set<string>(METRICS.map(([n]) => n));
  const out: PromSample[] = [];
  for (const line of text.split("\n")) {
    const m = /^([a-z_0-9]+)\{(.*)\} (\S+)$/.exec(line);
    if (!m || !names.has(m[1])) continue;
    const labels: Record<string, string> = {};
    for (const l of m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]] = unescapeLabel(l[2]);
    }
    const value = Number(m[3]);
    if (Number.isFinite(value)) out.push({ name: m[1] as MetricName, labels, value });
  }
  return out;
}

const sameStream = (l: Readonly<Record<string, string>>, s: Stream) =>
  l.venue === s.venue && l.symbol === s.symbol && l.interval === s.interval;

/** The previous file's samples of other streams, then this run's, rendered with HELP and TYPE. */
export function mergeDriftProm(previous: string, stream: Stream, fresh: readonly PromSample[]): string {
  const kept = parseDriftProm(previous).filter((s) => !sameStream(s.labels, stream));
  return renderDriftProm([...kept, ...fresh]);
}

const labelText = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",");

/** Metrics in a fixed order, samples sorted by their labels, so the same data give the same bytes. */
export function renderDriftProm(samples: readonly PromSample[]): string {
  const lines: string[] = [];
  for (const [name, help] of METRICS) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    const rows = samples.filter((s) => s.name === name).map((s) =>
      `${name}{${labelText(s.labels)}} ${s.value}`
    );
    lines.push(...rows.sort());
  }
  return lines.join("\n") + "\n";
}
