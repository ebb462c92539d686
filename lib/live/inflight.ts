// Cancels, and the in-flight checker that settles what an ambiguous answer left open. Cancels always
// pass (kill switch, reconciliation). The checker runs every `intervalMs`: an order SUBMITTED or
// PENDING_CANCEL for `thresholdMs` is queried by client id; one not found waits out the grace (a -2013
// right after a place is normal, binance_trading.md §8) and is then REJECTED (never acked, never
// re-sent) or CANCELED; fills the venue reports are fetched and applied once. A PENDING_CANCEL order
// found still open has its cancel sent again (up to `retries`), never put back open silently. Queries
// that keep failing, and cancels that keep missing, are reported stuck.
import { settleMissing } from "../oms/reconcile.ts";
import type { Order } from "../oms/order.ts";
import { openAtVenue, statusEvent } from "../oms/venue_map.ts";
import type { VenueOrder } from "../trading/venue.ts";
import { cancelAgain, resendCancel, settleCancel } from "./cancels.ts";
import type { InflightInfo, LoopCore } from "./core.ts";
import { EV } from "./counters.ts";
import { endHeld, isHeld } from "./held.ts";
import type { Submitter } from "./submitter.ts";
import { fetchFills } from "./venue_fills.ts";

export type CancelResult =
  | { readonly ok: true; readonly state: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Cancels one order: never sent (queued, or held by the worker: held.ts) it ends here CANCELED, the venue
 * not asked; else cancel_requested durable, then sent. A cancel that reached the venue before its order
 * did (the place still on the wire: -2011) goes again once the order is acked (cancelAgain).
 */
export async function cancelOrder(core: LoopCore, sub: Submitter, id: string): Promise<CancelResult> {
  const o = core.journal?.book.order(id);
  if (!o) return { ok: false, reason: `unknown order "${id}"` };
  if (o.origin === "local" && (o.state === "INITIALIZED" || isHeld(core, id))) {
    sub.unqueue(id);
    await endHeld(core, id, { kind: "canceled", reason: "canceled before it was sent" }, "cancel");
    return { ok: true, state: core.j.book.order(id)!.state };
  }
  if (o.state === "PENDING_CANCEL") {
    // Asked again (an operator, cancel on shutdown, a halt) while an earlier cancel is unanswered or
    // reported stuck: it goes to the venue once more (a cancel twice is harmless; one never sent is not).
    await settleCancel(core, id, await core.venue.cancel({ symbol: o.symbol, clientOrderId: id }));
    return { ok: true, state: core.j.book.order(id)!.state };
  }
  if (o.state !== "ACCEPTED" && o.state !== "PARTIALLY_FILLED" && o.state !== "SUBMITTED") {
    return { ok: false, reason: `order "${id}" is ${o.state}: nothing to cancel` };
  }
  await core.apply(id, { kind: "cancel_requested" }, "cancel");
  core.inflight.set(id, { sentAtMs: core.now(), firstMissingMs: null, failedQueries: 0 });
  const out = await core.venue.cancel({ symbol: o.symbol, clientOrderId: id });
  core.fx.crashAt?.("during_cancel");
  await settleCancel(core, id, out);
  // Sent unacked and refused as unknown, and the ack came while it was out: the venue knows it now.
  if (o.venueOrderId === null && core.j.book.order(id)!.venueOrderId !== null) await cancelAgain(core, id);
  return { ok: true, state: core.j.book.order(id)!.state };
}

/**
 * A PENDING_CANCEL order the checker found still open at the venue (its cancel lost: refused before the
 * order got there, or gone): its ack and fills, then the cancel again, up to `retries` times; after that
 * an error line, the order stuck in PENDING_CANCEL (never put back open: the cancel was asked for).
 */
async function stillOpen(core: LoopCore, o: Order, v: VenueOrder, info: InflightInfo): Promise<void> {
  const id = o.clientOrderId;
  if (o.venueOrderId === null) {
    await core.apply(id, { kind: "accepted", venueOrderId: v.orderId }, "inflight");
  }
  await fetchFills(core, core.j.book.order(id)!, v, "inflight");
  if (core.j.book.order(id)!.state !== "PENDING_CANCEL") return; // filled meanwhile
  const n = info.cancelsResent ?? 0;
  if (n === core.cfg.inflight.retries) {
    info.cancelsResent = n + 1; // reported once
    return stuck(core, o, {
      cancels: n + 1,
      detail: "open at the venue after every cancel sent: it stays PENDING_CANCEL, the cancel not dropped",
    });
  }
  if (n > core.cfg.inflight.retries) return;
  info.cancelsResent = n + 1;
  await resendCancel(core, o, info, "open at the venue after its cancel");
}

/** One round of the in-flight checker. */
export async function checkInflight(core: LoopCore): Promise<void> {
  const { thresholdMs, retries } = core.cfg.inflight;
  for (const o of core.j.book.working()) {
    if (o.state !== "SUBMITTED" && o.state !== "PENDING_CANCEL") continue;
    // A 429 wait, or a place still waiting for its answer (a not_found now would settle a live order).
    if (core.heldBySender(o.clientOrderId)) continue;
    const now = core.now();
    let info = core.inflight.get(o.clientOrderId);
    if (!info) {
      core.inflight.set(o.clientOrderId, info = { sentAtMs: now, firstMissingMs: null, failedQueries: 0 });
    }
    if (now - info.sentAtMs < thresholdMs) continue;
    const q = await core.venue.queryByClientId(o.symbol, o.clientOrderId);
    const at = core.now();
    core.counters.emit("info", EV.inflight, {
      clientOrderId: o.clientOrderId,
      phase: "query",
      state: o.state,
      answer: q.kind === "confirmed" ? q.value.status : q.kind === "rejected" ? q.reason : q.cause,
    });
    if (o.state === "PENDING_CANCEL" && q.kind === "confirmed") {
      if (openAtVenue(q.value)) await stillOpen(core, o, q.value, info);
      else await settleCancel(core, o.clientOrderId, q);
      continue;
    }
    // Not found (for a cancel too: its place may never have reached the venue): the grace, then settled.
    if (q.kind === "rejected" && q.reason === "not_found") info.firstMissingMs ??= at;
    const s = settleMissing(o, q, {
      nowMs: at,
      firstMissingMs: info.firstMissingMs ?? at,
      graceMs: core.cfg.missingGraceMs,
    });
    if (s.kind === "events") {
      for (const e of s.events) await core.apply(o.clientOrderId, e, "inflight");
      if (q.kind === "confirmed") {
        await fetchFills(core, core.j.book.order(o.clientOrderId)!, q.value, "inflight");
      }
    } else if (s.kind === "retry" && ++info.failedQueries === retries + 1) {
      const detail = "the venue does not answer for this order: it stays in flight, never re-sent";
      stuck(core, o, { queries: info.failedQueries, detail });
    }
  }
}

/**
 * After a cold start: each open order (ACCEPTED, PARTIALLY_FILLED) queried once by client id, so a fill
 * or an end while the loop was down is learned (the user stream does not replay it): its fills fetched
 * and applied once (by trade id), then a CANCELED/EXPIRED end. A failed query is logged; the order stays.
 */
export async function pollOpenOnce(core: LoopCore): Promise<void> {
  for (const o of core.j.book.working()) {
    if (o.state !== "ACCEPTED" && o.state !== "PARTIALLY_FILLED") continue;
    const id = o.clientOrderId;
    const q = await core.venue.queryByClientId(o.symbol, id);
    core.counters.emit(q.kind === "confirmed" ? "info" : "warn", EV.inflight, {
      clientOrderId: id,
      phase: "cold_query",
      state: o.state,
      answer: q.kind === "confirmed" ? q.value.status : q.kind === "rejected" ? q.reason : q.cause,
    });
    if (q.kind !== "confirmed") continue;
    await fetchFills(core, o, q.value, "cold");
    const s = statusEvent(q.value);
    const now = core.j.book.order(id)!;
    const open = now.state === "ACCEPTED" || now.state === "PARTIALLY_FILLED";
    if (s && s.kind !== "accepted" && open) await core.apply(id, s, "cold");
  }
}

function stuck(core: LoopCore, o: Order, fields: Record<string, unknown>): void {
  core.counters.emit("error", EV.inflight, { clientOrderId: o.clientOrderId, phase: "stuck", ...fields });
}
