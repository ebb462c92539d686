// A LoopView (the loop's snapshot as its HTTP shell reads it) with everything healthy, and overrides:
// the fixed input of the metrics, health and server tests of lib/live. Plain data, not a double.
import { ACTIVE_SWITCH } from "../lib/oms/kill_switch.ts";
import type { LoopView } from "../lib/live/loop_view.ts";

/** The shell started at T0; the view is taken 10 s later. */
export const T0 = 1_800_000_000_000;
export const NOW = T0 + 10_000;
export const ATOMS = 100_000_000;

type Over = { [K in keyof LoopView]?: LoopView[K] extends object ? Partial<LoopView[K]> : LoopView[K] };

export function loopView(over: Over = {}): LoopView {
  const base: LoopView = {
    nowMs: NOW,
    venue: "binance",
    symbols: ["BTC-USDT"],
    mode: "paper",
    startMode: "warm",
    status: "ready",
    reason: null,
    killSwitch: ACTIVE_SWITCH,
    store: {
      recovery: "clean",
      recoveryProblems: [],
      run: 4,
      durableSeq: 57,
      lastDurableWriteAtMs: NOW - 250,
      lastDurableWriteAgeMs: 250,
      failed: null,
      fsync: { bounds: [0.001, 0.01, 0.1], counts: [40, 56, 57], count: 57, sumSeconds: 0.125 },
    },
    reconciliation: {
      state: "done",
      trigger: "start",
      lastStartedAtMs: T0 + 100,
      lastFinishedAtMs: T0 + 900,
      reason: null,
      last: { requeued: 1, adopted: 1, succeeded: 1 },
      total: { requeued: 1, adopted: 1, succeeded: 1 },
      report: ["requeue c-7 (intent logged, never sent)", "adopt web_1 as EXTERNAL"],
    },
    stream: { state: "up", sinceMs: T0 + 50, heartbeatAgeMs: 1_500, reconnects: 0, lastDownCause: null },
    queueDepth: 1,
    inflight: 2,
    openOrders: 3,
    positions: [{
      symbol: "BTC-USDT",
      qty: 1_500_000,
      cost: 900 * ATOMS,
      realized: 10 * ATOMS,
      unrealized: 2.5 * ATOMS,
      mark: 60_166 * ATOMS,
    }],
    equity: {
      equity: 10_012.5 * ATOMS,
      peak: 10_139 * ATOMS,
      dayStart: 10_000 * ATOMS,
      drawdownBps: 125,
      pnlRealized: 10 * ATOMS,
      pnlUnrealized: 2.5 * ATOMS,
    },
    counters: {
      orders: { "BTC-USDT|placed": 3, "BTC-USDT|acknowledged": 3, "BTC-USDT|filled": 2 },
      fills: { "BTC-USDT": 4 },
      riskDenials: { PRICE_OUTSIDE_COLLAR: 2 },
      events: { "live_loop.order_processed": 3 },
      refusedTransitions: 0,
      badVenueInput: 0,
    },
  };
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = (base as unknown as Record<string, unknown>)[k];
    merged[k] =
      v !== null && typeof v === "object" && !Array.isArray(v) && b !== null && typeof b === "object"
        ? { ...b, ...v }
        : v;
  }
  return merged as unknown as LoopView;
}
