// The loop's ai_event v1 lines (issue 12): an action per venue fill and per kill-switch change, appended
// to the AI events file the exporter tails (PEAK_TRADE_AI_EVENTS_JSONL), so the exporter and the proofs
// see the loop. Built as plain data here; written by the shadow's validated writer (lib/shadow/event_log).
// A failed write is logged and counted, never thrown into the loop.
import type { AiEventInput } from "../events/ai_event.ts";
import type { Logger } from "../log.ts";
import type { KillSwitch } from "../oms/kill_switch.ts";
import type { Order, OrderFill } from "../oms/order.ts";
import type { Identity } from "../shadow/shadow_events.ts";
import type { LoopReader } from "./loop_view.ts";

export const LIVE_COMPONENT = "live_loop";
const ATOMS = 1e8;
const iso = (ms: number) => new Date(ms).toISOString();

export interface LiveEventContext {
  readonly id: Identity;
  readonly venue: string;
  readonly mode: string;
}

/** A fill: action "fill", amounts in units (the OMS's atoms / 1e8). */
export function fillEvent(c: LiveEventContext, o: Order, f: OrderFill, nowMs: number): AiEventInput {
  return {
    ts: iso(nowMs),
    type: "action",
    ...c.id,
    symbol: o.symbol,
    venue: c.venue,
    action: "fill",
    side: o.side.toLowerCase(),
    qty: f.qty / ATOMS,
    price: f.price / ATOMS,
    quote_qty: f.quote / ATOMS,
    commission: f.commission / ATOMS,
    commission_asset: f.commissionAsset,
    trade_id: f.tradeId,
    fill_time_ms: f.timeMs,
    client_order_id: o.clientOrderId,
    correlation_id: o.correlationId,
    order_state: o.state,
    strategy: o.strategy,
    mode: c.mode,
  };
}

/** A kill-switch change: action "kill_switch_halted" or "kill_switch_reset", with its last event. */
export function killSwitchEvent(c: LiveEventContext, ks: KillSwitch, nowMs: number): AiEventInput {
  const last = ks.events[ks.events.length - 1];
  return {
    ts: iso(nowMs),
    type: "action",
    ...c.id,
    venue: c.venue,
    action: ks.state === "HALTED" ? "kill_switch_halted" : "kill_switch_reset",
    kill_switch: ks.state,
    kill_switch_action: last?.action ?? null,
    reason: last?.reason ?? ks.reason,
    by: last?.by ?? null,
    since_ms: ks.sinceMs,
    mode: c.mode,
  };
}

export interface EventSink {
  write(ev: AiEventInput): unknown;
}

/** Subscribes the sink to the loop's fill and kill-switch hooks; returns the unsubscribe. */
export function attachAiEvents(
  loop: LoopReader,
  sink: EventSink,
  c: LiveEventContext,
  now: () => number,
  log: Logger,
): { readonly off: () => void; readonly counts: { written: number; failed: number } } {
  const counts = { written: 0, failed: 0 };
  const write = (ev: AiEventInput) => {
    try {
      sink.write(ev);
      counts.written++;
    } catch (err) {
      counts.failed++;
      log("error", "live_loop.ai_event_failed", { action: ev.action, error: String(err) });
    }
  };
  const offs = [
    loop.on("fill", ({ order, fill }) => write(fillEvent(c, order, fill, now()))),
    loop.on("kill_switch", (ks) => write(killSwitchEvent(c, ks, now()))),
  ];
  return { off: () => offs.forEach((f) => f()), counts };
}
