import assert from "node:assert/strict";
import type { AlertsOutcome, AmAlert } from "../alerting/am_client.ts";
import type { QueryOutcome } from "../prom/client.ts";
import { overallVerdict } from "../verify/gates.ts";
import { evaluateOncall, type QueryKey, renderTable } from "./checks.ts";
import { loadOncallConfig, parseOncallConfig } from "./config.ts";

const shipped = await loadOncallConfig();
/** The feed stack's checklist (the shipped thresholds; the system, error, bot and report groups off). */
const cfg = parseOncallConfig({
  ...shipped,
  jobs: ["ai_live", "peak_trade_web", "shadow_mvs", "live_connector"],
  system: undefined,
  errors: undefined,
  bots: undefined,
  reports: undefined,
});

const ok = (samples: [Record<string, string>, number][]): QueryOutcome => ({
  promql: "",
  raw: "",
  ok: true,
  samples: samples.map(([metric, value]) => ({ metric, value })),
});
const failed = (error: string): QueryOutcome => ({ promql: "", raw: "", ok: false, error, samples: [] });
const alert = (name: string, severity: string, extra: Partial<AmAlert["status"]> = {}): AmAlert => ({
  labels: { alertname: name, severity },
  annotations: {},
  startsAt: "2026-11-21T00:00:00Z",
  endsAt: "",
  fingerprint: name,
  receivers: [],
  status: { state: "active", silencedBy: [], inhibitedBy: [], ...extra },
});
const am = (alerts: AmAlert[]): AlertsOutcome => ({ url: "http://am", raw: "[]", ok: true, alerts });

const bars = (keys: string[], v: number) =>
  keys.map((k): [Record<string, string>, number] => {
    const [venue, symbol] = k.split("/");
    return [{ venue, symbol, interval: "1m" }, v];
  });

function healthy(): Partial<Record<QueryKey, QueryOutcome>> {
  return {
    up: ok(cfg.jobs.map((job) => [{ job, instance: `${job}:1` }, 1])),
    latency_p99: ok([[{ venue: "binance" }, 120.4], [{ venue: "okx" }, 80]]),
    bars_increase: ok(bars(["binance/BTC-USDT", "okx/BTC-USDT"], 5)),
    bars_active: ok(bars(["binance/BTC-USDT", "okx/BTC-USDT"], 100)),
    reconnects: ok([[{ venue: "binance" }, 0], [{ venue: "okx" }, 1]]),
    gaps: ok([[{}, 0]]),
    nan: ok([[{}, 0]]),
    ai_event_age: ok([[{ source: "refstrat_01" }, 12], [{ source: "shadow" }, 3.4]]),
  };
}

const view = (r: ReturnType<typeof evaluateOncall>) => r.map((x) => [x.key, x.status, x.value, x.detail]);

Deno.test("a healthy stack: every check PASS with its value", () => {
  const r = evaluateOncall(cfg, { queries: healthy(), alerts: am([alert("Info", "info")]), atMs: 0 });
  assert.deepEqual(view(r), [
    ["up_ai_live", "PASS", 1, "up"],
    ["up_peak_trade_web", "PASS", 1, "up"],
    ["up_shadow_mvs", "PASS", 1, "up"],
    ["up_live_connector", "PASS", 1, "up"],
    ["feed_p99_transport_latency_ms", "PASS", 120.4, "worst venue binance; binance=120.4,okx=80"],
    ["feed_symbols_stalled", "PASS", 0, "2 active, all rising"],
    ["feed_reconnects_max_per_venue", "PASS", 1, "okx=1,binance=0"],
    ["feed_gaps", "PASS", 0, "in the last 10m"],
    ["feed_nan_records", "PASS", 0, "in the last 10m"],
    ["ai_event_age_max_s", "PASS", 12, "oldest source refstrat_01; refstrat_01=12s,shadow=3s"],
    ["critical_alerts_unaddressed", "PASS", 0, "none (1 alerts in total)"],
  ]);
  assert.equal(overallVerdict(r), "PASS");
  assert.equal(r[4].want, "<500");
  assert.equal(
    r[4].promql,
    "histogram_quantile(0.99, sum by (venue, le) (rate(feed_transport_latency_ms_bucket[5m])))",
  );
});

