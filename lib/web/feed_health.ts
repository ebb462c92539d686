// What the feed's /health knows, per page row: a reachable feed can still be degraded (a venue link
// down, a symbol silent past the stale timeout, bars held while the venue clock is in doubt). The page
// shows that instead of "ok", so it never disagrees with /health.
import { z } from "zod";
import { fetchJson, type UpstreamDeps } from "./upstream.ts";

export const FeedHealthSchema = z.looseObject({
  status: z.string(),
  stale: z.array(z.string()).optional(),
  connections: z.array(z.looseObject({ venue: z.string(), up: z.boolean() })).optional(),
  clock: z.looseObject({ trusted: z.boolean().optional() }).optional(),
});
export type FeedHealthBody = z.infer<typeof FeedHealthSchema>;

export interface RowHealth {
  readonly status: "ok" | "degraded";
  /** Why, shortest first: "venue link down", "no data past the stale timeout", "venue clock in doubt". */
  readonly reasons: readonly string[];
}

/** The feed's /health, or null when it does not answer (the bars' own report says unreachable). */
export async function fetchFeedHealth(deps: UpstreamDeps, feedUrl: string): Promise<FeedHealthBody | null> {
  return (await fetchJson(deps, "feed", `${feedUrl}/health`, FeedHealthSchema)).data;
}

/** One row's share of the feed's health; a degraded feed with no row-specific reason marks every row. */
export function rowHealth(h: FeedHealthBody | null, venue: string, symbol: string): RowHealth | null {
  if (h === null) return null;
  const reasons: string[] = [];
  if (h.connections?.some((c) => c.venue === venue && !c.up)) reasons.push("venue link down");
  if (h.stale?.includes(`${venue}/${symbol}`)) reasons.push("no data past the stale timeout");
  if (h.clock?.trusted === false) reasons.push("venue clock in doubt");
  if (reasons.length === 0 && h.status !== "ok") reasons.push(`feed ${h.status}`);
  return { status: reasons.length === 0 ? "ok" : "degraded", reasons };
}
