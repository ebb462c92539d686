import assert from "node:assert/strict";
import { runTool } from "../prom/tools.ts";
import { engage } from "../oms/kill_switch.ts";
import { RISK_REASONS } from "../oms/risk.ts";
import { liveView, NOW, T0 } from "../../testing/live_view.ts";
import { createLiveMetrics } from "./metrics.ts";
import type { LiveView } from "./service_view.ts";

/** The sample lines of one metric family (no HELP/TYPE), in exposition order. */
const samples = (body: string, name: string) =>
  body.split("\n").filter((l) => l.startsWith(name + "{") || l.startsWith(name + " "));

Deno.test("live_loop metrics: every contract name, read from the view at scrape time", async () => {
  let view: LiveView = liveView();
  const m = createLiveMetrics(() => view, () => NOW);
  const body = await m.registry.metrics();
  assert.deepEqual(samples(body, "live_loop_orders_total"), [
    'live_loop_orders_total{venue="binance",symbol="BTC-USDT",event="placed"} 3',
    'live_loop_orders_total{venue="binance",symbol="BTC-USDT",event="acknowledged"} 3',
    'live_loop_orders_total{venue="binance",symbol="BTC-USDT",event="rejected"} 0',
    'live_loop_orders_total{venue="binance",symbol="BTC-USDT",event="canceled"} 0',
    'live_loop_orders_total{venue="binance",symbol="BTC-USDT",event="filled"} 2',
  ]);
  assert.deepEqual(samples(body, "live_loop_fills_total"), [
    'live_loop_fills_total{venue="binance",symbol="BTC-USDT"} 4',
  ]);
  assert.deepEqual(samples(body, "live_loop_position"), [
    'live_loop_position{venue="binance",symbol="BTC-USDT"} 0.015',
  ]);
  assert.deepEqual(
    ["equity", "pnl_realized", "pnl_unrealized", "drawdown_ratio", "kill_switch_engaged"].map((n) =>
      samples(body, `live_loop_${n}`)[0]
    ),
    [
      "live_loop_equity 10012.5",
      "live_loop_pnl_realized 10",
      "live_loop_pnl_unrealized 2.5",
      "live_loop_drawdown_ratio 0.0125",
      "live_loop_kill_switch_engaged 0",
    ],
  );
  assert.deepEqual(samples(body, "live_loop_venue_heartbeat_age_seconds"), [
    'live_loop_venue_heartbeat_age_seconds{venue="binance"} 1.5',
  ]);
  assert.deepEqual(samples(body, "live_loop_submission_queue_depth"), ["live_loop_submission_queue_depth 1"]);
  assert.deepEqual(samples(body, "live_loop_inflight_orders"), ["live_loop_inflight_orders 2"]);
  assert.deepEqual(samples(body, "live_loop_reconcile_total"), [
    'live_loop_reconcile_total{outcome="ok"} 1',
    'live_loop_reconcile_total{outcome="failed"} 0',
  ]);
  const denials = samples(body, "live_loop_risk_denials_total");
  assert.equal(denials.length, RISK_REASONS.length, "every reason present, zeros included");
  assert.ok(denials.includes('live_loop_risk_denials_total{reason="PRICE_OUTSIDE_COLLAR"} 2'));
  assert.ok(denials.includes('live_loop_risk_denials_total{reason="DRAWDOWN_EXCEEDED"} 0'));
  assert.deepEqual(samples(body, "live_loop_recovery_quarantined"), ["live_loop_recovery_quarantined 0"]);
  assert.match(body, /^# TYPE live_loop_event_log_fsync_seconds histogram$/m);
  assert.deepEqual(samples(body, "live_loop_event_log_fsync_seconds_count"), [
    "live_loop_event_log_fsync_seconds_count 0",
  ]);

  // The next scrape reads the view again: halted, quarantined, a venue never heard from, fsyncs seen.
  view = liveView({
    killSwitch: engage(liveView().killSwitch, { atMs: NOW, action: "engage", reason: "ops", by: "admin" }),
    store: { lastDurableWriteMs: null, recovery: "quarantined", problems: ["run 3: hash mismatch at seq 7"] },
    venues: { binance: { ok: false, error: "connection refused", lastSeenMs: null } },
    positions: [],
  });
  m.observeFsync(0.002);
  m.observeFsync(0.3);
  m.badRequest("method");
  const b2 = await m.registry.metrics();
  assert.deepEqual(samples(b2, "live_loop_kill_switch_engaged"), ["live_loop_kill_switch_engaged 1"]);
  assert.deepEqual(samples(b2, "live_loop_recovery_quarantined"), ["live_loop_recovery_quarantined 1"]);
  assert.deepEqual(samples(b2, "live_loop_venue_heartbeat_age_seconds"), [
    `live_loop_venue_heartbeat_age_seconds{venue="binance"} ${(NOW - T0) / 1000}`,
  ]);
  assert.deepEqual(samples(b2, "live_loop_position"), [], "a position the view no longer has is gone");
  assert.deepEqual(
    samples(b2, "live_loop_event_log_fsync_seconds_bucket").filter((l) =>
      /le="(0\.0025|0\.25|0\.5)"/.test(l)
    ),
    [
      'live_loop_event_log_fsync_seconds_bucket{le="0.0025"} 1',
      'live_loop_event_log_fsync_seconds_bucket{le="0.25"} 1',
      'live_loop_event_log_fsync_seconds_bucket{le="0.5"} 2',
    ],
  );
  assert.deepEqual(samples(b2, "live_loop_event_log_fsync_seconds_count"), [
    "live_loop_event_log_fsync_seconds_count 2",
  ]);
  assert.ok(
    samples(b2, "live_loop_http_bad_requests_total").includes(
      'live_loop_http_bad_requests_total{reason="method"} 1',
    ),
  );

  const check = await runTool("promtool", ["check", "metrics"], b2);
  assert.equal(check.code, 0, check.stdout + check.stderr);
});
