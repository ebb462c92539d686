// The send step's request: the place call, at most once per client id in flight (`core.placing` while it
// is out, so the in-flight checker and reconciliation do not settle an order whose answer may still
// come), its answer applied; a 429 or a local hold waits and sends the same id again (still gated).
import { sleep } from "../async/sleep.ts";
import type { Order } from "../oms/order.ts";
import { requestOf, statusEvent } from "../oms/venue_map.ts";
import type { LoopCore } from "./core.ts";
import { EV } from "./counters.ts";
import { fetchFills } from "./reconciler.ts";

/** Places `o` (its `submitted` durable, the gate passed); `mayPlace` re-checks the gate before a resend. */
export async function placeOrder(
  core: LoopCore,
  o: Order,
  mayPlace: () => boolean,
  signal: AbortSignal,
): Promise<void> {
  const id = o.clientOrderId;
  let counted = false;
  for (let attempt = 1;; attempt++) {
    // Each attempt restarts the clock: the threshold counts from the last send (a 429 wait is not age).
    core.inflight.set(id, { sentAtMs: core.now(), firstMissingMs: null, failedQueries: 0 });
    core.placing.add(id);
    const out = await core.venue.place(requestOf(o)).finally(() => core.placing.delete(id));
    // `placed`: it left (a venue answer or none); a local refusal (code null) never did. Once per order.
    if (!counted && (counted = out.kind !== "rejected" || out.code !== null)) {
      core.counters.order(o.symbol, "placed");
    }
    if (out.kind !== "rejected") core.fx.crashAt?.("after_send");
    if (out.kind === "confirmed") {
      core.resending.delete(id);
      await core.apply(id, { kind: "accepted", venueOrderId: out.value.orderId }, "place");
      core.fx.crashAt?.("after_ack");
      const s = statusEvent(out.value);
      if (s && s.kind !== "accepted") await core.apply(id, s, "place");
      // Filled at once (a taker): its fills by query too, so a quiet stream cannot lose them.
      await fetchFills(core, core.j.book.order(id)!, out.value, "place");
      return;
    }
    if (out.kind === "ambiguous") {
      core.resending.delete(id);
      core.counters.emit("warn", EV.inflight, { clientOrderId: id, phase: "ambiguous", cause: out.cause });
      return;
    }
    if (out.reason === "rate_limited" && out.retryAtMs !== undefined) {
      // Refused before the engine (429) or never sent (local hold): the same id goes again after the wait.
      core.resending.add(id);
      // A wait, not a time: the connector's retry time is on its local clock, core.now() the venue's.
      const waitMs = out.retryInMs ?? Math.max(0, out.retryAtMs - core.now());
      core.counters.emit("warn", EV.submitRetry, { clientOrderId: id, attempt, waitMs, code: out.code });
      await sleep(waitMs, signal, core.fx.timers);
      // Settled meanwhile (nothing should, it is marked resending): never send it again.
      if (core.j.book.order(id)?.state !== "SUBMITTED") return void core.resending.delete(id);
      if (signal.aborted || !mayPlace()) {
        core.resending.delete(id);
        const why = signal.aborted ? "shutdown" : "TRADING_HALTED";
        await core.apply(
          id,
          { kind: "rejected", reason: `never placed (429), not resent: ${why}` },
          "worker",
        );
        return;
      }
      continue;
    }
    core.resending.delete(id);
    if (out.reason === "duplicate_client_id") {
      core.counters.emit("warn", EV.inflight, { clientOrderId: id, phase: "duplicate_id", msg: out.msg });
      return; // the venue has it: the in-flight checker finds it by query
    }
    await core.apply(id, { kind: "rejected", reason: `${out.reason}: ${out.msg}` }, "place");
    return;
  }
}
