// A PENDING_CANCEL order's cancel answered, and its cancel sent again when it went astray. A cancel can
// reach the venue before the order does (the place still on the wire): the venue refuses it as unknown
// (-2011) and then accepts the order, which would rest there with its cancel lost. So a refusal is
// remembered (InflightInfo.cancelRefused) and the cancel goes again once the order is acked; the
// in-flight checker sends it again for an order it finds still open (inflight.ts).
import type { Order } from "../oms/order.ts";
import { openAtVenue, statusEvent } from "../oms/venue_map.ts";
import type { Outcome, VenueOrder } from "../trading/venue.ts";
import type { InflightInfo, LoopCore } from "./core.ts";
import { EV } from "./counters.ts";
import { fetchFills } from "./venue_fills.ts";

/**
 * A PENDING_CANCEL order's cancel again, once, when its last one was refused as unknown before the venue
 * knew the order (its place was on the wire): called as its ack is applied (place.ts) or, the ack first,
 * as the refusal comes (cancelOrder). Whichever comes second sends it; the flag makes it once.
 */
export async function cancelAgain(core: LoopCore, id: string): Promise<void> {
  const o = core.j.book.order(id)!, info = core.inflight.get(id);
  if (o.state !== "PENDING_CANCEL" || !info?.cancelRefused) return;
  info.cancelRefused = false;
  await resendCancel(core, o, info, "its cancel reached the venue before the order did");
}

export async function resendCancel(core: LoopCore, o: Order, info: InflightInfo, why: string): Promise<void> {
  info.sentAtMs = core.now(); // the checker's threshold counts from this request
  core.counters.emit("warn", EV.inflight, { clientOrderId: o.clientOrderId, phase: "cancel_resent", why });
  await settleCancel(
    core,
    o.clientOrderId,
    await core.venue.cancel({ symbol: o.symbol, clientOrderId: o.clientOrderId }),
  );
}

/** A cancel's (or a query's) answer for a PENDING_CANCEL order; ambiguous leaves it to the checker. */
export async function settleCancel(core: LoopCore, id: string, out: Outcome<VenueOrder>): Promise<void> {
  const now = core.j.book.order(id)!;
  if (now.state !== "PENDING_CANCEL") return; // a stream event settled it first
  if (out.kind === "confirmed") {
    const v = out.value;
    if (now.venueOrderId === null) {
      await core.apply(id, { kind: "accepted", venueOrderId: v.orderId }, "cancel");
    }
    const s = statusEvent(v);
    // Open still: it stays PENDING_CANCEL and the checker sends the cancel again (as after a query);
    // cancel_rejected would make it ACCEPTED and the cancel would be dropped.
    if (openAtVenue(v)) {
      core.counters.emit("warn", EV.inflight, { clientOrderId: id, phase: "cancel_open", status: v.status });
    } else if (s && s.kind !== "accepted") await core.apply(id, s, "cancel");
    await fetchFills(core, core.j.book.order(id)!, v, "cancel");
  } else if (out.kind === "rejected") {
    // -2011: unknown to the venue's cancel (filled first, or not placed yet): sent again once acked
    // (cancelAgain), else asked by query next round.
    const info = core.inflight.get(id);
    if (info) info.cancelRefused = true;
    core.counters.emit("warn", EV.inflight, {
      clientOrderId: id,
      phase: "cancel_refused",
      reason: out.reason,
    });
  }
}
