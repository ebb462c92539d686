// Every route of peak_trade_web called as (Request) => Response, upstreams answered by fakeFetch.
import assert from "node:assert/strict";
import { createWebHandler } from "./app.ts";
import { defaultWebConfig, resolveWebConfig } from "./config.ts";
import { AM, PROM, promVector, testApp } from "../../testing/web_upstreams.ts";
import { createWebMetrics } from "./web_metrics.ts";

const UP_ANSWER = promVector([
  { labels: { __name__: "up", job: "live_connector", instance: "127.0.0.1:8000" }, value: "1" },
  { labels: { __name__: "up", job: "ai_live", instance: "127.0.0.1:9110" }, value: "0" },
]);
const TARGETS_ANSWER = {
  status: "success",
  data: {
    activeTargets: [
      {
        labels: { job: "ai_live", instance: "127.0.0.1:9110" },
        scrapeUrl: "http://127.0.0.1:9110/metrics",
        health: "down",
        lastError:
          'Get "http://127.0.0.1:9110/metrics": dial tcp 127.0.0.1:9110: connect: connection refused',
        lastScrape: "2026-01-01T00:00:00Z",
      },
      {
        labels: { job: "live_connector", instance: "127.0.0.1:8000" },
        scrapeUrl: "http://127.0.0.1:8000/metrics",
        health: "up",
        lastError: "",
        lastScrape: "2026-01-01T00:00:01Z",
      },
      {
        labels: { job: "shadow_mvs", instance: "127.0.0.1:9111" },
        scrapeUrl: "http://127.0.0.1:9111/metrics",
        health: "unknown",
        lastError: "",
        lastScrape: "0001-01-01T00:00:00Z",
      },
    ],
    droppedTargets: [],
  },
};

const get = (path: string, method = "GET") => new Request(`http://web.test${path}`, { method });

Deno.test("/api/stack joins `up` with targets: up, down, and known-but-unscraped", async () => {
  const { handler } = testApp({
    [`${PROM} /-/ready`]: [200, "Prometheus Server is Ready.\n"],
    [`${AM} /-/ready`]: [200, "OK"],
    [`${PROM} query:up`]: UP_ANSWER,
    [`${PROM} /api/v1/targets?state=active`]: TARGETS_ANSWER,
  });
  const res = await handler(get("/api/stack"));
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(body.jobs.map((j: { job: string; up: boolean | null }) => [j.job, j.up]), [
    ["ai_live", false],
    ["live_connector", true],
    ["shadow_mvs", null],
  ]);
  assert.match(body.jobs[0].lastError, /connection refused/);
  assert.equal(body.jobsUp, 1);
  assert.equal(body.jobsDown, 1);
  assert.equal(body.sources.prometheus.ok, true);
  assert.equal(body.sources.alertmanager.ok, true);
});

Deno.test("/api/stack with Prometheus and Alertmanager down still answers 200, naming why", async () => {
  const { handler } = testApp({
    [`${PROM} /-/ready`]: "refuse",
    [`${AM} /-/ready`]: [503, "not ready"],
    [`${PROM} query:up`]: "refuse",
    [`${PROM} /api/v1/targets?state=active`]: "refuse",
  });
  const res = await handler(get("/api/stack"));
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.sources.prometheus.ok, false);
  assert.equal(body.sources.prometheus.error, "fetch failed: Connection refused (os error 111)");
  assert.equal(body.sources.alertmanager.error, "HTTP 503: not ready");
  assert.deepEqual(body.jobs, []);
});

Deno.test("/api/alerts: firing alerts oldest first; unreachable Alertmanager is reported, not fatal", async () => {
  const alert = (name: string, startsAt: string) => ({
    labels: { alertname: name, severity: "page", job: "ai_live" },
    annotations: { summary: `${name} summary` },
    startsAt,
    endsAt: "2026-01-01T01:00:00Z",
    fingerprint: name,
    status: { state: "active", silencedBy: [], inhibitedBy: [] },
    receivers: [{ name: "default" }],
    updatedAt: startsAt,
    generatorURL: "http://prom/graph",
  });
  const url = `${AM} /api/v2/alerts?active=true&silenced=false&inhibited=false`;
  const { handler } = testApp({
    [url]: [alert("FeedStale", "2026-01-01T00:05:00Z"), alert("AiLiveDown", "2026-01-01T00:01:00Z")],
  });
  const body = await (await handler(get("/api/alerts"))).json();
  assert.deepEqual(body.alerts.map((a: { name: string }) => a.name), ["AiLiveDown", "FeedStale"]);
  assert.equal(body.alerts[0].summary, "AiLiveDown summary");
  assert.equal(body.alerts[0].severity, "page");
  assert.deepEqual({ ok: body.source.ok, latencyMs: body.source.latencyMs }, { ok: true, latencyMs: 1.5 });

  const down = await (await testApp({ [url]: "refuse" }).handler(get("/api/alerts"))).json();
  assert.equal(down.source.ok, false);
  assert.deepEqual(down.alerts, []);
});

