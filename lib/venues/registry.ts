// The venue adapters by name: the one place the feed and the simulator look them up.
import type { Venue } from "../market/types.ts";
import type { ConnectionPlan, MapResult, Subscription, VenueAdapter } from "./adapter.ts";
import { binance } from "./binance.ts";
import { bybit } from "./bybit.ts";
import { kraken } from "./kraken.ts";
import { okx } from "./okx.ts";

export const ADAPTERS: Readonly<Record<Venue, VenueAdapter>> = Object.freeze({ binance, bybit, okx, kraken });

/** Maps one raw frame of a venue (pure; never throws). */
export function mapFrame(venue: Venue, raw: string, receivedAtMs: number): MapResult {
  return ADAPTERS[venue].map(raw, receivedAtMs);
}

/** The connections a venue needs for these subscriptions, with endpoints read from env. */
export function planConnections(
  venue: Venue,
  env: Readonly<Record<string, string | undefined>>,
  subs: readonly Subscription[],
): ConnectionPlan[] {
  const adapter = ADAPTERS[venue];
  return adapter.plan(adapter.endpoints(env), subs);
}
