// @ts-check
// The AI telemetry panel: the exporter's series as Prometheus sees them (/api/ai), a table per query.
import { fmt, h, table } from "./render.js";
/** @import { AiView } from "../ai_view.ts" */
/** @import { QueryResult } from "../prom_api.ts" */
/** @import { Panel } from "./render.js" */

/**
 * @param {string} title
 * @param {QueryResult} q
 * @param {readonly string[]} labelNames one column per label, then the value
 * @param {string} valueName
 * @param {number} digits
 */
function seriesTable(title, q, labelNames, valueName, digits) {
  const rows = q.series.map((s) => [...labelNames.map((l) => s.labels[l] ?? ""), fmt(s.value, digits)]);
  const body = !q.report.ok
    ? h("p", { class: "err", text: `Prometheus unreachable: ${q.report.error}` })
    : rows.length === 0
    ? h("p", { class: "muted", text: "no series" })
    : table([...labelNames, valueName], rows, [labelNames.length]);
  return h("div", {}, h("h3", { class: "muted", text: title }), body);
}

/** @param {QueryResult} q @returns {string[]} every label name the series carry, sorted */
const labelsOf = (q) => [...new Set(q.series.flatMap((s) => Object.keys(s.labels)))].sort();

/**
 * @param {AiView} a
 * @returns {Panel}
 */
export function aiPanel(a) {
  const p95 = a.decisionLatencyP95Ms.series[0]?.value ?? null;
  const p99 = a.decisionLatencyP99Ms.series[0]?.value ?? null;
  return {
    body: [h(
      "div",
      { class: "cols" },
      seriesTable("decisions per run", a.decisions, ["run_id"], "decisions", 0),
      seriesTable("actions per run", a.actions, ["run_id"], "actions", 0),
      seriesTable("last event age", a.lastEventAgeSeconds, labelsOf(a.lastEventAgeSeconds), "age s", 1),
      h(
        "div",
        {},
        h("h3", { class: "muted", text: "decision latency" }),
        table(["quantile", "ms"], [["p95", fmt(p95, 1)], ["p99", fmt(p99, 1)]], [1]),
      ),
      seriesTable("parse errors", a.parseErrors, labelsOf(a.parseErrors), "errors", 0),
      seriesTable("dropped events", a.dropped, labelsOf(a.dropped), "dropped", 0),
    )],
  };
}
