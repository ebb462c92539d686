// A test's hand on WHEN the real connector's place calls happen, never on what they answer: every call
// goes through to the connector and the venue simulator. `beforePlace` is awaited before the request
// leaves (the order "on the wire", unknown to the venue until it returns); `afterPlace` sees the answer
// before the loop does (a step taken in the turns right after it).
import type { ExecutionVenue, OrderRequest, Outcome, VenueOrder } from "../lib/trading/venue.ts";

export interface VenueTaps {
  readonly beforePlace?: (req: OrderRequest) => Promise<void> | void;
  readonly afterPlace?: (req: OrderRequest, out: Outcome<VenueOrder>) => void;
}

/** `venue` with its place calls tapped; everything else is the venue's own. */
export function tapVenue(venue: ExecutionVenue, taps: VenueTaps): ExecutionVenue {
  const place = async (req: OrderRequest): Promise<Outcome<VenueOrder>> => {
    await taps.beforePlace?.(req);
    const out = await venue.place(req);
    taps.afterPlace?.(req, out);
    return out;
  };
  return new Proxy(venue, {
    get(target, p) {
      if (p === "place") return place;
      const v = Reflect.get(target, p, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}
