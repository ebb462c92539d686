// The send step's request: the place call, at most once per client id in flight (`core.placing` while it
// is out, so the in-flight checker and reconciliation do not settle an order whose answer may still
// come), its answer applied; a 429 or a local hold waits and sends the same id again (still gated, and
// held while a reconciliation runs). A reconciliation waits for the attempt out (placesAnswered): it
// must not read the venue while an answer is missing from the book (its fills would look foreign).
import { sleep } from "../async/sleep.ts";
import type { Order } from "../oms/order.ts";
import { requestOf, statusEvent } from "../oms/venue_map.ts";
import type { Outcome, VenueOrder } from "../trading/venue.ts";
import { cancelAgain } from "./cancels.ts";
import type { LoopCore } from "./core.ts";
import { EV } from "./counters.ts";
import { endHeld } from "./held.ts";
import { fetchFills } from "./venue_fills.ts";

/** Per loop, the last place attempt: its request and its answer's handling (one worker: one at a time). */
const attempts = new WeakMap<LoopCore, Promise<unknown>>();
/** Per loop, held orders already counted `placed` (a 429'd request left): not counted again when sent after. */
const placedHeld = new WeakMap<LoopCore, Set<string>>();

/** Resolves once no place request is out and the last answer is applied. */
export async function placesAnswered(core: LoopCore): Promise<void> {
  await attempts.get(core)?.catch(() => {});
}

/**
 * Places `o` (its `submitted` durable, the gate passed); `mayPlace` re-checks the gate before a resend.
 * "held": after a Retry-After wait a reconciliation runs (or the loop is blocked): the order stays held
 * (`core.resending`, held.ts), never sent meanwhile; the caller queues it again.
 */
export async function placeOrder(
  core: LoopCore,
  o: Order,
  mayPlace: () => boolean,
  signal: AbortSignal,
): Promise<"held" | undefined> {
  const id = o.clientOrderId;
  const held = placedHeld.get(core) ?? placedHeld.set(core, new Set()).get(core)!;
  for (const x of held) if (core.j.book.order(x)?.state !== "SUBMITTED") held.delete(x); // ended while held
  const sent = { counted: held.delete(id) };
  for (let attempt = 1;; attempt++) {
    const step = placeOnce(core, o, attempt, sent);
    attempts.set(core, step);
    const waitMs = await step;
    if (waitMs === null) return;
    await sleep(waitMs, signal, core.fx.timers);
    // Taken by a cancel (held.ts) or settled meanwhile: never sent again.
    if (core.j.book.order(id)?.state !== "SUBMITTED" || !core.resending.has(id)) {
      return void core.resending.delete(id);
    }
    if (signal.aborted || !mayPlace()) {
      const reason = `never placed (429), not resent: ${signal.aborted ? "shutdown" : "TRADING_HALTED"}`;
      return void await endHeld(core, id, { kind: "rejected", reason }, "worker");
    }
    if (core.reconciling || core.blocked !== null) {
      if (sent.counted) held.add(id);
      return "held";
    }
  }
}

/** One request and its answer applied; the wait before the same id goes again (429, local hold), or null. */
async function placeOnce(
  core: LoopCore,
  o: Order,
  attempt: number,
  sent: { counted: boolean },
): Promise<number | null> {
  const id = o.clientOrderId;
  // Each attempt restarts the clock: the threshold counts from the last send (a 429 wait is not age).
  core.inflight.set(id, { sentAtMs: core.now(), firstMissingMs: null, failedQueries: 0 });
  // Out from here: `placing`, no longer held (a resend after a 429 was): a cancel now goes to the venue.
  core.placing.add(id);
  core.resending.delete(id);
  let out: Outcome<VenueOrder>;
  try {
    out = await core.venue.place(requestOf(o));
  } finally {
    // In the answer's own turn, with `resending`'s update below: an order whose answer is in is never
    // taken for held (held.ts) between the two (a cancel there ended a live order "before it was sent").
    core.placing.delete(id);
  }
  // `placed`: it left (a venue answer or none); a local refusal (code null) never did. Once per order.
  if (!sent.counted && (sent.counted = out.kind !== "rejected" || out.code !== null)) {
    core.counters.order(o.symbol, "placed");
  }
  if (out.kind !== "rejected") core.fx.crashAt?.("after_send");
  if (out.kind === "confirmed") {
    await core.apply(id, { kind: "accepted", venueOrderId: out.value.orderId }, "place");
    core.fx.crashAt?.("after_ack");
    const s = statusEvent(out.value);
    if (s && s.kind !== "accepted") await core.apply(id, s, "place");
    // Canceled while the place was on the wire, the cancel refused as unknown (-2011): again, now.
    await cancelAgain(core, id);
    // Filled at once (a taker): its fills by query too, so a quiet stream cannot lose them.
    await fetchFills(core, core.j.book.order(id)!, out.value, "place");
    return null;
  }
  if (out.kind === "ambiguous") {
    core.counters.emit("warn", EV.inflight, { clientOrderId: id, phase: "ambiguous", cause: out.cause });
    return null;
  }
  if (out.reason === "rate_limited" && out.retryAtMs !== undefined) {
    // Refused before the engine (429) or never sent (local hold): the same id goes again after the wait.
    core.resending.add(id);
    // A wait, not a time: the connector's retry time is on its local clock, core.now() the venue's.
    const waitMs = out.retryInMs ?? Math.max(0, out.retryAtMs - core.now());
    core.counters.emit("warn", EV.submitRetry, { clientOrderId: id, attempt, waitMs, code: out.code });
    return waitMs;
  }
  if (out.reason === "duplicate_client_id") {
    core.counters.emit("warn", EV.inflight, { clientOrderId: id, phase: "duplicate_id", msg: out.msg });
    return null; // the venue has it: the in-flight checker finds it by query
  }
  await core.apply(id, { kind: "rejected", reason: `${out.reason}: ${out.msg}` }, "place");
  return null;
}
