// The stack panel's exact markup for /api/stack data (the server's own type).
import assert from "node:assert/strict";
import type { StackView } from "../stack_view.ts";
import { stackPanel } from "./stack_panel.js";
import { toHtml } from "./render.js";
import { downReport, okReport } from "../../../testing/source_reports.ts";

const STACK: StackView = {
  sources: {
    prometheus: okReport("prometheus"),
    alertmanager: downReport("alertmanager"),
    up: okReport("prometheus", 1234.5),
    targets: okReport("prometheus"),
  },
  jobs: [
    {
      job: "ai_live",
      instance: "127.0.0.1:9110",
      up: true,
      scrapeUrl: "",
      lastError: "",
      lastScrape: "2026-01-01T10:11:12.345Z",
    },
    {
      job: "feed",
      instance: "127.0.0.1:8000",
      up: false,
      scrapeUrl: "",
      lastError: "connection <refused>",
      lastScrape: "",
    },
    { job: "web", instance: "127.0.0.1:8080", up: null, scrapeUrl: "", lastError: "", lastScrape: "" },
  ],
  jobsUp: 1,
  jobsDown: 1,
};

Deno.test("stack panel: a row per job (UP, DOWN, unknown), its source line; Prometheus down", () => {
  const p = stackPanel(STACK);
  assert.equal(p.summary, "1 up, 1 down");
  assert.equal(
    toHtml(p.body),
    "<table><thead>" +
      "<tr><th>job</th><th>instance</th><th>state</th><th>last scrape (UTC)</th><th>error</th></tr></thead><tbody>" +
      '<tr><td>ai_live</td><td>127.0.0.1:9110</td><td><span class="badge ok">UP</span></td><td>10:11:12</td><td><span class="err"></span></td></tr>' +
      '<tr><td>feed</td><td>127.0.0.1:8000</td><td><span class="badge bad">DOWN</span></td><td>—</td><td><span class="err">connection &lt;refused&gt;</span></td></tr>' +
      '<tr><td>web</td><td>127.0.0.1:8080</td><td><span class="badge warn">unknown</span></td><td>—</td><td><span class="err"></span></td></tr></tbody></table><div class="sub"><span class="muted">prometheus 1,234.5 ms</span></div>',
  );
  const dead = stackPanel({ ...STACK, sources: { ...STACK.sources, up: downReport("prometheus") } });
  assert.equal(toHtml(dead.body), '<p class="err">Prometheus unreachable: fetch failed: &lt;refused&gt;</p>');
});
