// End to end: a real Prometheus (demo rules, 1 s intervals) scrapes a metrics endpoint this test
// controls; when feed_bars_total stops increasing, FeedStalled fires, reaches a real Alertmanager and
// its webhook; when bars resume, it resolves on both.
import assert from "node:assert/strict";
import { join } from "node:path";
import { waitForAlert } from "../lib/alerting/am_client.ts";
import { startAlertStack } from "../testing/alert_stack.ts";
import { startWebhookSink } from "../lib/alerting/webhook_sink.ts";
import { DEMO_RULES_DIR } from "../lib/alerting/rule_files.ts";
import { instantQuery } from "../lib/prom/client.ts";
import { pollUntil } from "../lib/async/poll.ts";
import { startScript } from "../testing/script_proc.ts";

/** feed_bars_total for two symbols; BTC's counter only moves while `flowing.btc` is true. */
function barsEndpoint() {
  const flowing = { btc: true };
  const bars = { btc: 0, eth: 0 };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    if (new URL(req.url).pathname !== "/metrics") return new Response("not found\n", { status: 404 });
    if (flowing.btc) bars.btc++;
    bars.eth++;
    const body = [
      "# TYPE feed_bars_total counter",
      `feed_bars_total{venue="binance",symbol="BTC-USDT",interval="1m"} ${bars.btc}`,
      `feed_bars_total{venue="binance",symbol="ETH-USDT",interval="1m"} ${bars.eth}`,
      "",
    ].join("\n");
    return new Response(body, { headers: { "content-type": "text/plain; version=0.0.4" } });
  });
  return { flowing, bars, server, target: `127.0.0.1:${server.addr.port}` };
}

Deno.test("FeedStalled fires into Alertmanager (API and webhook) when bars stop, and resolves when they resume", async () => {
  const tmp = await Deno.makeTempDir();
  const ep = barsEndpoint();
  const sink = startWebhookSink("127.0.0.1");
  // Only the feed's rules: the AI rules would (rightly) alert on the missing ai_live job here.
  const rulesDir = join(tmp, "rules");
  await Deno.mkdir(rulesDir);
  await Deno.copyFile(join(DEMO_RULES_DIR, "livefeed.yml"), join(rulesDir, "livefeed.yml"));
  const stack = await startAlertStack({
    workDir: tmp,
    targets: { live_connector: ep.target },
    rulesDir,
    interval: "1s",
    am: { webhookUrl: sink.url, timing: { groupWait: "1s", groupInterval: "1s", repeatInterval: "1h" } },
  });
  try {
    const amUrl = stack.am!.url;
    // Bars flow: both series rise in Prometheus, and no FeedStalled is active.
    const rising = await pollUntil(
      async () => {
        const q = await instantQuery(stack.prom.url, 'increase(feed_bars_total{interval="1m"}[9s]) > 0');
        return q.samples.length === 2 ? true : undefined;
      },
      20_000,
      250,
    );
    assert.equal(rising, true, "both symbols rising in Prometheus");
    const rules = await (await fetch(`${stack.prom.url}/api/v1/rules?type=alert`)).json();
    const stalledRule = rules.data.groups.flatMap((g: { rules: { name: string; state: string }[] }) =>
      g.rules
    )
      .find((r: { name: string }) => r.name === "FeedStalled");
    assert.equal(stalledRule.state, "inactive");

    ep.flowing.btc = false;
    const fired = await waitForAlert(amUrl, "FeedStalled", "firing", 40_000, { everyMs: 250 });
    assert.equal(fired.reached, true, `FeedStalled never fired; last answer: ${fired.last.raw}`);
    assert.equal(fired.alerts.length, 1, "only the stalled symbol");
    const a = fired.alerts[0];
    assert.deepEqual(
      {
        venue: a.labels.venue,
        symbol: a.labels.symbol,
        interval: a.labels.interval,
        severity: a.labels.severity,
      },
      { venue: "binance", symbol: "BTC-USDT", interval: "1m", severity: "critical" },
    );
    assert.equal(a.annotations.summary, "No 1m bars for binance BTC-USDT");
    assert.equal(a.annotations.runbook_url, "runbooks/livefeed.md#feedstalled");
    assert.deepEqual(a.receivers.map((r) => r.name), ["critical"]);
    const notified = await pollUntil(
      () => Promise.resolve(sink.received.some((n) => n.status === "firing") ? true : undefined),
      10_000,
      100,
    );
    assert.equal(notified, true, "webhook got the firing notification");
    const first = sink.received.find((n) => n.status === "firing")!;
    assert.equal(first.receiver, "critical");
    assert.deepEqual(first.alerts.map((x) => [x.labels.alertname, x.labels.symbol, x.status]), [
      ["FeedStalled", "BTC-USDT", "firing"],
    ]);

    ep.flowing.btc = true;
    const resolved = await waitForAlert(amUrl, "FeedStalled", "resolved", 30_000, { everyMs: 250 });
    assert.equal(resolved.reached, true, `FeedStalled never resolved; last answer: ${resolved.last.raw}`);
    const resolvedNote = await pollUntil(
      () => Promise.resolve(sink.received.some((n) => n.status === "resolved") ? true : undefined),
      10_000,
      100,
    );
    assert.equal(resolvedNote, true, "webhook got the resolved notification");
    assert.equal(sink.rejected, 0);
  } finally {
    await stack.stop();
    await sink.close();
    await ep.server.shutdown();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("./tp alertmanager runs a single node on the given port until SIGTERM, then exits 0", async () => {
  const tmp = await Deno.makeTempDir();
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const child = startScript("scripts/alertmanager.ts", ["--port", String(port), "--work-dir", tmp]);
  try {
    const url = `http://127.0.0.1:${port}`;
    const ready = await pollUntil(
      async () => {
        try {
          const res = await fetch(`${url}/api/v2/status`);
          const body = await res.json();
          return res.ok ? body : undefined;
        } catch {
          return undefined;
        }
      },
      30_000,
      250,
    );
    assert.ok(ready, "alertmanager answered /api/v2/status");
    assert.equal(ready.cluster.status, "disabled");
    assert.match(ready.config.original, /receiver: critical/);
  } finally {
    const { code, stdout: out, stderr: err } = await child.stop("SIGTERM", 30_000);
    assert.equal(code, 0, out + err);
    assert.match(err, new RegExp(`alertmanager ready at http://127\\.0\\.0\\.1:${port}`));
    assert.match(err, /alertmanager stopped/);
    await Deno.remove(tmp, { recursive: true });
  }
});
