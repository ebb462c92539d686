// The OMS's order and its state machine: one explicit transition table, and a pure transition that
// refuses (with a reason) every move not in it. Quantities and prices are integer atoms of 1e-8 (the
// venue's 8 decimals), never floats. Fills are deduplicated by the venue's trade id.
import type { OrderType, Side, TimeInForce } from "../trading/venue.ts";

export const ORDER_STATES = [
  "INITIALIZED", // intent logged, not sent
  "SUBMITTED", // sent (or about to be): the venue's answer is not known yet
  "ACCEPTED",
  "PARTIALLY_FILLED",
  "PENDING_CANCEL",
  "FILLED",
  "CANCELED",
  "REJECTED",
  "EXPIRED",
  "DENIED", // refused locally, never left the process
] as const;
export type OrderState = typeof ORDER_STATES[number];

const CLOSED: ReadonlySet<OrderState> = new Set(["FILLED", "CANCELED", "REJECTED", "EXPIRED", "DENIED"]);
export const isClosed = (s: OrderState): boolean => CLOSED.has(s);
/** Open at the venue or possibly so: what risk counts and reconciliation tracks. */
export const isWorking = (s: OrderState): boolean => !isClosed(s) && s !== "INITIALIZED";

/** One execution, as the OMS keeps it (atoms of 1e-8). */
export interface OrderFill {
  readonly tradeId: number;
  readonly qty: number;
  readonly price: number;
  /** qty * price in quote atoms, as the venue reported it (quoteQty). */
  readonly quote: number;
  readonly commission: number;
  readonly commissionAsset: string | null;
  readonly timeMs: number;
  readonly isMaker: boolean;
}

export interface Order {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce | null;
  /** Base quantity in atoms. */
  readonly quantity: number;
  /** Limit price in atoms; null for MARKET. */
  readonly price: number | null;
  readonly reduceOnly: boolean;
  /** local: placed by this OMS; external: found at the venue and adopted at reconciliation. */
  readonly origin: "local" | "external";
  readonly strategy: string;
  readonly correlationId: string;
  readonly state: OrderState;
  readonly venueOrderId: number | null;
  readonly filledQty: number;
  readonly filledQuote: number;
  readonly tradeIds: readonly number[];
  /** Why it was denied, rejected, canceled or expired (venue or local words). */
  readonly reason: string | null;
}

export type OrderEvent =
  | { readonly kind: "submitted" }
  | { readonly kind: "denied"; readonly reason: string }
  | { readonly kind: "accepted"; readonly venueOrderId: number }
  | { readonly kind: "rejected"; readonly reason: string }
  | { readonly kind: "fill"; readonly fill: OrderFill }
  | { readonly kind: "cancel_requested" }
  | { readonly kind: "cancel_rejected"; readonly reason: string }
  | { readonly kind: "canceled"; readonly reason?: string }
  | { readonly kind: "expired"; readonly reason?: string };
export type OrderEventKind = OrderEvent["kind"];

/** "fill" targets depend on the quantity left, so its row names the state a partial fill leads to. */
type Row = Partial<Record<OrderEventKind, OrderState>>;

/**
 * The table: state -> event -> next state. Anything absent is refused. A fill that completes the
 * quantity goes to FILLED from any state with a "fill" entry; a partial fill goes where the entry says.
 */
export const TRANSITIONS: Readonly<Record<OrderState, Row>> = {
  // External orders enter INITIALIZED and are brought to the venue's state (accepted, fill, ...). A local
  // one canceled before it was sent ends CANCELED, as a held one does (a user's cancel, one end state);
  // `denied` stays for the loop's own refusals (and older logs, where a cancel of a queued order was one).
  INITIALIZED: {
    submitted: "SUBMITTED",
    denied: "DENIED",
    canceled: "CANCELED",
    accepted: "ACCEPTED",
    fill: "PARTIALLY_FILLED",
  },
  SUBMITTED: {
    accepted: "ACCEPTED",
    rejected: "REJECTED",
    fill: "PARTIALLY_FILLED", // SUBMITTED -> FILLED when the ack is lost or late
    cancel_requested: "PENDING_CANCEL",
    canceled: "CANCELED", // IOC/FOK, or canceled before we saw the ack
    expired: "EXPIRED",
  },
  ACCEPTED: {
    fill: "PARTIALLY_FILLED",
    cancel_requested: "PENDING_CANCEL",
    canceled: "CANCELED",
    expired: "EXPIRED",
  },
  PARTIALLY_FILLED: {
    fill: "PARTIALLY_FILLED",
    cancel_requested: "PENDING_CANCEL",
    canceled: "CANCELED",
    expired: "EXPIRED",
  },
  PENDING_CANCEL: {
    fill: "PENDING_CANCEL",
    canceled: "CANCELED",
    expired: "EXPIRED",
    cancel_rejected: "ACCEPTED", // the cancel failed: back to open (PARTIALLY_FILLED if it has fills)
    rejected: "REJECTED", // cancel sent before the ack; the order itself was refused
  },
  FILLED: {},
  CANCELED: { fill: "CANCELED" }, // a fill racing the cancel is real; a full one makes it FILLED
  REJECTED: {},
  EXPIRED: { fill: "EXPIRED" }, // a late fill report of an IOC that expired after a partial fill
  DENIED: {},
};

