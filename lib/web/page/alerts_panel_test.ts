// The alerts panel's exact markup for /api/alerts data (the server's own type).
import assert from "node:assert/strict";
import type { AlertsView } from "../alerts_view.ts";
import { alertsPanel } from "./alerts_panel.js";
import { toHtml } from "./render.js";
import { downReport, okReport } from "../../../testing/source_reports.ts";

const ALERTS: AlertsView = {
  source: okReport("alertmanager"),
  alerts: [{
    name: "FeedStalled",
    severity: "critical",
    state: "active",
    startsAt: "2026-01-01T00:05:00.5Z",
    summary: "a & b",
    labels: {},
  }],
};

Deno.test("alerts panel: firing table, none firing, Alertmanager down", () => {
  assert.equal(
    toHtml(alertsPanel(ALERTS).body),
    "<table><thead>" +
      "<tr><th>alert</th><th>severity</th><th>since (UTC)</th><th>summary</th></tr></thead><tbody>" +
      '<tr><td>FeedStalled</td><td>critical</td><td>2026-01-01 00:05:00</td><td>a &amp; b</td></tr></tbody></table><div class="sub"><span class="muted">alertmanager 3.3 ms</span></div>',
  );
  assert.equal(
    toHtml(alertsPanel({ ...ALERTS, alerts: [] }).body),
    '<p><span class="badge ok">no alerts firing</span></p><div class="sub"><span class="muted">alertmanager 3.3 ms</span></div>',
  );
  assert.equal(
    toHtml(alertsPanel({ source: downReport("alertmanager"), alerts: [] }).body),
    '<p class="err">Alertmanager unreachable: fetch failed: &lt;refused&gt;</p>',
  );
});
