import assert from "node:assert/strict";
import { type Notification, WEBHOOK_PATH, webhookHandler } from "./webhook_sink.ts";

const note = {
  version: "4",
  status: "firing",
  receiver: "critical",
  groupLabels: { alertname: "FeedStalled" },
  commonLabels: { alertname: "FeedStalled", severity: "critical" },
  alerts: [{
    status: "firing",
    labels: { alertname: "FeedStalled", severity: "critical" },
    annotations: { summary: "s" },
    startsAt: "2026-11-21T00:00:00Z",
    endsAt: "0001-01-01T00:00:00Z",
  }],
};

Deno.test("webhook handler: a notification is kept, anything else is counted and refused", async () => {
  const got: Notification[] = [];
  let rejected = 0;
  const h = webhookHandler((n) => void got.push(n), () => rejected++);
  const post = (body: string, path = WEBHOOK_PATH) =>
    h(
      new Request(`http://x${path}`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
      }),
    );
  assert.equal((await post(JSON.stringify(note))).status, 200);
  assert.equal((await post("{not json")).status, 400);
  assert.equal((await post(JSON.stringify({ ...note, status: "maybe" }))).status, 400);
  assert.equal((await post(JSON.stringify(note), "/other")).status, 404);
  const get = await h(new Request(`http://x${WEBHOOK_PATH}`));
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
  assert.equal(rejected, 2);
  assert.deepEqual(got.map((n) => [n.receiver, n.status, n.alerts[0].labels.alertname]), [
    ["critical", "firing", "FeedStalled"],
  ]);
});
