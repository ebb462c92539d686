// The OMS's event-log record types and their data: what the loop appends and what replay folds. The
// log holds venue-neutral decisions and reports (never a secret), so a replay rebuilds the same book.
//
// The send protocol that lets the log prove what was never sent: (1) risk check; (2) `order_intent`,
// durable: the order is INITIALIZED, queued, provably not sent (a boot may re-enqueue it, same id);
// (3) `order_event` submitted, durable, THEN the request leaves the process; (4) the outcome as
// events: confirmed -> accepted (and fills), rejected -> rejected, ambiguous -> nothing: it stays
// SUBMITTED until a query or reconciliation settles it (never re-sent with a new id).
//
// What must be durable before it is acted on: the intent and `submitted` (both before the request
// leaves: without the intent the order is unknown, without `submitted` a boot would send it again);
// fills and order ends (risk, equity, the kill switch and the hooks act on them); cancel requests. A
// record of the venue's ack, or one the book takes as a duplicate, is applied once WRITTEN (the next
// sync covers it, nothing waits for one; the log still resolves records in seq order, so it is never
// applied before an earlier record is durable): nothing leaves the process on it; a crash that loses it
// leaves the order SUBMITTED (or as it was), which the in-flight check and warm-start reconciliation
// settle by asking the venue. Concurrent intents share one sync (group commit, event_log.ts); an order
// sent at once (nothing queued before it) logs `submitted` right after its intent, so ONE sync makes
// both durable before the request leaves. A crash before that sync leaves neither (never admitted,
// never sent); after it, the order is SUBMITTED: maybe sent, so never re-queued, only queried. The
// kill switch is checked again after the sync; halted by then, the order is `rejected`, never sent.
import type { OrderType, Side, TimeInForce } from "../trading/venue.ts";
import { type Order, type OrderEvent, transition } from "./order.ts";

export const REC = {
  /** data: RunStartData */
  runStart: "run_start",
  /** A new local order, durable before anything is sent. data: IntentData */
  intent: "order_intent",
  /** A venue order the OMS did not know, found at reconciliation. data: AdoptData */
  adopted: "order_adopted",
  /** Something happened to a known order. data: OrderEventData */
  event: "order_event",
  /** The kill switch changed (engage, trip, reset), for the record. data: the switch's state. */
  killSwitch: "kill_switch",
  /** The clean-end marker (log_record.ts RUN_END). */
  runEnd: "run_end",
} as const;

/** What a new order needs; quantities and prices in atoms of 1e-8. */
export interface NewOrder {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce | null;
  readonly quantity: number;
  readonly price: number | null;
  readonly reduceOnly: boolean;
  readonly strategy: string;
  readonly correlationId: string;
}

export interface RunStartData {
  readonly runId: string;
  readonly tag: string;
}
export interface IntentData {
  readonly order: NewOrder;
  /** The client id counter this intent used, so replay restores it. */
  readonly counter: number;
}
export interface AdoptData {
  readonly order: NewOrder;
  readonly venueOrderId: number;
}
export interface OrderEventData {
  readonly clientOrderId: string;
  readonly event: OrderEvent;
}

/** The protocol's rule above: `event` for `order` may be applied once written, before its sync. */
export function appliesOnceWritten(order: Order, event: OrderEvent): boolean {
  if (event.kind === "accepted") return true;
  const t = transition(order, event);
  return t.ok && t.duplicate;
}
