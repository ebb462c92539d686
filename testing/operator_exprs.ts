// Every PromQL the operator's views run, named by where it is shown: the web page's columns, each
// Grafana panel target and each on-call check. Tests hold all of them to the real components' series.
import { loadDashboards } from "./dashboard_panels.ts";
import { oncallQueries } from "../lib/oncall/checks.ts";
import type { OncallConfig } from "../lib/oncall/config.ts";
import { AI_QUERIES } from "../lib/web/ai_view.ts";
import type { WebConfig } from "../lib/web/config.ts";
import { feedQueries } from "../lib/web/feed_view.ts";

export interface OperatorExpr {
  /** e.g. `web feed divergenceBps`, `dashboard tickproof / Feed Overview: Reconnects (A)`. */
  readonly where: string;
  readonly expr: string;
  /** Labels read from each result series: the page's join keys, a legend's `{{x}}`. */
  readonly readsLabels: readonly string[];
}

/** `dashboards`: the dashboard files to include (default all). */
export async function operatorExprs(
  web: WebConfig,
  oncall: OncallConfig,
  dashboards?: readonly string[],
): Promise<OperatorExpr[]> {
  const out: OperatorExpr[] = [];
  for (const [name, expr] of Object.entries(feedQueries(web.interval, web.divergenceQuery))) {
    // The page joins on venue and symbol; a series may lack one of them (venue-wide, symbol-wide).
    out.push({ where: `web feed ${name}`, expr, readsLabels: [] });
  }
  for (const [name, expr] of Object.entries(AI_QUERIES)) {
    out.push({ where: `web ai ${name}`, expr, readsLabels: [] });
  }
  out.push({ where: "web stack up", expr: "up", readsLabels: ["job", "instance"] });
  for (const p of await loadDashboards(undefined, dashboards)) {
    for (const q of p.queries) {
      out.push({
        where: `dashboard ${p.dashboard}: ${p.title} (${q.refId})`,
        expr: q.expr,
        readsLabels: q.legendLabels,
      });
    }
  }
  for (const [name, expr] of Object.entries(oncallQueries(oncall))) {
    out.push({ where: `oncall ${name}`, expr, readsLabels: [] });
  }
  return out;
}
