// A small Prometheus HTTP API client that keeps each raw response (evidence for third parties).
import { z } from "zod";

const SampleSchema = z.object({
  metric: z.record(z.string(), z.string()),
  value: z.tuple([z.number(), z.string()]),
});
const SeriesSchema = z.object({
  metric: z.record(z.string(), z.string()),
  values: z.array(z.tuple([z.number(), z.string()])),
});
const QueryResponseSchema = z.object({
  status: z.enum(["success", "error"]),
  data: z.object({ resultType: z.string(), result: z.array(z.unknown()) }).optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
});

export interface Sample {
  metric: Record<string, string>;
  value: number;
  /** A range answer's (matrix) points, oldest first, as [unix seconds, value]; `value` is the newest. */
  values?: [number, number][];
}

export interface QueryOutcome {
  promql: string;
  /** The body exactly as Prometheus sent it. */
  raw: string;
  ok: boolean;
  error?: string;
  samples: Sample[];
}

export type Fetch = typeof fetch;

/**
 * Instant query, evaluated at `atMs` (Unix ms) when given, else at Prometheus's own clock. Network and API
 * errors become `ok: false` with the reason, never a throw.
 */
export async function instantQuery(
  baseUrl: string,
  promql: string,
  f: Fetch = fetch,
  { atMs }: { atMs?: number } = {},
): Promise<QueryOutcome> {
  const at = atMs === undefined ? "" : `&time=${atMs / 1000}`;
  const url = `${baseUrl}/api/v1/query?query=${encodeURIComponent(promql)}${at}`;
  let raw = "";
  try {
    const res = await f(url, { signal: AbortSignal.timeout(5000) });
    raw = await res.text();
  } catch (err) {
    return { promql, raw, ok: false, error: errorText(err), samples: [] };
  }
  return parseQueryAnswer(raw, promql);
}

/**
 * A query answer's body as Prometheus sent it -> the outcome. Pure: the same parser judges a live
 * answer and one stored in evidence (`evidence check` recomputes gates from it).
 */
export function parseQueryAnswer(raw: string, promql = ""): QueryOutcome {
  try {
    const parsed = QueryResponseSchema.parse(JSON.parse(raw));
    if (parsed.status !== "success" || !parsed.data) {
      return {
        promql,
        raw,
        ok: false,
        error: `${parsed.errorType ?? "error"}: ${parsed.error ?? ""}`,
        samples: [],
      };
    }
    if (parsed.data.resultType === "scalar") {
      const [, v] = z.tuple([z.number(), z.string()]).parse(parsed.data.result);
      return { promql, raw, ok: true, samples: [{ metric: {}, value: Number(v) }] };
    }
    if (parsed.data.resultType === "matrix") {
      const samples = parsed.data.result.map((r) => {
        const s = SeriesSchema.parse(r);
        const values = s.values.map(([t, v]): [number, number] => [t, Number(v)]);
        return { metric: s.metric, value: values.at(-1)?.[1] ?? NaN, values };
      });
      return { promql, raw, ok: true, samples };
    }
    const samples = parsed.data.result.map((r) => {
      const s = SampleSchema.parse(r);
      return { metric: s.metric, value: Number(s.value[1]) };
    });
    return { promql, raw, ok: true, samples };
  } catch (err) {
    return { promql, raw, ok: false, error: errorText(err), samples: [] };
  }
}

export interface TargetState {
  job: string;
  health: string;
  lastScrape: string;
  lastError: string;
}

/** Active targets; an unreachable Prometheus gives an empty list plus the raw error text. */
export async function activeTargets(
  baseUrl: string,
  f: Fetch = fetch,
): Promise<{ raw: string; targets: TargetState[] }> {
  try {
    const res = await f(`${baseUrl}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(5000) });
    const raw = await res.text();
    const body = JSON.parse(raw) as { data?: { activeTargets?: Record<string, unknown>[] } };
    const targets = (body.data?.activeTargets ?? []).map((t) => ({
      job: String((t.labels as Record<string, string> | undefined)?.job ?? t.scrapePool ?? ""),
      health: String(t.health ?? "unknown"),
      lastScrape: String(t.lastScrape ?? ""),
      lastError: String(t.lastError ?? ""),
    }));
    return { raw, targets };
  } catch (err) {
    return { raw: JSON.stringify({ error: String(err) }), targets: [] };
  }
}

/** Prometheus reports never-scraped targets with a zero time. */
export function wasScraped(t: TargetState): boolean {
  return t.lastScrape !== "" && !t.lastScrape.startsWith("0001-01-01");
}

export async function isReady(baseUrl: string, f: Fetch = fetch): Promise<boolean> {
  try {
    const res = await f(`${baseUrl}/-/ready`, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** An error's message with its cause, which is where fetch puts "connection refused". */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : err.cause ? String(err.cause) : "";
  return cause && !err.message.includes(cause) ? `${err.message}: ${cause}` : err.message;
}
