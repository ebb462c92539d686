// Runs every dashboard panel's expression against a real Prometheus: a parse error comes back as
// HTTP 400 bad_data, an empty result means the panel would show "No data".
import { type Fetch, instantQuery } from "../lib/prom/client.ts";
import { DASHBOARD_DIR, loadDashboards } from "./dashboard_panels.ts";

export interface PanelCheck {
  readonly dashboard: string;
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
  /** Series (or 1 for a scalar) returned; 0 when empty or failed. */
  readonly resultCount: number;
  /** Prometheus's error (e.g. `bad_data: parse error ...`), absent when the query ran. */
  readonly error?: string;
}

/** `only`: the dashboard files to check (default every one in `dir`). */
export async function checkDashboardsAgainst(
  promUrl: string,
  dir = DASHBOARD_DIR,
  f: Fetch = fetch,
  only?: readonly string[],
): Promise<PanelCheck[]> {
  const out: PanelCheck[] = [];
  for (const p of await loadDashboards(dir, only)) {
    for (const q of p.queries) {
      const r = await instantQuery(promUrl, q.expr, f);
      out.push({
        dashboard: p.dashboard,
        panel: p.title,
        refId: q.refId,
        expr: q.expr,
        resultCount: r.ok ? r.samples.length : 0,
        ...(r.ok ? {} : { error: r.error ?? "query failed" }),
      });
    }
  }
  return out;
}
