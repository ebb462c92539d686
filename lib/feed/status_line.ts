// The --quiet status line, every STATUS_MIN_SECS: bars/s, p99 transport latency, reconnects, gaps,
// backfilled and not recovered bars.
// Pure helpers; the runner reads the numbers and prints.
import type { Registry } from "prom-client";

export interface StatusNumbers {
  readonly barsStored: number;
  readonly reconnects: number;
  readonly gaps: number;
  /** Gap bars filled from REST, and missing bars given up or beyond BACKFILL_MAX_LOOKBACK. */
  readonly backfilled: number;
  readonly notRecovered: number;
  /** p99 transport latency in ms, null before the first trade. */
  readonly p99LatencyMs: number | null;
}

/** Upper bound of the bucket holding quantile q, summed over every label set (Prometheus-style). */
export function bucketQuantile(buckets: readonly { le: number; count: number }[], q: number): number | null {
  const byLe = new Map<number, number>();
  for (const b of buckets) byLe.set(b.le, (byLe.get(b.le) ?? 0) + b.count);
  const sorted = [...byLe.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  for (const [le, cum] of sorted) if (cum >= q * total) return le;
  return null;
}

/** Reads a histogram's cumulative buckets from a registry (all label sets). */
export async function histogramBuckets(
  registry: Registry,
  name: string,
): Promise<{ le: number; count: number }[]> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return [];
  const data = await metric.get();
  return data.values
    .filter((v) => (v as { metricName?: string }).metricName === `${name}_bucket`)
    .map((v) => ({ le: v.labels.le === "+Inf" ? Infinity : Number(v.labels.le), count: v.value }));
}

/**
 * One line, e.g. `feed status: 12.50 bars/s, p99 transport 45 ms, reconnects 0, gaps 2, backfilled 2,
 * not recovered 0`.
 */
export function formatStatus(prev: StatusNumbers | null, cur: StatusNumbers, elapsedS: number): string {
  const bars = prev === null ? cur.barsStored : cur.barsStored - prev.barsStored;
  const rate = elapsedS > 0 ? bars / elapsedS : 0;
  const p99 = cur.p99LatencyMs === null
    ? "n/a"
    : cur.p99LatencyMs === Infinity
    ? "> max bucket"
    : `${cur.p99LatencyMs} ms`;
  return `feed status: ${
    rate.toFixed(2)
  } bars/s, p99 transport ${p99}, reconnects ${cur.reconnects}, gaps ${cur.gaps}, backfilled ${cur.backfilled}, ` +
    `not recovered ${cur.notRecovered}`;
}
