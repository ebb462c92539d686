// Orders the loop holds without their being at the venue: `submitted` is on record, yet the worker keeps
// the order back (a Retry-After wait, a reconciliation or a blocked loop, its own `submitted` sync), so
// the venue provably never saw it. The worker sends a held order only while it is still in
// `core.resending`; whoever ends it takes it out of there first (synchronously), so it is never sent
// after, and settles it locally: the venue is not asked about an order it never saw.
import type { OrderEvent } from "../oms/order.ts";
import type { LoopCore } from "./core.ts";

/**
 * Held unsent by the worker (parked for a send, no place request out), or being ended so. An order with a
 * request out is never held: place.ts takes it out of `resending` as the request leaves, and drops
 * `placing` in the same turn as the answer's own update of `resending`; one the venue has named (a venue
 * order id) is not held either.
 */
export function isHeld(core: LoopCore, id: string): boolean {
  if (core.ending.has(id)) return true;
  return core.resending.has(id) && !core.placing.has(id) && core.j.book.order(id)?.venueOrderId == null;
}

/**
 * Takes a held order from the worker and ends it with `event` (durable). Appended after its `submitted`
 * (a sync may still be running for it), so the book applies both, in that order. Until the end is
 * applied the book still says SUBMITTED: `core.ending` keeps the checker and reconciliation off it.
 */
export async function endHeld(core: LoopCore, id: string, event: OrderEvent, via: string): Promise<void> {
  core.resending.delete(id);
  core.ending.add(id);
  try {
    await core.apply(id, event, via);
  } finally {
    core.ending.delete(id);
  }
}

/**
 * At shutdown, with the worker stopped: every order still held ends REJECTED as never placed, so the
 * state lists it neither as open nor as in flight and the next start does not wait out a grace for it.
 * `unqueue` drops it from the worker's queue (Submitter.unqueue).
 */
export async function endAllHeld(core: LoopCore, unqueue: (id: string) => void, why: string): Promise<void> {
  for (const id of [...core.resending]) {
    if (!isHeld(core, id)) continue;
    unqueue(id);
    await endHeld(core, id, { kind: "rejected", reason: `never placed, not sent: ${why}` }, "worker");
  }
}