export type TransitionResult =
  | { readonly ok: true; readonly order: Order; readonly duplicate: boolean }
  | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): TransitionResult => ({ ok: false, reason });

/**
 * Applies one event to an order, or refuses it naming why. Duplicates are not refusals: a fill whose
 * trade id is known, or an ack repeated by the stream after the REST answer (or after a fill that
 * raced it), leaves the order unchanged with `duplicate: true`.
 */
export function transition(order: Order, ev: OrderEvent): TransitionResult {
  const s = order.state;
  if (ev.kind === "fill" && order.tradeIds.includes(ev.fill.tradeId)) {
    return { ok: true, order, duplicate: true };
  }
  if (
    ev.kind === "accepted" && (s === "ACCEPTED" || s === "PARTIALLY_FILLED" || s === "PENDING_CANCEL" ||
      s === "FILLED" || s === "CANCELED" || s === "EXPIRED")
  ) return lateAck(order, ev.venueOrderId);
  // The same end reported twice (the REST answer and the stream both say CANCELED): a duplicate.
  if (SAME_END[ev.kind] === s) return { ok: true, order, duplicate: true };
  const next = TRANSITIONS[s][ev.kind];
  if (next === undefined) return refuse(`${s} -> ${ev.kind} is not a transition`);
  if (s === "INITIALIZED" && order.origin === "local" && (ev.kind === "accepted" || ev.kind === "fill")) {
    return refuse(`INITIALIZED -> ${ev.kind}: a local order is submitted first (only external ones adopt)`);
  }
  if (s === "INITIALIZED" && order.origin === "external" && ev.kind === "canceled") {
    return refuse(
      "INITIALIZED -> canceled: an external order is adopted open (only a local one ends unsent)",
    );
  }
  switch (ev.kind) {
    case "fill":
      return applyFill(order, ev.fill, next);
    case "accepted":
      return done({ ...order, state: next, venueOrderId: ev.venueOrderId });
    case "cancel_rejected":
      return done({ ...order, state: order.filledQty > 0 ? "PARTIALLY_FILLED" : "ACCEPTED" });
    case "denied":
    case "rejected":
      return done({ ...order, state: next, reason: ev.reason });
    case "canceled":
    case "expired":
      return done({ ...order, state: next, reason: ev.reason ?? null });
    default:
      return done({ ...order, state: next });
  }
}

const SAME_END: Partial<Record<OrderEventKind, OrderState>> = {
  canceled: "CANCELED",
  expired: "EXPIRED",
  rejected: "REJECTED",
};

const done = (order: Order): TransitionResult => ({ ok: true, order, duplicate: false });

function lateAck(order: Order, venueOrderId: number): TransitionResult {
  if (order.venueOrderId === null) return done({ ...order, venueOrderId });
  if (order.venueOrderId !== venueOrderId) {
    return refuse(`ack names venue order ${venueOrderId}, the order is ${order.venueOrderId}`);
  }
  return { ok: true, order, duplicate: true };
}

function applyFill(order: Order, f: OrderFill, partial: OrderState): TransitionResult {
  if (!(f.qty > 0) || !Number.isSafeInteger(f.qty) || !Number.isSafeInteger(f.price) || f.price < 0) {
    return refuse(`fill ${f.tradeId}: quantity and price must be positive atoms`);
  }
  const filledQty = order.filledQty + f.qty;
  if (filledQty > order.quantity) {
    return refuse(`fill ${f.tradeId} overfills: ${filledQty} of ${order.quantity} atoms`);
  }
  const state = filledQty === order.quantity ? "FILLED" : partial;
  return done({
    ...order,
    state,
    filledQty,
    filledQuote: order.filledQuote + f.quote,
    tradeIds: [...order.tradeIds, f.tradeId],
  });
}
