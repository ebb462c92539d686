// Fetching from one upstream (Prometheus, Alertmanager, the feed) with a deadline, reporting its own
// success and latency, so one failing source shows as "unreachable" and never fails the page.
import type { z } from "zod";

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** The effects every data source needs, injected so handler tests run without a port. */
export interface UpstreamDeps {
  readonly fetch: FetchFn;
  /** Monotonic milliseconds, for latency only. */
  readonly monoMs: () => number;
  readonly timeoutMs: number;
  /** Called once per upstream call (self-metrics). */
  readonly onResult?: (source: string, ok: boolean, latencyMs: number) => void;
}

/** What the page shows for each source: whether it answered, how fast, and why not. */
export interface SourceReport {
  readonly source: string;
  readonly url: string;
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly error?: string;
}

export type Fetched<T> =
  | { readonly report: SourceReport; readonly data: T }
  | { readonly report: SourceReport; readonly data: null };

/** Keeps error texts short and single-line for the page. */
function oneLine(err: unknown): string {
  let msg = err instanceof Error ? err.message : String(err);
  // fetch says only "fetch failed"; the reason (e.g. connection refused) is in its cause.
  if (err instanceof Error && err.cause instanceof Error) msg += `: ${err.cause.message}`;
  return msg.split("\n")[0].slice(0, 300);
}

/**
 * GETs `url`, checks the status and parses the body with `schema`. Never throws: any failure
 * (refused, timeout, non-2xx, bad JSON, wrong shape) becomes `ok: false` with a one-line reason.
 */
export async function fetchJson<S extends z.ZodType>(
  deps: UpstreamDeps,
  source: string,
  url: string,
  schema: S,
): Promise<Fetched<z.infer<S>>> {
  const started = deps.monoMs();
  const ctrl = new AbortController();
  // An own timer (cleared in finally) rather than AbortSignal.timeout, so nothing outlives the call.
  const timer = setTimeout(
    () => ctrl.abort(new Error(`timed out after ${deps.timeoutMs} ms`)),
    deps.timeoutMs,
  );
  let error: string;
  try {
    const res = await deps.fetch(url, { signal: ctrl.signal, headers: { accept: "application/json" } });
    const body = await res.text();
    if (!res.ok) {
      error = `HTTP ${res.status}: ${body.slice(0, 120).trim()}`;
    } else {
      const parsed = schema.safeParse(JSON.parse(body));
      if (parsed.success) return done(deps, source, url, started, null, parsed.data);
      error = `unexpected response shape: ${oneLine(parsed.error.issues[0]?.message ?? parsed.error)}`;
    }
  } catch (err) {
    error = ctrl.signal.aborted ? oneLine(ctrl.signal.reason) : oneLine(err);
  } finally {
    clearTimeout(timer);
  }
  return done(deps, source, url, started, error, null);
}

/** GETs a plain readiness endpoint (e.g. /-/ready): ok when it answers 2xx. */
export async function fetchReady(deps: UpstreamDeps, source: string, url: string): Promise<SourceReport> {
  const started = deps.monoMs();
  const ctrl = new AbortController();
  const timer = setTimeout(
    () => ctrl.abort(new Error(`timed out after ${deps.timeoutMs} ms`)),
    deps.timeoutMs,
  );
  let error: string | null = null;
  try {
    const res = await deps.fetch(url, { signal: ctrl.signal });
    const body = await res.text();
    if (!res.ok) error = `HTTP ${res.status}: ${body.slice(0, 120).trim()}`;
  } catch (err) {
    error = ctrl.signal.aborted ? oneLine(ctrl.signal.reason) : oneLine(err);
  } finally {
    clearTimeout(timer);
  }
  return done(deps, source, url, started, error, null).report;
}

function done<T>(
  deps: UpstreamDeps,
  source: string,
  url: string,
  started: number,
  error: string | null,
  data: T | null,
): Fetched<T> {
  const latencyMs = Math.round((deps.monoMs() - started) * 10) / 10;
  const ok = error === null;
  deps.onResult?.(source, ok, latencyMs);
  const report: SourceReport = ok ? { source, url, ok, latencyMs } : { source, url, ok, latencyMs, error };
  return data === null ? { report, data: null } : { report, data };
}
