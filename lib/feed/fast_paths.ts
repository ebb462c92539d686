// Each venue's trade-frame fast path in front of its generic mapper: the fast path reads the few
// fields a trade needs straight out of the frame's bytes when the frame is exactly in the venue's
// layout, and returns null for anything else, which the generic JSON.parse mapper then decides. So the
// result never depends on the fast path (the *_fast_test.ts files check it equals the generic one).
import type { Venue } from "../market/types.ts";
import type { MapResult, VenueAdapter } from "../venues/adapter.ts";
import { fastBinance } from "./binance_fast.ts";
import { fastBybit } from "./bybit_fast.ts";
import { fastKraken } from "./kraken_fast.ts";
import { fastOkx } from "./okx_fast.ts";

/** A fast path: the frame's result, or null to leave it to the generic mapper. */
export type FastPath = (raw: string, receivedAtMs: number) => MapResult | null;

export const FAST_PATHS: Readonly<Record<Venue, FastPath>> = {
  binance: fastBinance,
  bybit: fastBybit,
  okx: fastOkx,
  kraken: fastKraken,
};

/** The venue's map function with its fast path in front of the generic mapper. */
export function withFastPath(venue: Venue, generic: VenueAdapter["map"]): VenueAdapter["map"] {
  const fast = FAST_PATHS[venue];
  return (raw, receivedAtMs) => fast(raw, receivedAtMs) ?? generic(raw, receivedAtMs);
}
