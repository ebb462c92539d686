// Query answers for the on-call group checks' unit tests, shaped exactly as Prometheus's HTTP API sends
// them (vector and matrix bodies, parsed by the same parseQueryAnswer that judges a live answer), and a
// healthy stack's answer to every query of the shipped checklist.
import type { AlertsOutcome } from "../lib/alerting/am_client.ts";
import { type QueryKey } from "../lib/oncall/checks.ts";
import { type OncallConfig } from "../lib/oncall/config.ts";
import { parseQueryAnswer, type QueryOutcome } from "../lib/prom/client.ts";

export const T = 1_764_676_800; // 2025-12-02T12:00:00Z
export const MIDNIGHT = 1_764_633_600;
export const NODE = { job: "node", instance: "127.0.0.1:9100" };
export const LOOP = { job: "live_loop", instance: "127.0.0.1:9120" };

type Labels = Record<string, string>;
export const vector = (rows: [Labels, number][]): QueryOutcome =>
  parseQueryAnswer(JSON.stringify({
    status: "success",
    data: { resultType: "vector", result: rows.map(([metric, v]) => ({ metric, value: [T, String(v)] })) },
  }));
export const matrix = (rows: [Labels, [number, number][]][]): QueryOutcome =>
  parseQueryAnswer(JSON.stringify({
    status: "success",
    data: {
      resultType: "matrix",
      result: rows.map(([metric, pts]) => ({ metric, values: pts.map(([t, v]) => [t, String(v)]) })),
    },
  }));
export const apiError = parseQueryAnswer('{"status":"error","errorType":"bad_data","error":"parse error"}');
export const noAlerts: AlertsOutcome = { url: "http://am/api/v2/alerts", raw: "[]", ok: true, alerts: [] };
export const stream = { venue: "binance", symbol: "BTC-USDT", interval: "1m", ...NODE };

/** Every query of `cfg` (the shipped jobs) answered as a healthy stack answers it. */
export function healthy(cfg: OncallConfig): Partial<Record<QueryKey, QueryOutcome>> {
  const feed = { venue: "binance", symbol: "BTC-USDT" };
  return {
    up: vector(cfg.jobs.map((job) => [{ job, instance: `${job}:1` }, 1])),
    latency_p99: vector([[{ venue: "binance" }, 120]]),
    bars_increase: vector([[feed, 5]]),
    bars_active: vector([[feed, 100]]),
    reconnects: vector([[{ venue: "binance" }, 0]]),
    gaps: vector([[{}, 0]]),
    nan: vector([[{}, 0]]),
    ai_event_age: vector([[{ source: "shadow" }, 3]]),
    cpu_busy: vector([[{ instance: NODE.instance }, 0.4213]]),
    memory_available: vector([[{ instance: NODE.instance }, 0.62]]),
    disk_free: vector([[{ instance: NODE.instance, mountpoint: "/" }, 0.3], [{
      instance: NODE.instance,
      mountpoint: "/data",
    }, 0.8]]),
    component_errors: vector(
      ["live_connector", "shadow_mvs", "ai_live", "peak_trade_web", "live_loop"].map((job) => [{ job }, 0]),
    ),
    equity_unexplained: vector([[LOOP, 0.0000123]]),
    equity_today: matrix([[LOOP, [[MIDNIGHT - 30, 9000], [MIDNIGHT, 10_000], [T - 30, 9_950], [
      T,
      9_940.5,
    ]]]]),
    drawdown_today: matrix([[LOOP, [[MIDNIGHT - 30, 0.2], [MIDNIGHT, 0], [T - 30, 0.012], [T, 0.006]]]]),
    fills: vector([[{ instance: LOOP.instance }, 4]]),
    kill_switch: vector([[{ instance: LOOP.instance }, 0]]),
    inflight_min: vector([[LOOP, 0]]),
    heartbeat_age: vector([[{ instance: LOOP.instance, venue: "binance" }, 2.5]]),
    drift_psi: vector([[{ ...stream, feature: "rsi_14" }, 0.05], [{ ...stream, feature: "volume" }, 0.31]]),
    drift_null_p95: vector([[{ ...stream, feature: "rsi_14" }, 0.08], [
      { ...stream, feature: "volume" },
      0.4,
    ]]),
    drift_age: vector([[{ venue: "binance", symbol: "BTC-USDT", interval: "1m" }, 3600]]),
    tracking_error: vector([[stream, 0.0012]]),
    tracking_error_bound: vector([[stream, 0.004]]),
    parity_unmatched: vector([[stream, 0]]),
    backtest_age: vector([[{}, 7200]]),
    backup_drill_age: vector([[{}, 86_400]]),
  };
}
