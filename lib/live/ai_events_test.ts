// The loop's ai_event lines, exactly: a fill in units with its ids, a kill-switch change with its last
// event; both valid ai_event v1 (the exporter's contract).
import assert from "node:assert/strict";
import { validateEvent } from "../events/ai_event.ts";
import type { Order } from "../oms/order.ts";
import { fillEvent, killSwitchEvent, type LiveEventContext } from "./ai_events.ts";

const C: LiveEventContext = {
  id: { run_id: "rs01-paper", component: "live_loop", source: "refstrat_01" },
  venue: "binance-spot",
  mode: "paper",
};
const T = Date.UTC(2026, 11, 2, 12, 0, 0);

Deno.test("ai_events: a fill is one action line in units, naming the order, the bar's correlation id and the trade", () => {
  const order: Order = {
    clientOrderId: "rs01-7",
    symbol: "BTCUSDT",
    side: "SELL",
    type: "MARKET",
    timeInForce: null,
    quantity: 99_900,
    price: null,
    reduceOnly: true,
    origin: "local",
    strategy: "rs01",
    correlationId: "rs01:BTCUSDT:1m:1796221200000",
    state: "FILLED",
    venueOrderId: 12,
    filledQty: 99_900,
    filledQuote: 6_016_536_441,
    tradeIds: [42],
    reason: null,
  };
  const fill = {
    tradeId: 42,
    qty: 99_900,
    price: 6_022_559_000_000,
    quote: 6_016_536_441,
    commission: 6_016_536,
    commissionAsset: "USDT",
    timeMs: T - 5,
    isMaker: false,
  };
  const ev = fillEvent(C, order, fill, T);
  assert.deepEqual(ev, {
    ts: "2026-12-02T12:00:00.000Z",
    type: "action",
    run_id: "rs01-paper",
    component: "live_loop",
    source: "refstrat_01",
    symbol: "BTCUSDT",
    venue: "binance-spot",
    action: "fill",
    side: "sell",
    qty: 0.000999,
    price: 60225.59,
    quote_qty: 60.16536441,
    commission: 0.06016536,
    commission_asset: "USDT",
    trade_id: 42,
    fill_time_ms: T - 5,
    client_order_id: "rs01-7",
    correlation_id: "rs01:BTCUSDT:1m:1796221200000",
    order_state: "FILLED",
    strategy: "rs01",
    mode: "paper",
  });
  assert.equal(validateEvent(ev).ok, true);
});

Deno.test("ai_events: a kill-switch change is an action line with its state and last event", () => {
  const halted = {
    state: "HALTED" as const,
    reason: "MAX_DRAWDOWN: 6%",
    sinceMs: T - 1000,
    events: [{ atMs: T - 1000, action: "trip" as const, reason: "MAX_DRAWDOWN: 6%", by: "risk" }],
  };
  const h = killSwitchEvent(C, halted, T);
  assert.deepEqual(h, {
    ts: "2026-12-02T12:00:00.000Z",
    type: "action",
    run_id: "rs01-paper",
    component: "live_loop",
    source: "refstrat_01",
    venue: "binance-spot",
    action: "kill_switch_halted",
    kill_switch: "HALTED",
    kill_switch_action: "trip",
    reason: "MAX_DRAWDOWN: 6%",
    by: "risk",
    since_ms: T - 1000,
    mode: "paper",
  });
  const reset = {
    state: "ACTIVE" as const,
    reason: null,
    sinceMs: null,
    events: [...halted.events, { atMs: T, action: "reset" as const, reason: "reviewed", by: "admin" }],
  };
  const a = killSwitchEvent(C, reset, T);
  assert.deepEqual([a.action, a.kill_switch, a.kill_switch_action, a.reason, a.by, a.since_ms], [
    "kill_switch_reset",
    "ACTIVE",
    "reset",
    "reviewed",
    "admin",
    null,
  ]);
  for (const ev of [h, a]) assert.equal(validateEvent(ev).ok, true);
});
