// The AI telemetry panel's exact markup for /api/ai data (the server's own type).
import assert from "node:assert/strict";
import type { AiView } from "../ai_view.ts";
import { aiPanel } from "./ai_panel.js";
import { toHtml } from "./render.js";
import { downReport, queryResult } from "../../../testing/source_reports.ts";

const AI: AiView = {
  decisions: queryResult([{ labels: { run_id: "r1" }, value: 1234 }, { labels: {}, value: null }]),
  actions: queryResult([]),
  lastEventAgeSeconds: queryResult([{ labels: { source: "s", run_id: "r1" }, value: 2.25 }]),
  decisionLatencyP95Ms: queryResult([{ labels: {}, value: 7.77 }]),
  decisionLatencyP99Ms: queryResult([]),
  parseErrors: queryResult([], downReport("prometheus")),
  dropped: queryResult([{ labels: { reason: "full" }, value: 5 }]),
};

Deno.test("ai panel: a table per query, no series, a failed query, latency quantiles", () => {
  const p = aiPanel(AI);
  assert.equal(
    toHtml(p.body),
    '<div class="cols"><div><h3 class="muted">decisions per run</h3><table><thead>' +
      "<tr><th>run_id</th><th>decisions</th></tr></thead><tbody>" +
      '<tr><td>r1</td><td class="num">1,234</td></tr>' +
      '<tr><td></td><td class="num">—</td></tr></tbody></table></div><div><h3 class="muted">actions per run</h3><p class="muted">no series</p></div><div><h3 class="muted">last event age</h3><table><thead>' +
      "<tr><th>run_id</th><th>source</th><th>age s</th></tr></thead><tbody>" +
      '<tr><td>r1</td><td>s</td><td class="num">2.3</td></tr></tbody></table></div><div><h3 class="muted">decision latency</h3><table><thead>' +
      "<tr><th>quantile</th><th>ms</th></tr></thead><tbody>" +
      '<tr><td>p95</td><td class="num">7.8</td></tr>' +
      '<tr><td>p99</td><td class="num">—</td></tr></tbody></table></div><div><h3 class="muted">parse errors</h3><p class="err">Prometheus unreachable: fetch failed: &lt;refused&gt;</p></div><div><h3 class="muted">dropped events</h3><table><thead>' +
      "<tr><th>reason</th><th>dropped</th></tr></thead><tbody>" +
      '<tr><td>full</td><td class="num">5</td></tr></tbody></table></div></div>',
  );
});
