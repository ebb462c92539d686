// shadow_mvs's HTTP face called with Request objects (no port): /metrics from the real registry,
// /health's body field by field, GET only.
import assert from "node:assert/strict";
import { createShadowMetrics, type ShadowStatus } from "./shadow_metrics.ts";
import { shadowHandler } from "./shadow_http.ts";

const STARTED = 1_767_225_600_000;
const status: ShadowStatus = {
  startedMs: STARTED,
  position: 1,
  pnlRealised: 2.5,
  pnlUnrealised: -0.5,
  pnlTotal: 2,
  decisions: { enter_long: 2, exit_long: 1, hold: 7 },
  actions: { open_long: 2, close_long: 1 },
  barsConsumed: 14,
  barsSkipped: { duplicate: 1, invalid: 0, feed_not_ok: 2, corrected: 0 },
  historyBarsPrimed: 1,
  connected: true,
  feedOk: true,
  feedReason: "",
  lastBarReceivedMs: STARTED + 60_000,
  lastDecidedOpenTimeMs: STARTED,
  reconnects: 3,
  eventsWritten: { decision: 10, action: 3, heartbeat: 5 },
  eventWriteErrors: 0,
};
const info = {
  runId: "run-7",
  series: { venue: "binance", symbol: "BTC-USDT", interval: "1m" },
  feedUrl: "http://127.0.0.1:8000/stream/bars",
  eventsPath: "data/events.jsonl",
} as const;

function handler(s: ShadowStatus, nowMs: number) {
  const now = () => nowMs;
  return shadowHandler(() => s, createShadowMetrics(() => s, now), info, now);
}

Deno.test("GET /health: the runner's status and where it runs, last bar age on the given clock", async () => {
  const r = await handler(status, STARTED + 90_000)(new Request("http://shadow/health"));
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("content-type"), "application/json; charset=utf-8");
  assert.deepEqual(await r.json(), {
    status: "ok",
    component: "shadow_mvs",
    strategy: "refstrat_01",
    mode: "shadow",
    run_id: "run-7",
    venue: "binance",
    symbol: "BTC-USDT",
    interval: "1m",
    feed: {
      url: "http://127.0.0.1:8000/stream/bars",
      ok: true,
      reason: "",
      connected: true,
      reconnects: 3,
      last_bar_age_s: 30,
    },
    position: 1,
    pnl: { realised: 2.5, unrealised: -0.5, total: 2 },
    decisions: { enter_long: 2, exit_long: 1, hold: 7 },
    actions: { open_long: 2, close_long: 1 },
    bars: { consumed: 14, primed: 1, skipped: { duplicate: 1, invalid: 0, feed_not_ok: 2, corrected: 0 } },
    last_decided_bar_open_time_ms: STARTED,
    events: {
      path: "data/events.jsonl",
      written: { decision: 10, action: 3, heartbeat: 5 },
      write_errors: 0,
    },
    uptime_s: 90,
  });
});

Deno.test("GET /health stays 200 while the feed is not ok: status degraded, the reason given", async () => {
  const down = {
    ...status,
    feedOk: false,
    feedReason: "feed heartbeat says not ok",
    lastBarReceivedMs: null,
  };
  const body = await (await handler(down, STARTED + 5_000)(new Request("http://shadow/health"))).json();
  assert.deepEqual([body.status, body.feed.ok, body.feed.reason], [
    "degraded",
    false,
    "feed heartbeat says not ok",
  ]);
  assert.equal(body.feed.last_bar_age_s, 5, "no bar yet: aged since the start");
});

Deno.test("GET /metrics: the shadow registry read at scrape time; other methods 405, other paths 404", async () => {
  const h = handler(status, STARTED + 90_000);
  const m = await h(new Request("http://shadow/metrics"));
  assert.equal(m.status, 200);
  assert.equal(m.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const text = await m.text();
  assert.match(text, /^shadow_position 1$/m);
  assert.match(text, /^shadow_last_bar_age_seconds 30$/m);
  assert.match(text, /^shadow_decisions_total\{decision="hold"\} 7$/m);
  const post = await h(new Request("http://shadow/metrics", { method: "POST", body: "x" }));
  assert.equal(post.status, 405);
  await post.body?.cancel();
  const other = await h(new Request("http://shadow/other"));
  assert.equal(other.status, 404);
  await other.body?.cancel();
});
