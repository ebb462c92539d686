// Prometheus HTTP API reads (instant queries, targets): zod at the edge, plain series inside.
import { z } from "zod";
import { fetchJson, type SourceReport, type UpstreamDeps } from "./upstream.ts";

const SampleSchema = z.tuple([z.number(), z.string()]);

const QueryResponseSchema = z.object({
  status: z.literal("success"),
  data: z.discriminatedUnion("resultType", [
    z.object({
      resultType: z.literal("vector"),
      result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: SampleSchema })),
    }),
    z.object({ resultType: z.literal("scalar"), result: SampleSchema }),
  ]),
});

const TargetsResponseSchema = z.object({
  status: z.literal("success"),
  data: z.object({
    activeTargets: z.array(z.object({
      labels: z.record(z.string(), z.string()),
      scrapeUrl: z.string(),
      health: z.string(),
      lastError: z.string(),
      lastScrape: z.string(),
    })),
  }),
});

/** One series of an instant vector. `value` is null for NaN/Inf (e.g. a quantile with no traffic). */
export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number | null;
}

/** An instant query's outcome: its own report, so one bad query never hides the others. */
export interface QueryResult {
  readonly query: string;
  readonly report: SourceReport;
  readonly series: readonly Series[];
}

export interface Target {
  readonly job: string;
  readonly instance: string;
  readonly scrapeUrl: string;
  readonly health: string;
  readonly lastError: string;
  readonly lastScrape: string;
}

export function sampleValue(raw: string): number | null {
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** Runs one PromQL instant query against `/api/v1/query`; results sorted by label set for a stable page. */
export async function promQuery(deps: UpstreamDeps, baseUrl: string, query: string): Promise<QueryResult> {
  const url = `${baseUrl}/api/v1/query?query=${encodeURIComponent(query)}`;
  const got = await fetchJson(deps, "prometheus", url, QueryResponseSchema);
  if (got.data === null) return { query, report: got.report, series: [] };
  const d = got.data.data;
  const series: Series[] = d.resultType === "scalar"
    ? [{ labels: {}, value: sampleValue(d.result[1]) }]
    : d.result.map((r) => ({ labels: r.metric, value: sampleValue(r.value[1]) }));
  series.sort((a, b) => labelKey(a.labels).localeCompare(labelKey(b.labels)));
  return { query, report: got.report, series };
}

/** Active scrape targets from `/api/v1/targets`, sorted by job then instance. */
export async function promTargets(
  deps: UpstreamDeps,
  baseUrl: string,
): Promise<{ report: SourceReport; targets: readonly Target[] }> {
  const got = await fetchJson(
    deps,
    "prometheus",
    `${baseUrl}/api/v1/targets?state=active`,
    TargetsResponseSchema,
  );
  if (got.data === null) return { report: got.report, targets: [] };
  const targets = got.data.data.activeTargets.map((t) => ({
    job: t.labels.job ?? "",
    instance: t.labels.instance ?? "",
    scrapeUrl: t.scrapeUrl,
    health: t.health,
    lastError: t.lastError,
    lastScrape: t.lastScrape,
  }));
  targets.sort((a, b) => a.job.localeCompare(b.job) || a.instance.localeCompare(b.instance));
  return { report: got.report, targets };
}

export function labelKey(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(",");
}
