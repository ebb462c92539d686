import assert from "node:assert/strict";
import { runTool } from "../prom/tools.ts";
import { ACTIVE_SWITCH, engage } from "../oms/kill_switch.ts";
import { RISK_REASONS } from "../oms/risk.ts";
import { loopView, NOW, T0 } from "../../testing/live_view.ts";
import { createLiveMetrics } from "./metrics.ts";
import type { LoopView } from "./loop_view.ts";

/** The sample lines of one metric family (no HELP/TYPE), in exposition order. */
const samples = (body: string, name: string) =>
  body.split("\n").filter((l) => l.startsWith(name + "{") || l.startsWith(name + " "));

Deno.test("live_loop metrics: every contract name, in units, read from the view at scrape time", async () => {
  let view: LoopView = loopView();
  const m = createLiveMetrics(() => view, T0);
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
  const rec = samples(body, "live_loop_reconcile_total");
  assert.equal(rec.length, 9, "every outcome present, zeros included");
  assert.ok(rec.includes('live_loop_reconcile_total{outcome="succeeded"} 1'));
  assert.ok(rec.includes('live_loop_reconcile_total{outcome="failed"} 0'));
  const denials = samples(body, "live_loop_risk_denials_total");
  assert.equal(denials.length, RISK_REASONS.length, "every reason present, zeros included");
  assert.ok(denials.includes('live_loop_risk_denials_total{reason="PRICE_OUTSIDE_COLLAR"} 2'));
  assert.ok(denials.includes('live_loop_risk_denials_total{reason="DRAWDOWN_EXCEEDED"} 0'));
  assert.deepEqual(samples(body, "live_loop_recovery_quarantined"), ["live_loop_recovery_quarantined 0"]);
  assert.deepEqual(samples(body, "live_loop_reconcile_failed"), ["live_loop_reconcile_failed 0"]);
  assert.match(body, /^# TYPE live_loop_event_log_fsync_seconds histogram$/m);
  assert.deepEqual(samples(body, "live_loop_event_log_fsync_seconds_bucket"), [
    'live_loop_event_log_fsync_seconds_bucket{le="0.001"} 40',
    'live_loop_event_log_fsync_seconds_bucket{le="0.01"} 56',
    'live_loop_event_log_fsync_seconds_bucket{le="0.1"} 57',
    'live_loop_event_log_fsync_seconds_bucket{le="+Inf"} 57',
  ]);
  assert.deepEqual(
    [
      ...samples(body, "live_loop_event_log_fsync_seconds_sum"),
      ...samples(body, "live_loop_event_log_fsync_seconds_count"),
    ],
    ["live_loop_event_log_fsync_seconds_sum 0.125", "live_loop_event_log_fsync_seconds_count 57"],
  );

  // The next scrape reads the view again: halted, quarantined, no user-stream event yet, no marks.
  view = loopView({
    killSwitch: engage(ACTIVE_SWITCH, { atMs: NOW, action: "engage", reason: "ops", by: "admin" }),
    store: { recovery: "quarantined", recoveryProblems: ["run 3: hash mismatch at seq 7"] },
    stream: { state: "down", heartbeatAgeMs: null },
    equity: { equity: null },
    positions: [],
    counters: { riskDenials: { TRADING_HALTED: 1, SOMETHING_NEW: 1 } },
    reconciliation: { state: "failed", reason: "openOrders: ambiguous" },
  });
  m.badRequest("method");
  const b2 = await m.registry.metrics();
  assert.deepEqual(samples(b2, "live_loop_kill_switch_engaged"), ["live_loop_kill_switch_engaged 1"]);
  assert.deepEqual(samples(b2, "live_loop_recovery_quarantined"), ["live_loop_recovery_quarantined 1"]);
  assert.deepEqual(samples(b2, "live_loop_reconcile_failed"), ["live_loop_reconcile_failed 1"]);
  assert.deepEqual(samples(b2, "live_loop_venue_heartbeat_age_seconds"), [
    `live_loop_venue_heartbeat_age_seconds{venue="binance"} 10`,
  ]);
  assert.deepEqual(samples(b2, "live_loop_equity"), [], "no equity before every asset has a mark");
  assert.deepEqual(samples(b2, "live_loop_position"), [], "a position the view no longer has is gone");
  const d2 = samples(b2, "live_loop_risk_denials_total");
  assert.equal(d2.length, RISK_REASONS.length + 1);
  assert.ok(d2.includes('live_loop_risk_denials_total{reason="SOMETHING_NEW"} 1'));
  assert.ok(
    samples(b2, "live_loop_http_bad_requests_total").includes(
      'live_loop_http_bad_requests_total{reason="method"} 1',
    ),
  );

  const check = await runTool("promtool", ["check", "metrics"], b2);
  assert.equal(check.code, 0, check.stdout + check.stderr);
});

Deno.test("live_loop_orders_total and live_loop_fills_total: 0 per traded symbol from the first scrape (increase() counts the first fill)", async () => {
  const base = loopView();
  // No position and nothing counted yet (before the log opens): the configured symbol still has its series.
  const view: LoopView = {
    ...base,
    positions: [],
    counters: { ...base.counters, orders: {}, fills: {} },
  };
  const body = await createLiveMetrics(() => view, T0).registry.metrics();
  assert.deepEqual(samples(body, "live_loop_fills_total"), [
    'live_loop_fills_total{venue="binance",symbol="BTC-USDT"} 0',
  ]);
  assert.equal(samples(body, "live_loop_orders_total").length, 5);
  assert.ok(samples(body, "live_loop_orders_total").every((l) => l.endsWith(" 0")));
});