Deno.test("each threshold fails on its own value; silenced and inhibited criticals do not count", () => {
  const q = healthy();
  q.up = ok([[{ job: "ai_live", instance: "a:1" }, 0], [{ job: "peak_trade_web" }, 1], [
    { job: "shadow_mvs" },
    1,
  ]]);
  q.latency_p99 = ok([[{ venue: "binance" }, 120], [{ venue: "okx" }, 612.5], [{ venue: "kraken" }, NaN]]);
  q.bars_active = ok(bars(["binance/BTC-USDT", "okx/BTC-USDT", "okx/ETH-USDT"], 100));
  q.bars_increase = ok(bars(["binance/BTC-USDT"], 5).concat(bars(["okx/BTC-USDT"], 0)));
  q.reconnects = ok([[{ venue: "okx" }, 7]]);
  q.gaps = ok([[{}, 3]]);
  q.nan = ok([[{}, 1]]);
  q.ai_event_age = ok([[{ source: "refstrat_01" }, 12], [{ source: "emitter" }, 400]]);
  const alerts = am([
    alert("FeedStalled", "critical"),
    alert("FeedTargetDown", "critical", { silencedBy: ["s1"], state: "suppressed" }),
    alert("FeedHighLatency", "critical", { inhibitedBy: ["x"], state: "suppressed" }),
    alert("FeedHighLatency", "warning"),
  ]);
  const r = evaluateOncall(cfg, { queries: q, alerts, atMs: 0 });
  assert.deepEqual(view(r), [
    ["up_ai_live", "FAIL", 0, "down: a:1"],
    ["up_peak_trade_web", "PASS", 1, "up"],
    ["up_shadow_mvs", "PASS", 1, "up"],
    ["up_live_connector", "NO_DATA", null, "job live_connector is not scraped (no up series)"],
    ["feed_p99_transport_latency_ms", "FAIL", 612.5, "worst venue okx; okx=612.5,binance=120"],
    ["feed_symbols_stalled", "FAIL", 2, "stalled: okx/BTC-USDT,okx/ETH-USDT (of 3 active)"],
    ["feed_reconnects_max_per_venue", "FAIL", 7, "okx=7"],
    ["feed_gaps", "FAIL", 3, "in the last 10m"],
    ["feed_nan_records", "FAIL", 1, "in the last 10m"],
    [
      "ai_event_age_max_s",
      "FAIL",
      400,
      "oldest source emitter; stale: emitter; emitter=400s,refstrat_01=12s",
    ],
    ["critical_alerts_unaddressed", "FAIL", 1, "FeedStalled"],
  ]);
  assert.equal(overallVerdict(r), "FAIL");
});

Deno.test("empty answers are NO_DATA, failed queries and an unreachable Alertmanager are ERROR", () => {
  const q = healthy();
  q.latency_p99 = ok([[{ venue: "binance" }, NaN]]);
  q.bars_active = ok([]);
  q.reconnects = ok([]);
  q.gaps = failed("bad_data: parse error");
  const down: AlertsOutcome = {
    url: "http://am",
    raw: "{}",
    ok: false,
    error: "connection refused",
    alerts: [],
  };
  const r = evaluateOncall(cfg, { queries: q, alerts: down, atMs: 0 });
  assert.deepEqual(view(r).slice(4), [
    ["feed_p99_transport_latency_ms", "NO_DATA", null, "no latency observations in the window"],
    ["feed_symbols_stalled", "NO_DATA", null, "no 1m bar series in the last 1h"],
    ["feed_reconnects_max_per_venue", "NO_DATA", null, "no feed_reconnects_total series"],
    ["feed_gaps", "ERROR", null, "bad_data: parse error"],
    ["feed_nan_records", "PASS", 0, "in the last 10m"],
    ["ai_event_age_max_s", "PASS", 12, "oldest source refstrat_01; refstrat_01=12s,shadow=3s"],
    ["critical_alerts_unaddressed", "ERROR", null, "alertmanager: connection refused"],
  ]);
  const table = renderTable(r);
  assert.match(table, /^CHECK +VALUE +THRESHOLD +STATUS +DETAIL$/m);
  assert.match(table, /^critical_alerts_unaddressed +- +<=0 +ERROR +alertmanager: connection refused$/m);
  assert.match(table, /^up_ai_live +1 +=1 +PASS +up$/m);
});

Deno.test("config/oncall.json is validated: a bad field is one TypeError line naming it", async () => {
  const raw = JSON.parse(await Deno.readTextFile("config/oncall.json"));
  assert.equal(parseOncallConfig(raw).feed_p99_latency_ms_max, 500);
  // The bots' limits are the loop's file's, read by the loader, never restated here.
  assert.equal(raw.bots.risk, undefined);
  assert.deepEqual(shipped.bots?.risk, {
    max_daily_loss: 200,
    max_drawdown_bps: 500,
    source: "config/live/paper.json",
  });
  assert.throws(
    () => parseOncallConfig({ ...raw, bots: { ...raw.bots, fills_min: 9, fills_max: 3 } }, "x.json"),
    /^TypeError: Invalid x\.json: bots: fills_min must not exceed fills_max$/,
  );
  assert.throws(
    () =>
      parseOncallConfig({
        ...raw,
        errors: { ...raw.errors, counters: { live_loop: { metric: "x", match: "outcome=failed" } } },
      }, "x.json"),
    /^TypeError: Invalid x\.json: errors\.counters\.live_loop\.match: label matchers$/,
  );
  assert.throws(
    () => parseOncallConfig({ ...raw, bars_window: "five minutes" }, "x.json"),
    /^TypeError: Invalid x\.json: bars_window: a PromQL duration like 5m$/,
  );
  assert.throws(() => parseOncallConfig({ ...raw, jobs: ["nope"] }, "x.json"), /Invalid x\.json: jobs\.0:/);
  assert.throws(() => parseOncallConfig({ ...raw, extra: 1 }, "x.json"), /Invalid x\.json: \(root\)/);
});
