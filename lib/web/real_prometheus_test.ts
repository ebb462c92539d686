// peak_trade_web against a REAL Prometheus scraping a real feed-like server: every PromQL query it
// sends is valid, /api/stack shows a live job up and a dead one down.
import assert from "node:assert/strict";
import { createWebHandler } from "./app.ts";
import { defaultWebConfig, resolveWebConfig } from "./config.ts";
import { startFeedLikeServer } from "./feed_like_server.ts";
import { startPrometheus, waitForSample } from "./real_prometheus.ts";
import { createWebMetrics } from "./web_metrics.ts";

function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

Deno.test("real Prometheus: /api/stack up/down, /api/feed and /api/ai values, all queries valid", async () => {
  const feed = startFeedLikeServer({ nowMs: Date.now() });
  const dead = closedPort();
  const prom = await startPrometheus([
    { job: "live_connector", target: feed.hostPort },
    { job: "web_test_dead", target: `127.0.0.1:${dead}` },
  ]).catch(async (err) => {
    await feed.stop();
    throw err;
  });
  try {
    await waitForSample(prom.url, 'up{job="live_connector"}', (v) => v === 1);
    await waitForSample(prom.url, 'up{job="web_test_dead"}', (v) => v === 0);
    const config = resolveWebConfig(defaultWebConfig("127.0.0.1"), {
      prometheusUrl: prom.url,
      alertmanagerUrl: `http://127.0.0.1:${closedPort()}`,
      feedUrl: feed.url,
      venues: "binance",
      symbols: "BTC-USDT",
    });
    const handler = createWebHandler({
      config,
      upstream: { fetch: (u, init) => fetch(u, init), monoMs: () => performance.now(), timeoutMs: 5000 },
      metrics: createWebMetrics(),
      log: () => {},
    });
    const get = async (path: string) => await (await handler(new Request(`http://web.test${path}`))).json();

    const stack = await get("/api/stack");
    assert.equal(stack.sources.prometheus.ok, true);
    assert.equal(stack.sources.alertmanager.ok, false);
    assert.deepEqual(
      stack.jobs.map((j: { job: string; up: boolean; instance: string }) => [j.job, j.up, j.instance]),
      [["live_connector", true, feed.hostPort], ["web_test_dead", false, `127.0.0.1:${dead}`]],
    );
    assert.match(stack.jobs[1].lastError, /connection refused/);
    assert.deepEqual([stack.jobsUp, stack.jobsDown], [1, 1]);

    const feedView = await get("/api/feed");
    for (const [name, q] of Object.entries(feedView.queries) as [string, { report: { ok: boolean } }][]) {
      assert.equal(q.report.ok, true, `feed query ${name} rejected by Prometheus`);
    }
    const row = feedView.rows[0];
    assert.deepEqual([row.venue, row.symbol], ["binance", "BTC-USDT"]);
    assert.equal(row.lastBar.c, feed.lastClose("binance", "BTC-USDT", "1m"));
    assert.equal(row.metrics.divergenceBps, 3.5);
    assert.equal(row.metrics.reconnects, 2);

    const ai = await get("/api/ai");
    for (const [name, q] of Object.entries(ai) as [string, { report: { ok: boolean } }][]) {
      assert.equal(q.report.ok, true, `ai query ${name} rejected by Prometheus`);
    }
    assert.deepEqual(ai.decisions.series, [{ labels: { run_id: "run-1" }, value: 12 }]);
  } finally {
    await prom.stop();
    await feed.stop();
  }
});