Deno.test("an upstream answering the wrong shape or bad JSON is a failed source, not a failed page", async () => {
  const url = `${AM} /api/v2/alerts?active=true&silenced=false&inhibited=false`;
  const shape = await (await testApp({ [url]: { not: "an array" } }).handler(get("/api/alerts"))).json();
  assert.match(shape.source.error, /^unexpected response shape: /);
  const bad = await (await testApp({ [url]: [200, "{nope"] }).handler(get("/api/alerts"))).json();
  assert.equal(bad.source.ok, false);
  assert.match(bad.source.error, /JSON/);
});

Deno.test("an upstream that never answers is cut off at the timeout", async () => {
  const config = resolveWebConfig(defaultWebConfig("127.0.0.1"), { alertmanagerUrl: AM, timeoutMs: "50" });
  const handler = createWebHandler({
    config,
    upstream: {
      // Answers only when aborted, like a server that accepted the connection and went silent.
      fetch: (_url, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener("abort", () => reject(init.signal?.reason))
        ),
      monoMs: () => performance.now(),
      timeoutMs: config.timeoutMs,
    },
    metrics: createWebMetrics(),
    log: () => {},
  });
  const body = await (await handler(get("/api/alerts"))).json();
  assert.equal(body.source.ok, false);
  assert.equal(body.source.error, "timed out after 50 ms");
});

Deno.test("/api/ai: per-run counters, event ages, quantiles (NaN -> null), errors and drops", async () => {
  const { handler } = testApp({
    [`${PROM} query:sum by (run_id) (peaktrade_ai_decisions_total)`]: promVector([
      { labels: { run_id: "run-b" }, value: "3" },
      { labels: { run_id: "run-a" }, value: "12" },
    ]),
    [`${PROM} query:sum by (run_id) (peaktrade_ai_actions_total)`]: promVector([
      { labels: { run_id: "run-a" }, value: "5" },
    ]),
    [`${PROM} query:time() - peaktrade_ai_last_event_timestamp_seconds`]: promVector([
      { labels: { job: "ai_live", source: "shadow" }, value: "4.25" },
    ]),
    [`${PROM} query:histogram_quantile(0.95, sum by (le) (rate(peaktrade_ai_decision_latency_ms_bucket[5m])))`]:
      promVector([{ labels: {}, value: "42.5" }]),
    [`${PROM} query:histogram_quantile(0.99, sum by (le) (rate(peaktrade_ai_decision_latency_ms_bucket[5m])))`]:
      promVector([{ labels: {}, value: "NaN" }]),
    [`${PROM} query:sum without (instance, job) (peaktrade_ai_events_parse_errors_total)`]: promVector([
      { labels: { source: "shadow" }, value: "2" },
    ]),
    [`${PROM} query:sum without (instance, job) (peaktrade_ai_events_dropped_total)`]: [
      400,
      '{"status":"error","errorType":"bad_data","error":"parse error"}',
    ],
  });
  const body = await (await handler(get("/api/ai"))).json();
  assert.deepEqual(body.decisions.series, [
    { labels: { run_id: "run-a" }, value: 12 },
    { labels: { run_id: "run-b" }, value: 3 },
  ]);
  assert.deepEqual(body.actions.series, [{ labels: { run_id: "run-a" }, value: 5 }]);
  assert.deepEqual(body.lastEventAgeSeconds.series, [{
    labels: { job: "ai_live", source: "shadow" },
    value: 4.25,
  }]);
  assert.equal(body.decisionLatencyP95Ms.series[0].value, 42.5);
  assert.equal(body.decisionLatencyP99Ms.series[0].value, null);
  assert.equal(body.parseErrors.series[0].value, 2);
  assert.equal(body.dropped.report.ok, false);
  assert.match(body.dropped.report.error, /^HTTP 400: /);
  assert.equal(body.dropped.report.ok, false);
});
