// Upstream reports and query results as the web views return them, for tests of the page's panels.
import type { QueryResult } from "../lib/web/prom_api.ts";
import type { SourceReport } from "../lib/web/upstream.ts";

/** A source that answered in `latencyMs`. */
export const okReport = (source: string, latencyMs = 3.25): SourceReport => ({
  source,
  url: `http://${source}`,
  ok: true,
  latencyMs,
});

/** A source that did not answer; its reason carries markup, which the page must escape. */
export const downReport = (source: string): SourceReport => ({
  source,
  url: `http://${source}`,
  ok: false,
  latencyMs: 1,
  error: "fetch failed: <refused>",
});

/** A Prometheus instant query's outcome (answered unless `report` says otherwise). */
export const queryResult = (series: QueryResult["series"], report = okReport("prometheus")): QueryResult => ({
  query: "q",
  report,
  series,
});
