import assert from "node:assert/strict";
import { getAlerts, parseAlertsAnswer } from "./am_client.ts";

const ALERT = {
  labels: { alertname: "FeedDown", severity: "critical" },
  startsAt: "2026-12-02T05:00:00Z",
  status: { state: "active", silencedBy: [], inhibitedBy: [] },
};

Deno.test("parseAlertsAnswer: a stored body gives the alerts getAlerts gave; a bad one is a failed answer", async () => {
  const body = JSON.stringify([ALERT]);
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, () => new Response(body));
  try {
    const live = await getAlerts(`http://127.0.0.1:${server.addr.port}`);
    assert.equal(live.ok, true);
    assert.deepEqual(parseAlertsAnswer(live.url, live.raw), live);
    assert.equal(live.alerts[0].labels.alertname, "FeedDown");
  } finally {
    await server.shutdown();
  }
  const bad = parseAlertsAnswer("u", '[{"labels":{}}]');
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.alerts, []);
});
