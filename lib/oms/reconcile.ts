// Reconciliation at start (and after a user-stream reconnect), pure: the book against the venue's
// open orders and recent fills gives a plan of steps; the loop logs each applied step through the
// journal. Never sent (INITIALIZED local) -> requeue with the same id; unknown at the OMS but open at
// the venue -> adopt as external; working at the OMS but not open at the venue -> one targeted query,
// then settleMissing: a grace period, then REJECTED (never acked) or CANCELED, fills kept, never re-sent;
// closed at the OMS but open at the venue -> a targeted query, then a problem if it is open indeed.
// Missed fills are applied once (the trade id dedupes them).
import type { Fill, Outcome, VenueOrder } from "../trading/venue.ts";
import type { OmsBook } from "./book.ts";
import { isClosed, isWorking, type Order, type OrderEvent } from "./order.ts";
import type { NewOrder } from "./records.ts";
import { adoptionOf, orderFillOf, statusEvent, toAtoms } from "./venue_map.ts";

export interface VenueView {
  readonly openOrders: readonly VenueOrder[];
  /** Recent fills of the traded symbols (fillsSince), any order. */
  readonly fills: readonly Fill[];
}

export type ReconcileStep =
  | { readonly kind: "requeue"; readonly clientOrderId: string }
  | {
    readonly kind: "adopt";
    readonly order: NewOrder;
    readonly venueOrderId: number;
    /** To apply after the adoption, in order: its status, then its fills. */
    readonly events: readonly OrderEvent[];
  }
  | { readonly kind: "apply"; readonly clientOrderId: string; readonly event: OrderEvent }
  | { readonly kind: "query"; readonly clientOrderId: string; readonly symbol: string }
  /**
   * Closed in the OMS, listed open at the venue (a cancel lost, or an order sent after its end): never
   * brought back open by the plan; one targeted query, and if the venue confirms it open, a problem.
   */
  | { readonly kind: "closed_open"; readonly clientOrderId: string; readonly symbol: string }
  /** A fill of an order neither side names yet (e.g. a SUBMITTED order whose ack was lost): match after the queries. */
  | { readonly kind: "unmatched_fill"; readonly fill: Fill }
  | { readonly kind: "problem"; readonly detail: string };

/** Fill events of venue order `venueOrderId` not among `known` trade ids, oldest first (problems as strings). */
export function missedFills(
  known: readonly number[],
  venueOrderId: number,
  fills: readonly Fill[],
): (OrderEvent | string)[] {
  return fills
    .filter((f) => f.orderId === venueOrderId && !known.includes(f.tradeId))
    .sort((a, b) => a.tradeId - b.tradeId)
    .map((f) => {
      const of = orderFillOf(f);
      return typeof of === "string" ? of : { kind: "fill", fill: of };
    });
}

/** The ack an order lacks, if the venue shows it (SUBMITTED, or no venue id yet). */
function ackIfMissing(o: Order, v: VenueOrder): OrderEvent | null {
  return o.state === "SUBMITTED" || o.venueOrderId === null
    ? { kind: "accepted", venueOrderId: v.orderId }
    : null;
}

