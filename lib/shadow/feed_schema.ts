// zod at the feed edge: the heartbeat payload here; the ClosedBar JSON of `event: bar` and /api/bars
// is lib/market/closed_bar_schema.ts (a bus message carries the same shape), re-exported for callers.
// Inside the service the plain readonly ClosedBar type (lib/market/types.ts) is used.
import { z } from "zod";
import { firstIssue, type ParseResult } from "../market/closed_bar_schema.ts";
import type { Interval, Venue } from "../market/types.ts";

export { ClosedBarSchema, parseClosedBar, type ParseResult } from "../market/closed_bar_schema.ts";

export const FeedHeartbeatSchema = z.looseObject({
  feedOk: z.boolean(),
  nowMs: z.number().finite().optional(),
  stale: z.array(z.unknown()).optional(),
  speed: z.number().finite().positive().optional(),
});
export type FeedHeartbeat = z.infer<typeof FeedHeartbeatSchema>;

/** The series one strategy instance consumes. */
export interface SeriesKey {
  readonly venue: Venue;
  readonly symbol: string;
  readonly interval: Interval;
}

/** The feed's SSE id for a bar: `<venue>|<symbol>|<interval>|<openTimeMs>`. */
export function barId(k: SeriesKey, openTimeMs: number): string {
  return `${k.venue}|${k.symbol}|${k.interval}|${openTimeMs}`;
}

export function parseFeedHeartbeat(value: unknown): ParseResult<FeedHeartbeat> {
  const r = FeedHeartbeatSchema.safeParse(value);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: firstIssue(r.error) };
}

/** Cheap pre-check on an already-parsed object: is this bar for our series? (skips zod for other series) */
export function isForSeries(value: unknown, k: SeriesKey): boolean {
  if (typeof value !== "object" || value === null) return false;
  const o = value as Record<string, unknown>;
  return o.venue === k.venue && o.symbol === k.symbol && o.interval === k.interval;
}
