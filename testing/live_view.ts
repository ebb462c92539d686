// A LiveView (the loop's snapshot as the HTTP face reads it) with everything healthy, and overrides:
// the fixed input for the metrics, health and server tests of lib/live. Plain data, not a double.
import { ACTIVE_SWITCH } from "../lib/oms/kill_switch.ts";
import type { LiveView } from "../lib/live/service_view.ts";

/** The fixture's clock: start at T0, the view taken 10 s later. */
export const T0 = 1_800_000_000_000;
export const NOW = T0 + 10_000;

export function liveView(over: Partial<LiveView> = {}): LiveView {
  return {
    startedMs: T0,
    mode: "paper",
    orders: [
      { venue: "binance", symbol: "BTC-USDT", event: "placed", count: 3 },
      { venue: "binance", symbol: "BTC-USDT", event: "acknowledged", count: 3 },
      { venue: "binance", symbol: "BTC-USDT", event: "filled", count: 2 },
    ],
    fills: [{ venue: "binance", symbol: "BTC-USDT", count: 4 }],
    positions: [{ venue: "binance", symbol: "BTC-USDT", base: 0.015 }],
    equity: 10_012.5,
    pnlRealized: 10,
    pnlUnrealized: 2.5,
    drawdownRatio: 0.0125,
    killSwitch: ACTIVE_SWITCH,
    venues: { binance: { ok: true, error: null, lastSeenMs: NOW - 1_500 } },
    feed: { ok: true, error: null, lastSeenMs: NOW - 20_000 },
    submissionQueueDepth: 1,
    inflightOrders: 2,
    reconcile: {
      state: "done",
      reason: null,
      counts: { requeued: 1, adopted: 0 },
      runs: { ok: 1, failed: 0 },
    },
    riskDenials: { PRICE_OUTSIDE_COLLAR: 2 },
    clientRateLimiter: { utilisation: 0.3, saturatedKeys: [] },
    store: { lastDurableWriteMs: NOW - 250, recovery: "clean", problems: [] },
    ...over,
  };
}