export function planReconcile(
  book: OmsBook,
  view: VenueView,
  adoptCorr: (v: VenueOrder) => string,
): ReconcileStep[] {
  const steps: ReconcileStep[] = [];
  const open = new Map(view.openOrders.map((v) => [v.clientOrderId, v]));
  const matched = new Set<number>(); // venue order ids whose fills are handled
  const push = (id: string, evs: (OrderEvent | string)[]) => {
    for (const e of evs) {
      steps.push(
        typeof e === "string"
          ? { kind: "problem", detail: e }
          : { kind: "apply", clientOrderId: id, event: e },
      );
    }
  };
  for (const o of book.orders()) {
    const v = open.get(o.clientOrderId);
    if (o.state === "INITIALIZED" && o.origin === "local") {
      // The protocol logs "submitted" before sending; an open venue order with this id means that
      // record was lost, so it is not requeued but taken as sent.
      if (v) push(o.clientOrderId, [{ kind: "submitted" }, { kind: "accepted", venueOrderId: v.orderId }]);
      else steps.push({ kind: "requeue", clientOrderId: o.clientOrderId });
    } else if (isWorking(o.state) && !v) {
      steps.push({ kind: "query", clientOrderId: o.clientOrderId, symbol: o.symbol });
    } else if (v && isClosed(o.state)) {
      steps.push({ kind: "closed_open", clientOrderId: o.clientOrderId, symbol: o.symbol });
    } else if (v) {
      const ack = ackIfMissing(o, v);
      if (ack) push(o.clientOrderId, [ack]);
    }
    const vid = v?.orderId ?? o.venueOrderId;
    if (vid !== null && (v || o.state !== "INITIALIZED")) {
      matched.add(vid);
      push(o.clientOrderId, missedFills(o.tradeIds, vid, view.fills));
    }
  }
  for (const v of view.openOrders) {
    if (book.has(v.clientOrderId)) continue;
    const order = adoptionOf(v, adoptCorr(v));
    if (typeof order === "string") {
      steps.push({ kind: "problem", detail: order });
      continue;
    }
    matched.add(v.orderId);
    const status = statusEvent(v);
    const fills = missedFills([], v.orderId, view.fills);
    const events = [
      ...(status ? [status] : []),
      ...fills.filter((f): f is OrderEvent => typeof f !== "string"),
    ];
    steps.push({ kind: "adopt", order, venueOrderId: v.orderId, events });
    for (const f of fills) if (typeof f === "string") steps.push({ kind: "problem", detail: f });
  }
  for (const f of [...view.fills].sort((a, b) => a.tradeId - b.tradeId)) {
    if (!matched.has(f.orderId)) steps.push({ kind: "unmatched_fill", fill: f });
  }
  return steps;
}

export type Settlement =
  | { readonly kind: "events"; readonly events: readonly OrderEvent[]; readonly venueOrderId: number | null }
  | { readonly kind: "wait"; readonly detail: string }
  | { readonly kind: "retry"; readonly detail: string };

/**
 * A working order the venue did not list, after its targeted query. Found: the events it implies (its
 * fills then come by its venue id). Not found: wait out the grace period from when it was first
 * missed, then REJECTED if never acked, else CANCELED (fills kept). Any other answer: ask again.
 */
export function settleMissing(
  o: Order,
  q: Outcome<VenueOrder>,
  t: { readonly nowMs: number; readonly firstMissingMs: number; readonly graceMs: number },
): Settlement {
  if (q.kind === "confirmed") {
    const v = q.value;
    const ack = ackIfMissing(o, v);
    const s = statusEvent(v);
    const closing = s && s.kind !== "accepted" ? [s] : [];
    return { kind: "events", events: [...(ack ? [ack] : []), ...closing], venueOrderId: v.orderId };
  }
  if (q.kind === "ambiguous") return { kind: "retry", detail: `query ambiguous: ${q.cause}` };
  if (q.reason !== "not_found") return { kind: "retry", detail: `query refused: ${q.reason} ${q.msg}` };
  const left = t.firstMissingMs + t.graceMs - t.nowMs;
  if (left > 0) return { kind: "wait", detail: `not found at the venue; grace ends in ${left} ms` };
  const event: OrderEvent = o.state === "SUBMITTED" && o.venueOrderId === null
    ? { kind: "rejected", reason: "not found at the venue after the grace period" }
    : { kind: "canceled", reason: "missing at the venue after the grace period" };
  return { kind: "events", events: [event], venueOrderId: o.venueOrderId };
}

/**
 * An order neither the book nor the venue's open orders name, known only by its fills (a manual trade
 * while the loop was down): adopted as external, its quantity what filled (the venue's order query
 * needs a client id the fills do not carry). Or the problem.
 */
export function externalOfFills(fills: readonly Fill[]): NewOrder | string {
  const f = fills[0];
  let quantity = 0;
  for (const x of fills) {
    const q = toAtoms(x.qty, `fill ${x.tradeId} qty`);
    if (typeof q === "string") return q;
    quantity += q;
  }
  const id = `external-${f.orderId}`;
  return {
    clientOrderId: id,
    symbol: f.symbol,
    side: f.isBuyer ? "BUY" : "SELL",
    type: "MARKET",
    timeInForce: null,
    quantity,
    price: null,
    reduceOnly: false,
    strategy: "external",
    correlationId: id,
  };
}
