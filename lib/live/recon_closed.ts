// Reconciliation's closed-but-open check: an order the OMS held closed before the venue's open orders
// were read (a lost cancel, an order sent after its end) that the venue lists open. Asked by client id
// (an ambiguous answer asked again, as settle() does); open indeed, it is ours and rests uncounted, so
// its cancel goes to the venue at once (nothing else in the loop would cancel a closed order) and the
// round fails all the same: the next reconciliation re-checks. The venue id the query names is kept
// (LoopCore.closedOpenIds) so a fill racing the cancel is matched to the order, never adopted as EXTERNAL.
import { sleep } from "../async/sleep.ts";
import type { OrderEvent } from "../oms/order.ts";
import { openAtVenue } from "../oms/venue_map.ts";
import type { Outcome, VenueOrder } from "../trading/venue.ts";
import type { LoopCore } from "./core.ts";
import { EV } from "./counters.ts";
import type { ReconcileOutcome } from "./loop_view.ts";
import { brief, ReconcileFailed } from "./venue_fills.ts";

type Apply = (id: string, e: OrderEvent, k: ReconcileOutcome) => Promise<void>;
type Count = (k: ReconcileOutcome, line: string) => void;

export async function confirmClosed(
  core: LoopCore,
  id: string,
  symbol: string,
  apply: Apply,
  count: Count,
  signal?: AbortSignal,
): Promise<void> {
  let q: Outcome<VenueOrder>;
  for (let failures = 0;;) {
    q = await core.venue.queryByClientId(symbol, id);
    count("queried", `${id}: ${q.kind === "confirmed" ? q.value.status : brief(q)}`);
    if (q.kind !== "ambiguous" || ++failures > core.cfg.inflight.retries) break;
    const waitMs = core.cfg.inflight.intervalMs;
    core.counters.emit("info", EV.reconciliation, {
      phase: "wait",
      clientOrderId: id,
      waitMs,
      detail: brief(q),
    });
    await sleep(waitMs, signal, core.fx.timers);
    if (signal?.aborted) throw new ReconcileFailed("stopped while confirming " + id);
  }
  if (q.kind === "confirmed" && !openAtVenue(q.value)) return;
  const o = core.j.book.order(id)!;
  if (q.kind !== "confirmed") {
    return count(
      "problem",
      `${id} is ${o.state} in the OMS, listed open at the venue; its query: ${brief(q)}`,
    );
  }
  const v = q.value;
  core.closedOpenIds.set(v.orderId, id);
  // A CANCELED/EXPIRED order takes a late venue id (logged: a restart keeps it); REJECTED/DENIED cannot.
  if (o.venueOrderId === null && (o.state === "CANCELED" || o.state === "EXPIRED")) {
    await apply(id, { kind: "accepted", venueOrderId: v.orderId }, "applied");
  }
  const out = await core.venue.cancel({ symbol, clientOrderId: id });
  const answer = out.kind === "confirmed" ? out.value.status ?? out.value.unknownStatus : brief(out);
  core.counters.emit("error", EV.reconciliation, {
    phase: "closed_open_cancel",
    clientOrderId: id,
    state: o.state,
    venueOrderId: v.orderId,
    answer,
  });
  count(
    "problem",
    `${id} is ${o.state} in the OMS but open at the venue (venue order ${v.orderId}, ${v.status}): ` +
      `cancel sent (${answer})`,
  );
}
